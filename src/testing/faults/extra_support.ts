/**
 * Helpers for the faults-extra tests (F6, F10, F11, F13) that the common harness does not offer:
 * - a Redis stream sink on a private redis-server that survives the server being killed or
 *   frozen (progress answers the last known count instead of hanging or throwing);
 * - a private nats-server with a raised max_payload (for 20 MB messages);
 * - HTTP posting with keep-alive, and a raw POST that stops sending once the server answers
 *   (to see a 413 arrive before the body is sent);
 * - polling.
 */
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { PrivateBroker } from './brokers.js';
import type { FaultSink } from './sinks.js';
import type { SluiceProcess } from './process.js';
import { fetchText } from './samplers.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll until `cond` holds; throws with `what` after timeoutMs (or when the process exited). */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, proc?: SluiceProcess): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (await cond()) return;
    if (proc && !proc.running) throw new Error(`${what}: sluice exited; log tail:\n${proc.logs.slice(-3000)}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs} ms${proc ? `; log tail:\n${proc.logs.slice(-3000)}` : ''}`);
    await sleep(50);
  }
}

/** Wait until the child's service HTTP server answers /ping. */
export async function waitForPing(proc: SluiceProcess, port: number, timeoutMs = 15_000): Promise<void> {
  await waitFor(async () => (await fetchText(port, '/ping', 500)) === 'pong', timeoutMs, `sluice /ping on ${port}`, proc);
}

/**
 * A Redis stream sink on a broker the test kills and freezes. `progress()` never throws and never
 * waits more than `probeMs`: while the server is down or stopped it answers the last count it saw
 * (one probe at a time, so a frozen server does not pile up commands).
 */
export class SturdyRedisStreamSink implements FaultSink {
  private last = 0;
  private probing: Promise<void> | undefined;
  private readonly r: Redis;

  constructor(
    readonly url: string,
    readonly stream: string,
    private readonly probeMs = 500,
  ) {
    // Reconnects by itself after the server comes back; commands fail fast while it is away.
    this.r = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 0, retryStrategy: () => 200, enableOfflineQueue: false });
    this.r.on('error', () => {});
  }

  async progress(): Promise<number> {
    if (!this.probing) {
      this.probing = this.r.xlen(this.stream).then(
        (n) => {
          this.last = n;
          this.probing = undefined;
        },
        () => {
          this.probing = undefined;
        },
      );
    }
    await Promise.race([this.probing, sleep(this.probeMs)]);
    return this.last;
  }

  /** Every entry's `body` field, from a fresh connection (the server must be up). */
  async drain(): Promise<string[]> {
    const r = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      const out: string[] = [];
      let start = '-';
      for (;;) {
        const page = await r.xrange(this.stream, start, '+', 'COUNT', 2000);
        for (const [, fields] of page) {
          const i = fields.indexOf('body');
          out.push(i >= 0 ? fields[i + 1]! : '');
        }
        if (page.length < 2000) return out;
        start = `(${page[page.length - 1]![0]}`;
      }
    } finally {
      r.disconnect();
    }
  }

  async dispose(): Promise<void> {
    this.r.disconnect();
  }
}

const NATS_BIN = process.env.NATS_SERVER_BIN ?? (existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server');

/** `nats-server -js` with `max_payload` set (the server's own cap is 64 MB; its default 1 MB). */
export function natsServerWithMaxPayload(maxPayloadBytes: number): PrivateBroker {
  return new PrivateBroker({
    kind: 'nats',
    bin: NATS_BIN,
    files: (port, dir) => ({
      'nats.conf': [`listen: 127.0.0.1:${port}`, `max_payload: ${maxPayloadBytes}`, `max_pending: ${Math.max(64 * 2 ** 20, maxPayloadBytes * 4)}`, `jetstream { store_dir: "${join(dir, 'js')}" }`, ''].join('\n'),
    }),
    args: (_port, dir) => ['-c', join(dir, 'nats.conf')],
  });
}

export interface PostResult {
  status: number;
  body: string;
  ms: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POST a body; resolves with the status and answer (status 0 when the connection failed). */
export function post(port: number, path: string, body: Buffer | string, timeoutMs = 120_000): Promise<PostResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent, timeout: timeoutMs, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString(), ms: Date.now() - t0 }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: '', ms: Date.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: e.message, ms: Date.now() - t0 }));
    req.end(body);
  });
}

export interface EarlyAnswer {
  status: number;
  /** Body bytes this client had written when the answer arrived. */
  sentBytes: number;
  /** The server closed the connection after answering. */
  closed: boolean;
}

/**
 * Send a POST of `totalBytes` (declared in Content-Length, or chunked when `chunked`), writing
 * the body in 64 KiB pieces paced by the socket, and stop writing as soon as an answer arrives.
 * Shows whether the server answered before it read the body.
 */
export function postUntilAnswered(port: number, path: string, totalBytes: number, opts: { chunked?: boolean; timeoutMs?: number } = {}): Promise<EarlyAnswer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let sent = 0;
    let answered: number | undefined;
    let text = '';
    const piece = Buffer.alloc(64 * 1024, 0x61);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer within ${opts.timeoutMs ?? 60_000} ms (sent ${sent} bytes)`));
    }, opts.timeoutMs ?? 60_000);
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      if (answered === undefined) reject(new Error(`the connection closed without an answer after ${sent} bytes`));
      else resolve({ status: answered, sentBytes: sent, closed });
    };
    sock.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (m && answered === undefined) {
        answered = Number(m[1]);
        // Give the server a moment to close, then report.
        setTimeout(() => finish(sock.destroyed || sock.readableEnded), 300);
      }
    });
    sock.on('end', () => answered !== undefined && finish(true));
    sock.on('error', () => (answered !== undefined ? finish(true) : undefined));
    sock.on('close', () => (answered !== undefined ? finish(true) : finish(true)));
    sock.on('connect', () => {
      const head = opts.chunked
        ? `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n`
        : `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${totalBytes}\r\n\r\n`;
      sock.write(head);
      const pump = (): void => {
        while (answered === undefined && sent < totalBytes && !sock.destroyed) {
          const n = Math.min(piece.length, totalBytes - sent);
          const chunk = n === piece.length ? piece : piece.subarray(0, n);
          let ok: boolean;
          if (opts.chunked) {
            sock.write(`${n.toString(16)}\r\n`);
            sock.write(chunk);
            ok = sock.write('\r\n');
          } else ok = sock.write(chunk);
          sent += n;
          if (!ok) return void sock.once('drain', pump);
        }
        if (answered === undefined && sent >= totalBytes && opts.chunked && !sock.destroyed) sock.write('0\r\n\r\n');
      };
      pump();
    });
  });
}

/** Run `fn` over items with at most `concurrency` at a time. */
export async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
