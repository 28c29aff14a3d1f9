/**
 * A TCP proxy that sits between Sluice and a broker on 127.0.0.1 and injects faults: refuse new
 * connections, blackhole (accept and never forward), reset every open socket, add latency,
 * cap bandwidth, or go half-open (forward one direction only). Used by connector and fault tests
 * to break a shared system broker without stopping it.
 */
import net from 'node:net';

export type FaultMode = 'pass' | 'refuse' | 'blackhole' | 'half-open';

/** Which direction still flows in half-open mode. */
export type HalfOpenDirection = 'to-upstream' | 'to-client';

export class FaultProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private mode: FaultMode = 'pass';
  private latencyMs = 0;
  private bytesPerSec = 0;
  private halfOpenFlow: HalfOpenDirection = 'to-upstream';
  private readonly pipes = new Set<Pipe>();
  private resetTimer: NodeJS.Timeout | undefined;
  /** Half-open dropped bytes of open connections: pass() resets them. */
  private silenced = false;
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
    const pipe: Pipe = {
      client,
      upstream,
      dead: false,
      fromClient: new Shaper(upstream, () => !pipe.dead && this.flows('to-upstream'), () => this.latencyMs, () => this.bytesPerSec),
      fromUpstream: new Shaper(client, () => !pipe.dead && this.flows('to-client'), () => this.latencyMs, () => this.bytesPerSec),
    };
    this.pipes.add(pipe);
    upstream.on('close', () => {
      this.sockets.delete(upstream);
      this.pipes.delete(pipe);
      client.destroy();
    });
    client.on('close', () => {
      this.pipes.delete(pipe);
      upstream.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.on('data', (d: Buffer) => pipe.fromClient.push(d, client));
    upstream.on('data', (d: Buffer) => pipe.fromUpstream.push(d, upstream));
    // Pass a FIN on (pipe() did); a half-open connection keeps the dropped side open.
    client.on('end', () => !pipe.dead && this.flows('to-upstream') && pipe.fromClient.end());
    upstream.on('end', () => !pipe.dead && this.flows('to-client') && pipe.fromUpstream.end());
  }

  /** Whether bytes travelling `dir` are forwarded in the current mode. */
  private flows(dir: HalfOpenDirection): boolean {
    if (this.mode === 'blackhole') return false;
    return this.mode !== 'half-open' || this.halfOpenFlow === dir;
  }

  /** Forward traffic normally (re-opening the listener after `refuse`). */
  async pass(): Promise<void> {
    if (this.silenced) {
      this.silenced = false;
      this.reset();
    }
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

  /**
   * Accept connections but forward nothing. Open connections are reset first, unless
   * `keepOpen`: then they stay open and go silent for good, as connections to a host that died
   * do: no RST ever arrives and only the client's own timeouts can notice. `pass()` serves new
   * connections again; the silenced ones stay dead until the client closes them.
   */
  blackhole(opts: { keepOpen?: boolean } = {}): void {
    this.mode = 'blackhole';
    if (opts.keepOpen) for (const p of this.pipes) p.dead = true;
    else this.reset();
  }

  /** Reset every open connection (RST); new ones are handled by the current mode. */
  reset(): void {
    for (const s of this.sockets) s.resetAndDestroy();
    this.sockets.clear();
  }

  /** Delay every chunk by `ms` in both directions (0 turns it off). */
  latency(ms: number): void {
    this.latencyMs = ms;
  }

  /** Cap each direction of each connection at `bytesPerSec` (0 turns it off). */
  bandwidth(bytesPerSec: number): void {
    this.bytesPerSec = bytesPerSec;
  }

  /**
   * Forward one direction only: bytes the other way are silently dropped, as when a peer's
   * replies vanish (a one-way partition). Open connections stay open.
   */
  halfOpen(flow: HalfOpenDirection = 'to-upstream'): void {
    this.mode = 'half-open';
    this.halfOpenFlow = flow;
    this.silenced = true; // bytes are dropped: pass() resets these connections
  }

  /** Reset every open connection every `ms` (a reconnect storm) until stopped or `ms` is 0. */
  resetEvery(ms: number): void {
    clearInterval(this.resetTimer);
    this.resetTimer = ms > 0 ? setInterval(() => this.reset(), ms) : undefined;
  }

  /** Connections currently open through the proxy (client side). */
  get openConnections(): number {
    return this.pipes.size;
  }

  async stop(): Promise<void> {
    clearInterval(this.resetTimer);
    this.reset();
    await new Promise<void>((r) => (this.server?.listening ? this.server.close(() => r()) : r()));
  }
}

interface Pipe {
  client: net.Socket;
  upstream: net.Socket;
  /** Silenced for good by a keep-open blackhole. */
  dead: boolean;
  fromClient: Shaper;
  fromUpstream: Shaper;
}

/**
 * Forwards one direction of a proxied connection, applying latency and a bandwidth cap. Without
 * either it writes through at once and pauses the source while the destination is full (what
 * pipe() would do); with them it queues and releases chunks on timers.
 */
class Shaper {
  /** Chunks waiting, each with the time it may leave (arrival + latency). */
  private queue: Array<{ chunk: Buffer; due: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  /** When the bandwidth budget allows the next byte (ms, Date.now()). */
  private nextFree = 0;
  private ended = false;

  constructor(
    private readonly dest: net.Socket,
    private readonly flowing: () => boolean,
    private readonly latencyMs: () => number,
    private readonly bytesPerSec: () => number,
  ) {}

  push(chunk: Buffer, src: net.Socket): void {
    if (!this.flowing()) return; // half-open or silenced: dropped
    const now = Date.now();
    const delay = this.latencyMs();
    if (delay === 0 && this.bytesPerSec() === 0 && this.queue.length === 0) {
      if (!this.dest.destroyed && !this.dest.write(chunk)) {
        src.pause();
        this.dest.once('drain', () => src.resume());
      }
      return;
    }
    // Under a bandwidth cap, pieces of 50 ms worth each, so one big chunk is paced too.
    const bps = this.bytesPerSec();
    const piece = bps > 0 ? Math.max(1, Math.floor(bps / 20)) : chunk.length;
    for (let i = 0; i < chunk.length; i += piece) this.queue.push({ chunk: chunk.subarray(i, i + piece), due: now + delay });
    this.schedule();
  }

  /** End the destination once every queued chunk was written. */
  end(): void {
    this.ended = true;
    if (this.queue.length === 0) this.dest.end();
  }

  private schedule(): void {
    if (this.timer || this.queue.length === 0) return;
    const head = this.queue[0]!;
    const wait = Math.max(0, head.due - Date.now(), this.nextFree - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, wait);
  }

  private release(): void {
    const head = this.queue.shift();
    if (head) {
      if (!this.dest.destroyed) this.dest.write(head.chunk);
      const bps = this.bytesPerSec();
      if (bps > 0) this.nextFree = Math.max(this.nextFree, Date.now()) + (head.chunk.length / bps) * 1000;
    }
    if (this.queue.length === 0) {
      if (this.ended) this.dest.end();
      return;
    }
    this.schedule();
  }
}
