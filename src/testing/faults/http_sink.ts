/**
 * A harness HTTP sink for fault tests (RELIABILITY.md F7a, F12, F15): it accepts POSTed
 * payloads and records every delivery it answered 2xx, with seeded failure modes:
 * - `failFirstRate`: answer 500 to the first attempt of that fraction of messages. Which
 *   messages is decided by hashing (seed, seq), so a run is reproducible and a retry of the same
 *   message succeeds;
 * - `latencyMs`: hold every request that long before answering (a slow sink);
 * - `down()` / `up()`: answer 503 to everything while down.
 * A body that is not a payload (no parsable seq) is still recorded; its failure decision uses
 * the request count instead of the seq.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface HttpSinkOptions {
  failFirstRate?: number;
  seed?: string;
  latencyMs?: number;
  /** Path to accept on (others get 404). Default: any path. */
  path?: string;
}

/** Pulls `"seq":<n>` out of a payload without parsing the whole body. */
function seqOf(body: string): number | undefined {
  const m = /"seq":(\d+)/.exec(body);
  return m ? Number(m[1]) : undefined;
}

/** A deterministic fraction in [0, 1) for (seed, n). */
export function seededFraction(seed: string, n: number): number {
  return createHash('sha256').update(`${seed}:${n}`).digest().readUInt32BE(0) / 2 ** 32;
}

export class HttpSink {
  /** Bodies answered 2xx, in arrival order (the checker's `received`). */
  readonly delivered: string[] = [];
  /** Requests answered with an error status (500 first attempts, 503 while down). */
  rejected = 0;
  /** Requests seen in total (accepted + rejected). */
  requests = 0;
  /** Requests currently being held (latency mode); the most seen at once. */
  concurrent = 0;
  maxConcurrent = 0;
  /** Delivery timestamps (ms, Date.now()) of accepted requests, for rate measurements. */
  readonly deliveredAt: number[] = [];
  private readonly seenSeqs = new Set<number>();
  private isDown = false;
  private server: http.Server | undefined;
  port = 0;

  constructor(private readonly opts: HttpSinkOptions = {}) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.opts.path ?? '/'}`;
  }

  async start(port = 0): Promise<number> {
    const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => this.onRequest(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  down(): void {
    this.isDown = true;
  }

  up(): void {
    this.isDown = false;
  }

  setLatency(ms: number): void {
    this.opts.latencyMs = ms;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.opts.path && req.url !== this.opts.path) {
      res.writeHead(404).end();
      return;
    }
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      const n = this.requests++;
      this.concurrent++;
      if (this.concurrent > this.maxConcurrent) this.maxConcurrent = this.concurrent;
      const answer = (): void => {
        this.concurrent--;
        const body = Buffer.concat(parts).toString('utf8');
        const status = this.decide(body, n);
        if (status === 200) {
          this.delivered.push(body);
          this.deliveredAt.push(Date.now());
        } else this.rejected++;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'rejected');
      };
      const delay = this.opts.latencyMs ?? 0;
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
    req.on('error', () => {});
  }

  private decide(body: string, requestNo: number): number {
    if (this.isDown) return 503;
    const rate = this.opts.failFirstRate ?? 0;
    if (rate <= 0) return 200;
    const seq = seqOf(body);
    const id = seq ?? requestNo;
    if (seq !== undefined) {
      if (this.seenSeqs.has(seq)) return 200; // a retry: accept
      this.seenSeqs.add(seq);
    }
    return seededFraction(this.opts.seed ?? 'faultout', id) < rate ? 500 : 200;
  }

  /** Whether seq's first attempt is (or would be) rejected: lets a test know the expected rejections. */
  failsFirst(seq: number): boolean {
    return seededFraction(this.opts.seed ?? 'faultout', seq) < (this.opts.failFirstRate ?? 0);
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    await new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    });
  }
}
