/**
 * Two `sluice run` processes sharing one JetStream durable consumer split a stream with no loss,
 * and when one is SIGKILLed mid-way the server redelivers what it held (after ack_wait) to the
 * other: nothing lost, duplicates at most the killed member's max_ack_pending.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import '../../src/components/index.js';
import { requireService } from '../../src/testing/index.js';
import { runTwoProcess, describeTwoProcess } from '../../src/testing/two_process.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const URL = 'nats://127.0.0.1:4222';
const skip = await requireService('nats', 4222);
const TOTAL = 5000;
/** What each member may hold unacknowledged: the bound on duplicates after a kill. */
const MAX_ACK_PENDING = 64;

let seq = 0;
const uniq = (what: string): string => `tp_js_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

if (skip) {
  test('two processes on a JetStream durable', { skip }, () => {});
} else {
  let shared: { nc: NatsConnection; jsm: JetStreamManager } | undefined;
  const manager = async (): Promise<JetStreamManager> => {
    if (!shared) {
      const nc = await connect({ servers: URL });
      shared = { nc, jsm: await jetstreamManager(nc) };
    }
    return shared.jsm;
  };
  after(async () => void (await shared?.nc.close()));

  const produce = async (stream: string, first: number, count: number): Promise<void> => {
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count, interval: '', mapping: `root.seq = counter() + ${first - 1}` } },
        output: { nats_jetstream: { urls: [URL], subject: stream, max_in_flight: 64 } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0, 'the producer exited cleanly');
  };

  const plan = (stream: string) => ({
    name: 'js',
    total: TOTAL,
    input: () => ({ nats_jetstream: { urls: [URL], subject: stream, durable: 'tp_workers', ack_wait: '3s', max_ack_pending: MAX_ACK_PENDING } }),
    produce: (first: number, count: number) => produce(stream, first, count),
  });

  test('two processes on one JetStream durable split the stream: nothing lost, nothing twice', async () => {
    const stream = uniq('split');
    const jsm = await manager();
    await jsm.streams.add({ name: stream, subjects: [stream] });
    try {
      const r = await runTwoProcess(plan(stream));
      console.log(describeTwoProcess('nats_jetstream', r));
      assert.deepEqual(r.lost, [], 'no message lost');
      assert.equal(r.duplicates, 0, 'no message delivered twice');
      assert.ok(r.delivered.a > TOTAL / 10 && r.delivered.b > TOTAL / 10, `both took a share: ${r.delivered.a} / ${r.delivered.b}`);
      assert.deepEqual(r.exitCodes, { a: 0, b: 0 }, 'both shut down cleanly');
      const info = await jsm.consumers.info(stream, 'tp_workers');
      assert.equal(info.num_ack_pending, 0, 'everything was acknowledged');
      assert.equal(info.num_pending, 0, 'nothing left in the stream');
    } finally {
      await jsm.streams.delete(stream).catch(() => {});
    }
  });

  test('JetStream durable: one of two processes SIGKILLed mid-way, nothing lost', async () => {
    const stream = uniq('kill');
    const jsm = await manager();
    await jsm.streams.add({ name: stream, subjects: [stream] });
    try {
      const r = await runTwoProcess({ ...plan(stream), killAt: 0.25 });
      console.log(describeTwoProcess('nats_jetstream kill', r));
      assert.ok(r.aAtKill! > 0 && r.aAtKill! < TOTAL / 2, 'the killed member had made progress, and was killed mid-stream');
      assert.deepEqual(r.lost, [], 'no message lost');
      // Delivered by the killed member but not yet acked: at most what it may hold unacked.
      assert.ok(r.duplicates <= MAX_ACK_PENDING, `${r.duplicates} duplicates > max_ack_pending ${MAX_ACK_PENDING}`);
      assert.equal(r.exitCodes.b, 0, 'the survivor shut down cleanly');
      const info = await jsm.consumers.info(stream, 'tp_workers');
      assert.equal(info.num_ack_pending, 0, 'everything was acknowledged in the end');
      // The kill left messages unacknowledged, so the no-loss check above covered redelivery
      // (the consumer sequence counts every delivery, first or not).
      const redelivered = info.delivered.consumer_seq - TOTAL;
      console.log(`nats_jetstream kill: ${redelivered} deliveries were redeliveries`);
      assert.ok(redelivered > 0, 'the server redelivered what the killed member held');
    } finally {
      await jsm.streams.delete(stream).catch(() => {});
    }
  });
}
