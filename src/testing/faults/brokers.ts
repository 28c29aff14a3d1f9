/**
 * Private broker instances for fault tests (RELIABILITY.md §2.1 "Private broker instances"):
 * `nats-server -js`, `redis-server --appendonly yes` and `mosquitto` (persistence on) on free
 * ports in temp dirs. Unlike the shared system brokers, these can be SIGKILLed, SIGSTOPped and
 * SIGCONTed and restarted on the same port and data dir, so a test can restart a broker for real.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { portOpen } from '../services.js';

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export function binaryAvailable(bin: string): boolean {
  if (bin.includes('/')) return existsSync(bin);
  return (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin']).some((d) => d !== '' && existsSync(join(d, bin)));
}

export interface BrokerSpec {
  kind: 'nats' | 'redis' | 'mosquitto';
  bin: string;
  args(port: number, dir: string): string[];
  /** Files to write in the data dir before starting. */
  files?(port: number, dir: string): Record<string, string>;
}

/**
 * A private broker: its port and data dir stay the same across kill / restart, so data written
 * before a SIGKILL is there again after `start()` (JetStream store, AOF, mosquitto.db).
 */
export class PrivateBroker {
  readonly dir: string;
  readonly logPath: string;
  port = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(private readonly spec: BrokerSpec) {
    this.dir = mkdtempSync(join(tmpdir(), `sluice-fault-${spec.kind}-`));
    this.logPath = join(this.dir, 'broker.log');
  }

  get url(): string {
    switch (this.spec.kind) {
      case 'nats':
        return `nats://127.0.0.1:${this.port}`;
      case 'redis':
        return `redis://127.0.0.1:${this.port}`;
      case 'mosquitto':
        return `tcp://127.0.0.1:${this.port}`;
    }
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Start (or restart on the same port and dir); resolves once the port accepts connections. */
  async start(timeoutMs = 10_000): Promise<this> {
    if (this.child) throw new Error(`${this.spec.kind}: already running`);
    if (this.port === 0) this.port = await freePort();
    for (const [name, text] of Object.entries(this.spec.files?.(this.port, this.dir) ?? {})) writeFileSync(join(this.dir, name), text);
    const fd = openSync(this.logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.spec.bin, this.spec.args(this.port, this.dir), { cwd: this.dir, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    let gone = false;
    this.exited = new Promise<void>((r) =>
      child.once('exit', () => {
        gone = true;
        if (this.child === child) this.child = undefined;
        r();
      }),
    );
    child.once('error', () => {});
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (gone) break;
      if (await portOpen(this.port, '127.0.0.1', 200)) return this;
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.kill();
    throw new Error(`${this.spec.kind} did not start on port ${this.port}; log tail:\n${this.logTail()}`);
  }

  logTail(chars = 2000): string {
    return existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8').slice(-chars) : '';
  }

  /** SIGKILL and wait for the exit (no-op when not running). */
  async kill(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGCONT'); // a stopped process must run to die promptly on some kernels
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM and wait for the exit. */
  async terminate(): Promise<void> {
    if (!this.child) return;
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    await this.exited;
  }

  /** Freeze the broker (connections stay open, nothing is answered). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async dispose(): Promise<void> {
    await this.kill();
    if (!process.env.KEEP_FAULT_DIRS) rmSync(this.dir, { recursive: true, force: true });
  }
}

const NATS_BIN = process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');
const REDIS_BIN = process.env.REDIS_SERVER_BIN ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : 'redis-server');
const MOSQUITTO_BIN = process.env.MOSQUITTO_BIN ?? (existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto');

/** `nats-server -js` with its store in the temp dir. */
export function natsServer(): PrivateBroker {
  return new PrivateBroker({ kind: 'nats', bin: NATS_BIN, args: (port, dir) => ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, 'js')] });
}

/**
 * `redis-server --appendonly yes` in the temp dir. AOF with the usual fsync-every-second: Redis
 * write()s the AOF before it replies, so a SIGKILL of the process (not of the machine) loses no
 * acknowledged write; the page cache keeps it.
 */
export function redisServer(): PrivateBroker {
  return new PrivateBroker({
    kind: 'redis',
    bin: REDIS_BIN,
    args: (port, dir) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no'],
  });
}

/**
 * `mosquitto` with persistence and a raised `max_queued_messages` (the default of 1000 drops
 * messages for offline clients, which would hide our bugs behind the broker's).
 * Mosquitto saves its store every `autosave_interval` (1 s here) and on a clean exit: a SIGKILL
 * loses what arrived since the last save, a broker loss a test must not blame on Sluice. Restart
 * it with terminate() (SIGTERM) where the data must survive; kill() when that loss is the point.
 */
export function mosquittoServer(): PrivateBroker {
  return new PrivateBroker({
    kind: 'mosquitto',
    bin: MOSQUITTO_BIN,
    files: (port, dir) => ({
      'mosquitto.conf': [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous true',
        'persistence true',
        `persistence_location ${dir}/`,
        'autosave_interval 1',
        'max_queued_messages 1000000',
        'max_inflight_messages 0',
        '',
      ].join('\n'),
    }),
    args: (_port, dir) => ['-c', join(dir, 'mosquitto.conf')],
  });
}

export function brokerBinaryMissing(kind: 'nats' | 'redis' | 'mosquitto'): string | undefined {
  const bin = kind === 'nats' ? NATS_BIN : kind === 'redis' ? REDIS_BIN : MOSQUITTO_BIN;
  return binaryAvailable(bin) ? undefined : `${bin} is not installed`;
}
