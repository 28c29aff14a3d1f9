/**
 * Small helpers shared by the faults-outputs tests (F5, F7–F9, F12, F14–F16): a Redis Streams
 * producer, the child's metrics port and counters, line files, and polling. The common harness
 * lives in src/testing/faults/; these only fill what it does not offer (yet).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { repoRoot } from '../../../src/testing/cli.js';
import { fetchText } from '../../../src/testing/faults/samplers.js';
import { makePayload } from '../../../src/testing/faults/payload.js';
export { deadPort as freePort } from '../../../src/testing/services.js';
import type { SluiceProcess } from '../../../src/testing/faults/process.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function fixture(name: string): string {
  return resolve(repoRoot, 'test/faults/suite/fixtures', name);
}

/** XADD n payloads (field `body`) to `stream`, pipelined; returns the seqs Redis confirmed. */
export async function fillRedisStream(stream: string, run: string, n: number, opts: { from?: number; size?: number } = {}): Promise<number[]> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  const acked: number[] = [];
  try {
    const from = opts.from ?? 0;
    for (let start = from; start < from + n; start += 1000) {
      const p = redis.pipeline();
      const end = Math.min(from + n, start + 1000);
      for (let seq = start; seq < end; seq++) p.xadd(stream, '*', 'body', makePayload(run, seq, opts.size));
      const res = (await p.exec()) ?? [];
      res.forEach(([err], i) => {
        if (!err) acked.push(start + i);
      });
    }
  } finally {
    redis.disconnect();
  }
  return acked;
}

/** Remove a test's Redis keys. */
export async function deleteRedisKeys(...keys: string[]): Promise<void> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  try {
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}

/** Pending (delivered, not XACKed) entries of a consumer group. */
export async function redisPending(stream: string, group: string): Promise<number> {
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await redis.connect();
  try {
    const r = (await redis.call('XPENDING', stream, group)) as [number, ...unknown[]];
    return Number(r[0]);
  } finally {
    redis.disconnect();
  }
}

/** Wait until the child's HTTP server answers /ping on `port` (a port the test picked). */
export async function waitForHttp(proc: SluiceProcess, port: number, timeoutMs = 15_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if ((await fetchText(port, '/ping', 500)) === 'pong') return port;
    if (!proc.running) throw new Error(`sluice exited before its HTTP server started:\n${proc.logs.slice(-3000)}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`sluice's HTTP server did not answer on ${port} within ${timeoutMs} ms:\n${proc.logs.slice(-3000)}`);
    await sleep(50);
  }
}

/** Sum of a metric's series whose labels include every `match` pair; undefined when unreachable. */
export async function scrapeSum(port: number, name: string, match: Record<string, string> = {}): Promise<number | undefined> {
  const text = await fetchText(port, '/metrics', 3000);
  if (text === undefined) return undefined;
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels = m[2] ?? '';
    if (Object.entries(match).every(([k, v]) => labels.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}

/** Non-empty lines of a file (empty list while it does not exist). */
export function readLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
}

/** How many newline-terminated lines a file has, without splitting it. */
export function countLines(path: string): number {
  if (!existsSync(path)) return 0;
  const b = readFileSync(path);
  let n = 0;
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** Poll until `cond` holds; throws with `what` after timeoutMs. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string, proc?: SluiceProcess): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (await cond()) return;
    if (proc && !proc.running) throw new Error(`${what}: sluice exited; log tail:\n${proc.logs.slice(-3000)}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not reached within ${timeoutMs} ms${proc ? `; log tail:\n${proc.logs.slice(-3000)}` : ''}`);
    await sleep(50);
  }
}

/** A fresh temp dir for a test's output files. */
export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `faultout-${name}-`));
}

export function removeDir(dir: string): void {
  if (!process.env.KEEP_FAULT_DIRS) rmSync(dir, { recursive: true, force: true });
}

/**
 * NODE_OPTIONS for children whose RSS a test judges as "flat". Without a heap cap V8 grows its
 * heap in steps and defers major GCs at low allocation rates, so RSS swings by 30-40 MiB over
 * minutes while the heap after GC stays at ~17-20 MB (measured on the F12 pipeline over 150 s);
 * with the cap RSS stayed flat at ~105 MiB. The cap keeps short windows about retained memory;
 * a real leak still grows, and ends in a heap OOM that fails the test.
 */
export const GC_FLAGS = '--max-old-space-size=48';

/** Publish n payloads to a RabbitMQ queue at about `perSec`, with confirms; `acked` grows live. */
export function pacedRabbitProducer(queue: string, run: string, n: number, perSec: number): { acked: number[]; done: Promise<void> } {
  const acked: number[] = [];
  const chunk = Math.max(1, Math.round(perSec / 4));
  const done = (async () => {
    const { preloadRabbit } = await import('../../../src/testing/faults/sources.js');
    const t0 = Date.now();
    for (let from = 0; from < n; from += chunk) {
      const r = await preloadRabbit(queue, { run, n: Math.min(chunk, n - from), from });
      acked.push(...r.acked);
      const due = t0 + ((from + chunk) / perSec) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  })();
  return { acked, done };
}
