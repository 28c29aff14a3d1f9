/**
 * Two `sluice run` processes consuming one RabbitMQ queue split it with no loss, and when one is
 * SIGKILLed mid-way the broker requeues what it had not acked for the other: nothing lost,
 * duplicates at most the killed member's prefetch_count.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import amqp, { type ChannelModel } from 'amqplib';
import '../../src/components/index.js';
import { requireService } from '../../src/testing/index.js';
import { runTwoProcess, describeTwoProcess } from '../../src/testing/two_process.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const URL = 'amqp://guest:guest@127.0.0.1:5672/';
const skip = await requireService('rabbitmq', 5672);
const TOTAL = 5000;
/** What each member holds unacknowledged: the bound on duplicates after a kill. */
const PREFETCH = 50;

let seq = 0;
const uniq = (what: string): string => `tp_amqp_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

if (skip) {
  test('two processes on one AMQP queue', { skip }, () => {});
} else {
  let model: ChannelModel | undefined;
  const admin = async <T>(fn: (ch: amqp.Channel) => Promise<T>): Promise<T> => {
    model ??= await amqp.connect(URL);
    const ch = await model.createChannel();
    ch.on('error', () => {});
    try {
      return await fn(ch);
    } finally {
      await ch.close().catch(() => {});
    }
  };
  after(async () => void (await model?.close().catch(() => {})));

  const produce = async (queue: string, first: number, count: number): Promise<void> => {
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count, interval: '', mapping: `root.seq = counter() + ${first - 1}` } },
        output: { amqp_0_9: { urls: [URL], exchange: '', key: queue, persistent: true, max_in_flight: 64 } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0, 'the producer exited cleanly');
  };

  const plan = (queue: string) => ({
    name: 'amqp',
    total: TOTAL,
    input: () => ({ amqp_0_9: { urls: [URL], queue, prefetch_count: PREFETCH } }),
    produce: (first: number, count: number) => produce(queue, first, count),
  });
  const messagesIn = (queue: string): Promise<number> => admin(async (ch) => (await ch.checkQueue(queue)).messageCount);

  test('two processes on one AMQP queue split it: nothing lost, nothing twice', async () => {
    const queue = uniq('split');
    await admin((ch) => ch.assertQueue(queue, { durable: true }));
    try {
      const r = await runTwoProcess(plan(queue));
      console.log(describeTwoProcess('amqp_0_9', r));
      assert.deepEqual(r.lost, [], 'no message lost');
      assert.equal(r.duplicates, 0, 'no message delivered twice');
      assert.ok(r.delivered.a > TOTAL / 10 && r.delivered.b > TOTAL / 10, `both took a share: ${r.delivered.a} / ${r.delivered.b}`);
      assert.deepEqual(r.exitCodes, { a: 0, b: 0 }, 'both shut down cleanly');
      assert.equal(await messagesIn(queue), 0, 'the queue is empty: everything was acked');
    } finally {
      await admin((ch) => ch.deleteQueue(queue)).catch(() => {});
    }
  });

  test('AMQP queue: one of two processes SIGKILLed mid-way, nothing lost', async () => {
    const queue = uniq('kill');
    await admin((ch) => ch.assertQueue(queue, { durable: true }));
    try {
      const r = await runTwoProcess({ ...plan(queue), killAt: 0.25 });
      console.log(describeTwoProcess('amqp_0_9 kill', r));
      assert.ok(r.aAtKill! > 0 && r.aAtKill! < TOTAL / 2, 'the killed member had made progress, and was killed mid-stream');
      assert.deepEqual(r.lost, [], 'no message lost');
      // Delivered by the killed member but not yet acked: at most its prefetch window.
      assert.ok(r.duplicates <= PREFETCH, `${r.duplicates} duplicates > prefetch_count ${PREFETCH}`);
      assert.equal(r.exitCodes.b, 0, 'the survivor shut down cleanly');
      assert.equal(await messagesIn(queue), 0, 'the queue is empty: everything was acked in the end');
    } finally {
      await admin((ch) => ch.deleteQueue(queue)).catch(() => {});
    }
  });
}
