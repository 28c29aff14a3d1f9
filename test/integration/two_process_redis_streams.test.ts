/**
 * Two `sluice run` processes in one Redis consumer group (each with its own client_id, as the
 * docs ask) split a stream with no loss, and when one is SIGKILLed mid-way the other claims what
 * it left pending (XAUTOCLAIM after claim_min_idle): nothing lost, duplicates at most the killed
 * member's unacknowledged window.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import '../../src/components/index.js';
import { requireService } from '../../src/testing/index.js';
import { runTwoProcess, describeTwoProcess, type MemberName } from '../../src/testing/two_process.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const URL = 'redis://127.0.0.1:6379';
const skip = await requireService('redis', 6379);
const TOTAL = 5000;
const GROUP = 'tp_workers';
/** Entries per XREADGROUP, and acknowledgements gathered before an XACK is sent. */
const LIMIT = 10;
/** max_in_flight of the members' file outputs. */
const SINK_IN_FLIGHT = 4;

let seq = 0;
const uniq = (what: string): string => `tp_rs_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

if (skip) {
  test('two processes in one Redis consumer group', { skip }, () => {});
} else {
  let redis: Redis | undefined;
  const admin = (): Redis => (redis ??= new Redis({ host: '127.0.0.1', port: 6379 }));
  after(() => void redis?.disconnect());

  const produce = async (stream: string, first: number, count: number): Promise<void> => {
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count, interval: '', mapping: `root.seq = counter() + ${first - 1}` } },
        output: { redis_streams: { url: URL, stream, max_in_flight: 16, batching: { count: 50, period: '20ms' } } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0, 'the producer exited cleanly');
  };

  const plan = (stream: string) => ({
    name: 'redis',
    total: TOTAL,
    sinkMaxInFlight: SINK_IN_FLIGHT,
    input: (member: MemberName) => ({
      redis_streams: {
        url: URL,
        streams: [stream],
        consumer_group: GROUP,
        client_id: `tp_${member}`,
        limit: LIMIT,
        commit_period: '100ms',
        // A dead member's entries go to the survivor after 3 s.
        claim_min_idle: '3s',
        claim_period: '1s',
      },
    }),
    produce: (first: number, count: number) => produce(stream, first, count),
  });
  /** Entries of the group delivered and never XACKed. */
  const pending = async (stream: string): Promise<number> => ((await admin().xpending(stream, GROUP)) as [number, ...unknown[]])[0];

  test('two processes in one Redis consumer group split the stream: nothing lost, nothing twice', async () => {
    const stream = uniq('split');
    try {
      const r = await runTwoProcess(plan(stream));
      console.log(describeTwoProcess('redis_streams', r));
      assert.deepEqual(r.lost, [], 'no message lost');
      assert.equal(r.duplicates, 0, 'no message delivered twice');
      assert.ok(r.delivered.a > TOTAL / 10 && r.delivered.b > TOTAL / 10, `both took a share: ${r.delivered.a} / ${r.delivered.b}`);
      assert.deepEqual(r.exitCodes, { a: 0, b: 0 }, 'both shut down cleanly');
      assert.equal(await pending(stream), 0, 'everything was acknowledged');
    } finally {
      await admin().del(stream);
    }
  });

  test('Redis consumer group: one of two processes SIGKILLed mid-way, nothing lost', async () => {
    const stream = uniq('kill');
    try {
      let leftPending = 0;
      const r = await runTwoProcess({
        ...plan(stream),
        killAt: 0.25,
        afterKill: async () => void (leftPending = (await admin().xpending(stream, GROUP, '-', '+', 10_000, 'tp_a')).length),
      });
      console.log(`${describeTwoProcess('redis_streams kill', r)}; the dead member left ${leftPending} entries pending`);
      assert.ok(leftPending > 0, 'the dead member left entries pending, which the survivor had to claim');
      assert.ok(r.aAtKill! > 0 && r.aAtKill! < TOTAL / 2, 'the killed member had made progress, and was killed mid-stream');
      assert.deepEqual(r.lost, [], 'no message lost');
      // Delivered by the killed member but not XACKed: the IDs waiting (fewer than LIMIT), one
      // XACK round on the wire (LIMIT), and writes its output finished but had not reported.
      const window = 2 * LIMIT + SINK_IN_FLIGHT;
      assert.ok(r.duplicates <= window, `${r.duplicates} duplicates > window ${window}`);
      assert.equal(r.exitCodes.b, 0, 'the survivor shut down cleanly');
      assert.equal(await pending(stream), 0, 'everything was acknowledged in the end, the dead member\'s entries too');
    } finally {
      await admin().del(stream);
    }
  });
}
