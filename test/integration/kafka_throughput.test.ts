/**
 * Throughput on librdkafka's mock cluster, 100,000 messages of about 100 bytes: produce with
 * the kafka output (batches of 1,000, 10 in flight, acks from the leader), then consume and
 * commit with a fresh consumer group, once per input field set (kafka_franz hands out what was
 * fetched per partition as one batch; kafka one message per batch, as Benthos's sarama input).
 * The point is that nothing stalls (kafkajs was once seen to stall at this size on the mock) and
 * that the committed offsets add up to every message; the rates are reported as diagnostics.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import '../../src/components/index.js';
import { waitFor } from '../../src/testing/index.js';
import { requireKcat, startKafkaMock } from '../../src/testing/kafka_mock.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const skip = requireKcat();
const TOTAL = 100_000;

if (skip) {
  test('kafka throughput', { skip }, () => {});
} else {
  const mock = await startKafkaMock();
  const brokers = mock.brokers;
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  after(async () => {
    await admin.disconnect();
    await mock.stop();
  });
  const topic = `sluice_kt_${process.pid}_${Date.now().toString(36)}`;

  const committedSum = async (groupId: string): Promise<number> => {
    const res = await admin.fetchOffsets({ groupId, topics: [topic] });
    return res[0]!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  };

  test(`kafka output: produce ${TOTAL} messages`, async (t) => {
    const started = Date.now();
    const h = await runStream(
      {
        http: { enabled: false },
        // About 100 bytes per message.
        input: { generate: { count: TOTAL, interval: '', mapping: 'root.seq = counter()\nroot.pad = "x".repeat(80)' } },
        output: { kafka: { addresses: brokers, topic, max_in_flight: 10, batching: { count: 1000, period: '50ms' } } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0);
    const secs = (Date.now() - started) / 1000;
    t.diagnostic(`produce: ${TOTAL} messages in ${secs.toFixed(2)} s = ${Math.round(TOTAL / secs)} msg/s`);
    const offsets = await admin.fetchTopicOffsets(topic);
    assert.equal(
      offsets.reduce((s, p) => s + Number(p.high), 0),
      TOTAL,
      'every message is in the topic',
    );
  });

  for (const [name, input] of [
    ['kafka_franz', (group: string) => ({ kafka_franz: { seed_brokers: brokers, topics: [topic], consumer_group: group, commit_period: '1s' } })],
    ['kafka', (group: string) => ({ kafka: { addresses: brokers, topics: [topic], consumer_group: group } })],
  ] as const) {
    test(`${name} input: consume and commit ${TOTAL} messages without stalling`, async (t) => {
      const group = `${topic}_${name}`;
      const started = Date.now();
      const h = await runStream({ http: { enabled: false }, input: input(group), output: { drop: {} } }, { logger: silentLogger });
      let joinedAt = 0;
      try {
        await waitFor(
          () => {
            if (joinedAt === 0 && h.metrics.sum('input_received') > 0) joinedAt = Date.now();
            return h.metrics.sum('output_sent') >= TOTAL;
          },
          40_000,
          `${TOTAL} messages through ${name}`,
        );
      } finally {
        assert.equal(await h.stop(), 0);
      }
      const done = Date.now();
      assert.equal(h.metrics.sum('output_sent'), TOTAL, 'no message twice');
      assert.equal(await committedSum(group), TOTAL, 'the committed offsets add up to every message');
      const secs = (done - joinedAt) / 1000;
      t.diagnostic(`${name}: ${TOTAL} messages in ${secs.toFixed(2)} s after the group join (${((joinedAt - started) / 1000).toFixed(1)} s) = ${Math.round(TOTAL / secs)} msg/s consumed, committed at shutdown`);
    });
  }
}
