/** Shared by the security fault tests: start a stream behind an `http_server` input, talk raw HTTP to it. */
import http from 'node:http';
import net from 'node:net';
import { runStream } from '../../../src/library.js';
import { TestSink, sinks } from '../../../src/testing/test_components.js';
import { waitFor } from '../../../src/testing/wait.js';
import { deadPort } from '../../../src/testing/services.js';
import { createLogger, type Logger } from '../../../src/core/logger.js';
import type { RunHandle } from '../../../src/engine/run_stream.js';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export function request(
  port: number,
  opts: { path?: string; method?: string; body?: string | Buffer; headers?: Record<string, string>; agent?: http.Agent | false } = {},
): Promise<Reply> {
  // Node's client sends a DELETE body with no framing at all unless told its length.
  const headers = opts.body !== undefined && !opts.headers?.['content-length'] ? { ...opts.headers, 'content-length': String(Buffer.byteLength(opts.body)) } : opts.headers;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: opts.path ?? '/post', method: opts.method ?? 'POST', headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Write raw bytes on a fresh socket; resolves with everything read until the server closes it (or `waitMs`). */
export function raw(port: number, text: string | Buffer, waitMs = 5000): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let got = '';
    const s = net.connect(port, '127.0.0.1', () => s.write(text));
    const timer = setTimeout(() => {
      s.destroy();
      resolve({ text: got, closed: false });
    }, waitMs);
    s.on('data', (d) => (got += d.toString('latin1')));
    s.on('close', () => {
      clearTimeout(timer);
      resolve({ text: got, closed: true });
    });
    s.on('error', () => {});
  });
}

export interface Started {
  port: number;
  sink: TestSink;
  handle: RunHandle;
  logs: string[];
}

export function captureLogger(logs: string[], level: 'debug' | 'info' = 'debug'): Logger {
  return createLogger({ level, format: 'logfmt', addTimestamp: false, write: (l) => void logs.push(l) });
}

/**
 * A stream `http_server` (own address) → [processors] → test_sink or the given output. The request
 * timeout is 30 s unless the test sets one: on a loaded machine 5 s can pass before delivery.
 */
export async function startHttp(
  id: string,
  input: Record<string, unknown>,
  rest: Record<string, unknown> = {},
  handles: RunHandle[],
): Promise<Started> {
  const port = await deadPort();
  const sink = new TestSink();
  sinks.set(id, sink);
  const logs: string[] = [];
  const handle = await runStream(
    { http: { enabled: false }, input: { http_server: { address: `127.0.0.1:${port}`, timeout: '30s', ...input } }, output: { test_sink: { id } }, ...rest },
    { logger: captureLogger(logs) },
  );
  handles.push(handle);
  await waitFor(() => handle.stream.ready, 5000, 'http_server to listen');
  return { port, sink, handle, logs };
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export function rssMb(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

/** Peak RSS growth (MB) while `fn` runs, sampled every 5 ms. */
export async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; growthMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 5);
  try {
    const result = await fn();
    peak = Math.max(peak, rssMb());
    return { result, growthMb: peak - before };
  } finally {
    clearInterval(sampler);
  }
}
