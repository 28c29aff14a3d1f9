/**
 * A TCP proxy that sits between Sluice and a broker on 127.0.0.1 and injects faults: refuse new
 * connections, blackhole (accept and never forward), reset every open socket, or add latency.
 * Used by connector and fault tests to break a shared system broker without stopping it.
 */
import net from 'node:net';

export type FaultMode = 'pass' | 'refuse' | 'blackhole';

export class FaultProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private mode: FaultMode = 'pass';
  private latencyMs = 0;
  /** Connections accepted so far (for reconnect assertions). */
  connections = 0;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    await this.listen(port);
    return this.port;
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((client) => this.onClient(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private onClient(client: net.Socket): void {
    this.connections++;
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => {});
    if (this.mode === 'blackhole') return; // hold it open, forward nothing
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(upstream);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      client.destroy();
    });
    client.on('close', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    if (this.latencyMs > 0) {
      const delay = this.latencyMs;
      client.on('data', (d: Buffer) => setTimeout(() => upstream.write(d), delay));
      upstream.on('data', (d: Buffer) => setTimeout(() => client.write(d), delay));
    } else {
      client.pipe(upstream);
      upstream.pipe(client);
    }
  }

  /** Forward traffic normally (re-opening the listener after `refuse`). */
  async pass(): Promise<void> {
    this.mode = 'pass';
    if (!this.server?.listening) await this.listen(this.port);
  }

  /** Close the listener: new connections are refused; open ones are reset. */
  async refuse(): Promise<void> {
    this.mode = 'refuse';
    const closed = new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    // close() waits for open connections to end: reset them first, or it never returns; and
    // again once closed, for any socket that was still being set up.
    this.reset();
    await closed;
    this.reset();
  }

  /** Accept connections but forward nothing; open connections are reset first. */
  blackhole(): void {
    this.mode = 'blackhole';
    this.reset();
  }

  /** Reset every open connection (RST); new ones are handled by the current mode. */
  reset(): void {
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  latency(ms: number): void {
    this.latencyMs = ms;
  }

  async stop(): Promise<void> {
    this.reset();
    await new Promise<void>((r) => (this.server?.listening ? this.server.close(() => r()) : r()));
  }
}
