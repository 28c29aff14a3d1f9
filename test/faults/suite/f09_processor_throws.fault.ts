/**
 * RELIABILITY.md F9: processors that throw. 1% of the messages hit each of: a Bloblang
 * `throw("x")`, a plugin processor that throws synchronously, one whose promise rejects, one
 * that emits 'error' on an emitter with no listener, and (its own test) one that never resolves.
 *
 * Pass: the process stays alive; each variant's processor_error counter is exactly N/100; every
 * hit message reaches the output flagged with its variant's error (Benthos's default mode), and
 * every other message arrives once, unchanged. The never-resolving processor must not wedge the
 * pipeline (a per-message processing timeout) nor hold SIGTERM past shutdown_timeout.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SluiceProcess, tier } from '../../../src/testing/faults/process.js';
import { newRunId, makePayload } from '../../../src/testing/faults/payload.js';
import { check, describeCheck } from '../../../src/testing/faults/checker.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { requireService } from '../../../src/testing/services.js';
import { countLines, deleteRedisKeys, removeDir, tempDir, fillRedisStream, fixture, freePort, waitForHttp, readLines, scrapeSum, waitUntil } from './faultout_support.js';

const T = tier();
const N = T.n;
const HIT_EVERY = 100;

interface Variant {
  label: string;
  hit: number;
  /** The processor config (YAML flow mapping). */
  proc: string;
  /** The error text the flagged message must carry. */
  error: RegExp;
}

const VARIANTS: Variant[] = [
  { label: 'bloblang_throw', hit: 0, proc: `mutation: 'meta faultout = if this.seq % ${HIT_EVERY} == 0 { throw("x") } else { "ok" }'`, error: /x/ },
  { label: 'sync_throw', hit: 1, proc: `faultout_sync_throw: { mod: ${HIT_EVERY}, hit: 1 }`, error: /faultout sync throw/ },
  { label: 'async_reject', hit: 2, proc: `faultout_async_reject: { mod: ${HIT_EVERY}, hit: 2 }`, error: /faultout async reject/ },
  { label: 'emit_error', hit: 3, proc: `faultout_emit_error: { mod: ${HIT_EVERY}, hit: 3 }`, error: /faultout emitted error/ },
];

function config(port: number, stream: string, dir: string, procs: Array<{ label: string; proc: string }>, extra = ''): string {
  return `
http: { enabled: true, address: 127.0.0.1:${port} }
logger: { level: warn }
shutdown_timeout: 5s
${extra}
input:
  redis_streams:
    url: redis://127.0.0.1:6379
    streams: [ ${stream} ]
    consumer_group: faultout_f9
    client_id: faultout_f9_c1
    start_from_oldest: true
    limit: 500
pipeline:
  threads: 2
  # The default waits forever (as Benthos does); the plan asks for a bound on a stuck processor.
  processing_timeout: 200ms
  processors:
${procs.map((p) => `    - label: ${p.label}\n      ${p.proc}`).join('\n')}
output:
  switch:
    cases:
      - check: errored()
        output:
          file: { path: ${join(dir, 'errored.jsonl')}, codec: lines }
          processors:
            - mapping: 'root = { "seq": this.seq, "error": error(), "body": content().string() }'
      - output:
          file: { path: ${join(dir, 'ok.jsonl')}, codec: lines }
`;
}

test('F9: processors that throw, reject or emit errors are contained, counted and flagged', { timeout: 240_000 }, async (t) => {
  const skip = await requireService('Redis', 6379);
  if (skip) return t.skip(skip);
  const run = newRunId();
  const stream = `faultout_f9_${run}`;
  const acked = await fillRedisStream(stream, run, N);
  assert.equal(acked.length, N);
  const port = await freePort();
  const dir = tempDir('f9');
  const proc = SluiceProcess.start({ name: 'faultout-f9', config: config(port, stream, dir, VARIANTS), args: ['--plugin', fixture('faultout_throwers.mjs')] });
  try {
    await waitForHttp(proc, port);
    const okPath = join(dir, 'ok.jsonl');
    const errPath = join(dir, 'errored.jsonl');
    const hitsPerVariant = Math.ceil(N / HIT_EVERY);
    const expectedErrored = hitsPerVariant * VARIANTS.length;
    await waitUntil(() => countLines(okPath) + countLines(errPath) >= N, 120_000, `waiting for ${N} messages at the outputs`, proc);
    // Every input message is acknowledged once written: the group's pending list empties.
    const counters: Record<string, number> = {};
    for (const v of VARIANTS) counters[v.label] = (await scrapeSum(port, 'processor_error', { label: v.label })) ?? -1;
    assert.ok(proc.running, 'sluice must still be running');
    const exit = await proc.stop('SIGTERM', 15_000);

    const ok = readLines(okPath);
    const errored = readLines(errPath).map((l) => JSON.parse(l) as { seq: number; error: string; body: string });
    const isHit = (seq: number): boolean => seq % HIT_EVERY < VARIANTS.length;
    const r = check({ run, acked, received: [...ok, ...errored.map((e) => e.body)] });
    t.diagnostic(`F9 ${T.name}: ${describeCheck(r)}; errored ${errored.length}; counters ${JSON.stringify(counters)}; exit ${exit.code}`);

    // Unchanged: every non-hit message arrives byte-identical in ok.jsonl, and only those.
    const okSeqs = new Set<number>();
    for (const line of ok) {
      const seq = Number(/"seq":(\d+)/.exec(line)?.[1]);
      assert.equal(line, makePayload(run, seq), `message ${seq} changed on its way`);
      assert.ok(!isHit(seq), `message ${seq} should have been flagged with an error`);
      okSeqs.add(seq);
    }
    // Flagged: each hit message carries its own variant's error.
    const erroredBy = new Map<string, number>();
    for (const e of errored) {
      const v = VARIANTS[e.seq % HIT_EVERY];
      assert.ok(v, `message ${e.seq} was flagged but no processor targets it: ${e.error}`);
      assert.match(e.error, v.error, `message ${e.seq} (${v.label}) carries the wrong error`);
      erroredBy.set(v.label, (erroredBy.get(v.label) ?? 0) + 1);
    }
    const contained = VARIANTS.filter((v) => erroredBy.get(v.label) === hitsPerVariant && counters[v.label] === hitsPerVariant).length;
    recordFigure({ figure: 'processor_exceptions_contained', test: 'F9 throw/reject/emit', value: contained, of: VARIANTS.length, pass: contained === VARIANTS.length && r.lost === 0, note: `counters ${JSON.stringify(counters)}` });

    assert.equal(r.lost, 0, describeCheck(r));
    assert.equal(r.dup, 0, describeCheck(r));
    assert.equal(r.corrupt, 0, describeCheck(r));
    assert.equal(r.unexpected, 0, describeCheck(r));
    assert.equal(errored.length, expectedErrored);
    for (const v of VARIANTS) {
      assert.equal(erroredBy.get(v.label), hitsPerVariant, `${v.label}: messages flagged`);
      assert.equal(counters[v.label], hitsPerVariant, `${v.label}: processor_error counter`);
    }
    assert.equal(exit.code, 0, 'clean exit on SIGTERM');
  } finally {
    await proc.dispose();
    await deleteRedisKeys(stream);
    removeDir(dir);
  }
});

test('F9: a processor that never resolves neither wedges the pipeline nor blocks SIGTERM', { timeout: 240_000 }, async (t) => {
  const skip = await requireService('Redis', 6379);
  if (skip) return t.skip(skip);
  const run = newRunId();
  const stream = `faultout_f9h_${run}`;
  const acked = await fillRedisStream(stream, run, N);
  const port = await freePort();
  const dir = tempDir('f9h');
  const proc = SluiceProcess.start({ name: 'faultout-f9h', config: config(port, stream, dir, [{ label: 'never_resolve', proc: `faultout_never_resolve: { mod: ${HIT_EVERY}, hit: 4 }` }]), args: ['--plugin', fixture('faultout_throwers.mjs')] });
  try {
    await waitForHttp(proc, port);
    const okPath = join(dir, 'ok.jsonl');
    const errPath = join(dir, 'errored.jsonl');
    const hits = acked.filter((s) => s % HIT_EVERY === 4).length;
    // Every message that does not hit the hung processor must get through: two hung messages
    // (threads: 2) must not stop the other 99%.
    let wedged = false;
    try {
      await waitUntil(() => countLines(okPath) >= N - hits, 20_000, `waiting for the ${N - hits} messages the hung processor does not touch`, proc);
    } catch (e) {
      wedged = true;
      t.diagnostic(`F9 never-resolve: ${(e as Error).message.split('\n')[0]} (ok ${countLines(okPath)}, errored ${countLines(errPath)})`);
    }
    const exit = await proc.stop('SIGTERM', 15_000);
    t.diagnostic(`F9 never-resolve ${T.name}: ok ${countLines(okPath)}, errored ${countLines(errPath)}, SIGTERM exit ${exit.code} in ${exit.durationMs} ms`);
    recordFigure({ figure: 'shutdown_blocked_s', test: 'F9 never-resolving processor', value: exit.durationMs / 1000, pass: exit.durationMs <= 7_000, note: 'shutdown_timeout 5s' });
    assert.ok(exit.durationMs <= 5_000 + 2_000, `SIGTERM took ${exit.durationMs} ms (shutdown_timeout 5s)`);
    assert.ok(!wedged, 'the never-resolving processor wedged the pipeline: no per-message processing timeout');
  } finally {
    await proc.dispose();
    await deleteRedisKeys(stream);
    removeDir(dir);
  }
});

test('F9: errors that escape a processor (an unawaited rejection, an error emitted from a timer) do not kill the process', { timeout: 240_000 }, async (t) => {
  const skip = await requireService('Redis', 6379);
  if (skip) return t.skip(skip);
  const run = newRunId();
  const stream = `faultout_f9s_${run}`;
  const acked = await fillRedisStream(stream, run, N);
  const port = await freePort();
  const dir = tempDir('f9s');
  const procs = [
    { label: 'stray_reject', proc: `faultout_stray_reject: { mod: ${HIT_EVERY}, hit: 5 }` },
    { label: 'stray_emit', proc: `faultout_stray_emit: { mod: ${HIT_EVERY}, hit: 6 }` },
  ];
  const proc = SluiceProcess.start({ name: 'faultout-f9s', config: config(port, stream, dir, procs), args: ['--plugin', fixture('faultout_throwers.mjs')] });
  try {
    await waitForHttp(proc, port);
    const okPath = join(dir, 'ok.jsonl');
    let died: string | undefined;
    try {
      await waitUntil(() => countLines(okPath) >= N, 60_000, `waiting for ${N} messages`, proc);
    } catch (e) {
      died = (e as Error).message.split('\n').slice(0, 12).join('\n');
    }
    const alive = proc.running;
    t.diagnostic(`F9 stray errors ${T.name}: alive ${alive}; delivered ${countLines(okPath)} of ${N}${died ? `; ${died}` : ''}`);
    recordFigure({ figure: 'F9 stray async errors survived (unawaited rejection, timer emit)', test: 'F9 stray errors', value: alive ? 1 : 0, of: 1, pass: alive && !died });
    assert.ok(alive, 'an error that escaped a processor killed sluice (no process-level unhandledRejection / uncaughtException handler)');
    assert.equal(died, undefined);
    const r = check({ run, acked, received: readLines(okPath) });
    assert.equal(r.lost + r.dup + r.corrupt, 0, describeCheck(r));
    assert.equal((await proc.stop('SIGTERM', 15_000)).code, 0);
  } finally {
    await proc.dispose();
    await deleteRedisKeys(stream);
    removeDir(dir);
  }
});
