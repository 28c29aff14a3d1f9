/**
 * RELIABILITY.md F7(a): an output that rejects some messages. A `fan_out` broker writes every
 * message to two harness HTTP sinks; one answers 500 to the first attempt of 10% of the
 * messages (seeded), the other always accepts.
 *
 * Pass: lost 0 at both sinks; every rejected message is delivered eventually; no duplicates at
 * the healthy sink (fan_out retries only the child that failed, per the Benthos docs); the
 * throughput while rejecting is at least 50% of a clean run of the same pipeline (a rejection
 * must not serialise the stream behind a slow nack path, cf. connect#704).
 *
 * The http_client children use retry_period 10ms (Benthos's default is 1s: with it every
 * rejected message waits a second in its write slot, which measures the retry setting, not the
 * engine). max_in_flight stays at the plan's 8 per child.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SluiceProcess, tier } from '../../../src/testing/faults/process.js';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { check, describeCheck, type CheckResult } from '../../../src/testing/faults/checker.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { HttpSink } from '../../../src/testing/faults/http_sink.js';
import { requireService } from '../../../src/testing/services.js';
import { deleteRedisKeys, fillRedisStream, redisPending, waitUntil } from './faultout_support.js';

const T = tier();
const N = T.n;
const REJECT_RATE = 0.1;

interface FanOutRun {
  ms: number;
  rate: number;
  rejecting: CheckResult;
  healthy: CheckResult;
  rejected: number;
  expectedRejections: number;
  pending: number;
  exitCode: number | null;
}

function config(stream: string, group: string, a: HttpSink, b: HttpSink): string {
  const child = (url: string): string => `
      - http_client:
          url: ${url}
          verb: POST
          retry_period: 10ms
          retries: 3
          max_in_flight: 8`;
  return `
logger: { level: error }
shutdown_timeout: 10s
input:
  redis_streams:
    url: redis://127.0.0.1:6379
    streams: [ ${stream} ]
    consumer_group: ${group}
    client_id: ${group}_c1
    start_from_oldest: true
    limit: 500
pipeline:
  threads: 2
output:
  broker:
    pattern: fan_out
    outputs:${child(a.url)}${child(b.url)}
`;
}

async function fanOutRun(name: string, failRate: number): Promise<FanOutRun> {
  const run = newRunId();
  const stream = `faultout_f7a_${name}_${run}`;
  const group = 'faultout_f7a';
  const acked = await fillRedisStream(stream, run, N);
  const rejecting = new HttpSink({ failFirstRate: failRate, seed: run });
  const healthy = new HttpSink();
  await rejecting.start();
  await healthy.start();
  const proc = SluiceProcess.start({ name: `faultout-f7a-${name}`, config: config(stream, group, rejecting, healthy) });
  try {
    await waitUntil(() => new Set(rejecting.delivered).size >= N && new Set(healthy.delivered).size >= N, 180_000, `F7a ${name}: waiting for ${N} deliveries at both sinks`, proc);
    const first = Math.min(rejecting.deliveredAt[0]!, healthy.deliveredAt[0]!);
    const last = Math.max(rejecting.deliveredAt.at(-1)!, healthy.deliveredAt.at(-1)!);
    // Acks reach Redis within commit_period (1s): wait for the pending list to empty.
    let pending = -1;
    await waitUntil(async () => (pending = await redisPending(stream, group)) === 0, 10_000, `F7a ${name}: pending entries`, proc).catch(() => {});
    const exit = await proc.stop('SIGTERM', 20_000);
    const expectedRejections = acked.filter((s) => rejecting.failsFirst(s)).length;
    return {
      ms: last - first,
      rate: (N * 1000) / Math.max(1, last - first),
      rejecting: check({ run, acked, received: rejecting.delivered }),
      healthy: check({ run, acked, received: healthy.delivered }),
      rejected: rejecting.rejected,
      expectedRejections,
      pending,
      exitCode: exit.code,
    };
  } finally {
    await proc.dispose();
    await rejecting.stop();
    await healthy.stop();
    await deleteRedisKeys(stream);
  }
}

test('F7a: 10% of first attempts rejected by one fan_out child: nothing lost, no duplicates at the healthy child, throughput ≥ 50%', { timeout: 400_000 }, async (t) => {
  const skip = await requireService('Redis', 6379);
  if (skip) return t.skip(skip);
  // Clean runs before and after the faulty one, compared with their mean: the machine is shared
  // (measured clean rates of one build differ by up to 1.8× between runs) and the first run also
  // pays for warm-up, so a single clean run would make the ratio a coin toss.
  const clean1 = await fanOutRun('clean', 0);
  const faulty = await fanOutRun('reject', REJECT_RATE);
  const clean2 = await fanOutRun('clean2', 0);
  const cleanRate = (clean1.rate + clean2.rate) / 2;
  const ratio = faulty.rate / cleanRate;
  t.diagnostic(`F7a ${T.name}: clean ${clean1.rate.toFixed(0)} / ${clean2.rate.toFixed(0)} msg/s, rejecting ${faulty.rate.toFixed(0)} msg/s (${faulty.ms} ms), ratio ${(ratio * 100).toFixed(0)}%`);
  t.diagnostic(`F7a rejecting sink: ${describeCheck(faulty.rejecting)}; 500s sent ${faulty.rejected} (expected ${faulty.expectedRejections})`);
  t.diagnostic(`F7a healthy sink: ${describeCheck(faulty.healthy)}; pending at end ${faulty.pending}; exit ${faulty.exitCode}`);
  recordFigure({ figure: 'reject_throughput_ratio', test: 'F7a http 10% rejects, fan_out', value: ratio, pass: ratio >= 0.5, note: `clean ${cleanRate.toFixed(0)} msg/s (mean of 2), rejecting ${faulty.rate.toFixed(0)} msg/s` });
  recordFigure({ figure: 'output_down_lost', test: 'F7a http 10% rejects', value: faulty.rejecting.lost + faulty.healthy.lost, pass: faulty.rejecting.lost + faulty.healthy.lost === 0 });

  for (const [what, r] of [
    ['clean run 1, sink A', clean1.rejecting],
    ['clean run 1, sink B', clean1.healthy],
    ['clean run 2, sink A', clean2.rejecting],
    ['clean run 2, sink B', clean2.healthy],
    ['rejecting sink', faulty.rejecting],
    ['healthy sink', faulty.healthy],
  ] as const) {
    assert.equal(r.lost, 0, `${what}: ${describeCheck(r)}`);
    assert.equal(r.corrupt, 0, `${what}: ${describeCheck(r)}`);
    assert.equal(r.unexpected, 0, `${what}: ${describeCheck(r)}`);
  }
  // The rejections did happen: every seeded first attempt was refused once, and retried.
  assert.equal(faulty.rejected, faulty.expectedRejections, 'each seeded message is rejected exactly once');
  assert.ok(faulty.expectedRejections > N * REJECT_RATE * 0.8, `seeded rejections: ${faulty.expectedRejections}`);
  assert.equal(faulty.healthy.dup, 0, `healthy child got duplicates: ${describeCheck(faulty.healthy)}`);
  assert.equal(faulty.rejecting.dup, 0, `rejecting child got duplicates: ${describeCheck(faulty.rejecting)}`);
  assert.equal(faulty.pending, 0, 'every message acknowledged at the source');
  assert.equal(faulty.exitCode, 0);
  assert.ok(ratio >= 0.5, `throughput while rejecting is ${(ratio * 100).toFixed(0)}% of the clean run`);
});
