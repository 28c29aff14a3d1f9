/**
 * Integration tests need real services on 127.0.0.1. On a developer machine a missing service
 * skips its tests with a reason; in CI (CI=true) it is a failure, since CI starts them all.
 */
import net from 'node:net';

export function portOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** undefined when the service is up; a skip reason when it is down outside CI; throws in CI. */
export async function requireService(name: string, port: number, host = '127.0.0.1'): Promise<string | undefined> {
  if (await portOpen(port, host)) return undefined;
  const msg = `${name} is not reachable on ${host}:${port}`;
  if (process.env.CI === 'true') throw new Error(`${msg}: CI must start it (.ci/services.sh)`);
  return `${msg}; start it to run these tests`;
}

/** A port on 127.0.0.1 with nothing listening (for "unreachable broker" tests). */
export async function deadPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
