/**
 * Kafka input/output behaviour on librdkafka's mock cluster beyond the shared suite: consumer
 * groups splitting work, key/partition/header round trips, the Benthos
 * StreamTestCheckpointCapture scenario end to end, explicit partitions and offsets,
 * per-partition batching, and an unreachable cluster. Compression: kafka_compression.test.ts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import '../../src/components/index.js';
import { sinks, TestSink, waitFor, deadPort } from '../../src/testing/index.js';
import { requireKcat, startKafkaMock, type KafkaMock } from '../../src/testing/kafka_mock.js';
import { runStream } from '../../src/library.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';
import { murmur2 } from '../../src/components/_shared/kafka_partitioners.js';

const skip = requireKcat();
let seq = 0;
const uniq = (what: string): string => `sluice_kf_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
const PARTITIONS = 4; // the mock creates topics with 4 partitions

interface Doc {
  seq: number;
}
const seqs = (sink: TestSink): number[] => sink.delivered.map((t) => (JSON.parse(t) as Doc).seq);

if (skip) {
  test('kafka integration', { skip }, () => {});
} else {
  const mock: KafkaMock = await startKafkaMock();
  const brokers = mock.brokers;
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).admin();
  await admin.connect();
  /** Streams still running when a test failed half-way are stopped at the end. */
  const running = new Set<Awaited<ReturnType<typeof runStream>>>();
  after(async () => {
    for (const h of running) await h.stop().catch(() => {});
    await admin.disconnect();
    await mock.stop();
  });
  const started = async (p: ReturnType<typeof runStream>): Promise<Awaited<ReturnType<typeof runStream>>> => {
    const h = await p;
    running.add(h);
    return h;
  };

  const produce = async (output: Record<string, unknown>, count: number, mapping = 'root.seq = counter()'): Promise<void> => {
    const h = await runStream({ http: { enabled: false }, input: { generate: { count, interval: '', mapping } }, output }, { logger: silentLogger });
    assert.equal(await h.done, 0, 'the producer exited cleanly');
  };

  const consume = (input: Record<string, unknown>, sinkId: string, extra: Record<string, unknown> = {}) =>
    started(runStream({ http: { enabled: false }, input, output: { test_sink: { id: sinkId } }, shutdown_timeout: '5s', ...extra }, { logger: silentLogger }));

  const committed = async (groupId: string, topic: string): Promise<Map<number, number>> => {
    const res = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(res[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
  };

  test('kafka: a second consumer joining the group takes over half the partitions; nothing is lost', async () => {
    const topic = uniq('split');
    const total = 3000;
    await produce({ kafka: { addresses: brokers, topic, partitioner: 'round_robin', max_in_flight: 8, batching: { count: 100 } } }, total);
    const a = new TestSink();
    const b = new TestSink();
    sinks.set(`${topic}_a`, a);
    sinks.set(`${topic}_b`, b);
    const input = {
      kafka: { addresses: brokers, topics: [topic], consumer_group: topic, checkpoint_limit: 16, commit_period: '100ms', group: { session_timeout: '3s', heartbeat_interval: '500ms' } },
    };
    // About 500 messages/s per consumer, so the rebalance happens mid-stream.
    const slow = { pipeline: { processors: [{ sleep: { duration: '2ms' } }] } };
    // When each of A's messages was delivered, and when B delivered its first: the duplicate
    // bound below is measured from these, so it holds however loaded the machine is.
    const aTimes: number[] = [];
    a.beforeWrite = (batch) => void aTimes.push(...batch.map(() => Date.now()));
    let bFirstAt = 0;
    b.beforeWrite = () => void (bFirstAt ||= Date.now());
    const ca = await consume(input, `${topic}_a`, slow);
    await waitFor(() => a.delivered.length >= 200, 20_000, 'the first consumer to make progress');
    const joinAt = Date.now();
    const cb = await consume(input, `${topic}_b`, slow);
    try {
      await waitFor(() => new Set([...seqs(a), ...seqs(b)]).size >= total, 40_000, `${total} messages over both consumers`);
    } finally {
      assert.equal(await ca.stop(), 0);
      assert.equal(await cb.stop(), 0);
    }
    const all = [...seqs(a), ...seqs(b)];
    const unique = new Set(all);
    for (let i = 1; i <= total; i++) assert.ok(unique.has(i), `message ${i} lost`);
    assert.ok(b.delivered.length > total / 10, `the second consumer took a share (${a.delivered.length} / ${b.delivered.length})`);
    // What moves to the new member is read again from the last commit of the old one: at most
    // what the old member delivered from its last successful commit (one commit period, 100 ms,
    // before B joined; the mock rejects commits during the rebalance) until the partitions moved
    // (before B's first delivery), plus the in-flight window of the moved partitions (4 x 16).
    const dups = all.length - unique.size;
    const window = aTimes.filter((t) => t >= joinAt - 200 && t <= bFirstAt).length;
    assert.ok(dups <= window + PARTITIONS * 16, `${dups} duplicates > ${window} delivered by A during the rebalance + ${PARTITIONS * 16} in flight`);
    // Clean shutdowns committed everything.
    const offsets = await committed(topic, topic);
    assert.equal([...offsets.values()].reduce((s, o) => s + o, 0), total, 'committed offsets add up to every message');
  });

  test('kafka: key, partition, headers and timestamp come back as metadata', async () => {
    const topic = uniq('meta');
    const sink = new TestSink();
    sinks.set(topic, sink);
    await produce(
      {
        kafka: {
          addresses: brokers,
          topic,
          key: 'k-${! json("seq") }',
          partitioner: 'manual',
          partition: '${! (json("seq") % 4).string() }',
          static_headers: { origin: 'sluice-test' },
          metadata: { exclude_prefixes: ['secret_'] },
        },
      },
      8,
      'root.seq = counter()\nmeta color = "blue"\nmeta secret_token = "hide-me"',
    );
    const before = Date.now();
    const c = await started(runStream(
      {
        http: { enabled: false },
        input: { kafka: { addresses: brokers, topics: [topic], consumer_group: uniq('g') } },
        pipeline: { processors: [{ mapping: 'root = this\nroot.meta = @' }] },
        output: { test_sink: { id: topic } },
      },
      { logger: silentLogger },
    ));
    await waitFor(() => sink.delivered.length >= 8, 20_000, '8 messages');
    await c.stop();
    const docs = sink.delivered.map((t) => JSON.parse(t) as Doc & { meta: Record<string, unknown> });
    assert.equal(docs.length, 8);
    for (const d of docs) {
      assert.equal(d.meta.kafka_key, `k-${d.seq}`);
      assert.equal(d.meta.kafka_partition, d.seq % 4, 'the manual partition was used');
      assert.equal(d.meta.kafka_topic, topic);
      assert.equal(typeof d.meta.kafka_offset, 'number');
      assert.equal(d.meta.color, 'blue', 'metadata became a header');
      assert.equal(d.meta.origin, 'sluice-test', 'static header');
      assert.equal(d.meta.secret_token, undefined, 'excluded prefix is not sent');
      assert.equal(d.meta.kafka_tombstone_message, false);
      const ms = d.meta.kafka_timestamp_unix_ms as number;
      assert.ok(ms <= before && ms > before - 60_000, 'timestamp set by the producer');
      assert.equal(d.meta.kafka_timestamp_unix, Math.floor(ms / 1000));
    }
    // Two messages per partition, at offsets 0 and 1.
    const byPart = new Map<number, number[]>();
    for (const d of docs) byPart.set(d.meta.kafka_partition as number, [...(byPart.get(d.meta.kafka_partition as number) ?? []), d.meta.kafka_offset as number]);
    for (const [, offs] of byPart) assert.deepEqual(offs.sort(), [0, 1]);
  });

  test('kafka: a tombstone is flagged and keeps its key and timestamp', async () => {
    const topic = uniq('tomb');
    const raw = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING }).producer();
    await raw.connect();
    await raw.send({ topic, messages: [{ key: 'gone', value: null, partition: 2, timestamp: '1700000000123' }] });
    await raw.disconnect();
    const sink = new TestSink();
    sinks.set(topic, sink);
    const c = await started(runStream(
      {
        http: { enabled: false },
        input: { kafka: { addresses: brokers, topics: [topic], consumer_group: uniq('g') } },
        pipeline: { processors: [{ mapping: 'root = @\nroot.body_len = content().length()' }] },
        output: { test_sink: { id: topic } },
      },
      { logger: silentLogger },
    ));
    await waitFor(() => sink.delivered.length >= 1, 20_000, 'the tombstone');
    await c.stop();
    const m = JSON.parse(sink.delivered[0]!) as Record<string, unknown>;
    assert.equal(m.kafka_tombstone_message, true);
    assert.equal(m.body_len, 0);
    assert.equal(m.kafka_key, 'gone');
    assert.equal(m.kafka_partition, 2);
    assert.equal(m.kafka_timestamp_unix_ms, 1700000000123);
    assert.equal(m.kafka_timestamp_unix, 1700000000);
  });

  test('kafka: murmur2_hash puts each key on the partition the Java client would', async () => {
    const topic = uniq('murmur');
    const sink = new TestSink();
    sinks.set(topic, sink);
    await produce({ kafka: { addresses: brokers, topic, key: 'user-${! json("seq") }', partitioner: 'murmur2_hash' } }, 40);
    const c = await started(runStream(
      {
        http: { enabled: false },
        input: { kafka: { addresses: brokers, topics: [topic], consumer_group: uniq('g') } },
        pipeline: { processors: [{ mapping: 'root.key = @kafka_key\nroot.partition = @kafka_partition' }] },
        output: { test_sink: { id: topic } },
      },
      { logger: silentLogger },
    ));
    await waitFor(() => sink.delivered.length >= 40, 20_000, '40 messages');
    await c.stop();
    for (const t of sink.delivered) {
      const { key, partition } = JSON.parse(t) as { key: string; partition: number };
      // Kafka's murmur2 (checked against UtilsTest's vectors), positive, modulo 4.
      assert.equal(partition, (murmur2(Buffer.from(key)) & 0x7fffffff) % PARTITIONS, key);
    }
  });

  test('kafka: StreamTestCheckpointCapture: ack 1, 2, 4, nack 3, 5; the committed offset stays at 3; a restart gets exactly 3, 4, 5', async () => {
    const topic = uniq('capture');
    const group = uniq('g');
    // Five messages on one partition, one write at a time: seq n is at offset n - 1.
    await produce({ kafka: { addresses: brokers, topic, partitioner: 'manual', partition: '0', max_in_flight: 1 } }, 5);
    const input = { kafka: { addresses: brokers, topics: [`${topic}:0`], consumer_group: group, commit_period: '50ms', group: { session_timeout: '3s', heartbeat_interval: '500ms' } } };
    const first = new TestSink();
    sinks.set(`${topic}_1`, first);
    const run1 = await consume(input, `${topic}_1`, {
      pipeline: { processors: [{ mapping: 'root = if this.seq == 3 || this.seq == 5 { throw("nack %v".format(this.seq)) } else { this }' }] },
      error_handling: { strategy: 'reject' },
    });
    await waitFor(() => first.delivered.length >= 3, 20_000, 'messages 1, 2 and 4');
    assert.deepEqual(seqs(first).sort(), [1, 2, 4]);
    // 3 and 5 keep being nacked and replayed; commits keep running: the offset stays at 3's.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const at = (await committed(group, topic)).get(0);
      assert.ok(at === undefined || at === -1 || at <= 2, `committed offset ${at} passed the nacked message at offset 2`);
    }
    assert.equal(await run1.stop(), 0);
    assert.equal((await committed(group, topic)).get(0), 2, 'shutdown committed up to the first nacked message');
    // Restart: the same group, no failures this time.
    const second = new TestSink();
    sinks.set(`${topic}_2`, second);
    const run2 = await consume(input, `${topic}_2`);
    await waitFor(() => second.delivered.length >= 3, 20_000, 'the redelivered messages');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await run2.stop(), 0);
    assert.deepEqual(seqs(second).sort(), [3, 4, 5]);
    assert.equal((await committed(group, topic)).get(0), 5);
  });

  test('kafka: explicit partitions and ranges, without a consumer group', async () => {
    const topic = uniq('explicit');
    await produce({ kafka: { addresses: brokers, topic, partitioner: 'manual', partition: '${! (json("seq") % 4).string() }' } }, 40);
    const sink = new TestSink();
    sinks.set(topic, sink);
    const c = await consume({ kafka: { addresses: brokers, topics: [`${topic}:1-2`] } }, topic);
    await waitFor(() => sink.delivered.length >= 20, 20_000, 'partitions 1 and 2');
    await new Promise((r) => setTimeout(r, 300));
    await c.stop();
    const got = seqs(sink).sort((x, y) => x - y);
    assert.deepEqual(
      got,
      Array.from({ length: 40 }, (_, i) => i + 1).filter((s) => s % 4 === 1 || s % 4 === 2),
    );
  });

  test('kafka_franz: explicit start offset topic:partition:offset', async () => {
    const topic = uniq('offset');
    // One write at a time, so seq n lands at offset n - 1.
    await produce({ kafka: { addresses: brokers, topic, partitioner: 'manual', partition: '3', max_in_flight: 1 } }, 10);
    const sink = new TestSink();
    sinks.set(topic, sink);
    const c = await consume({ kafka_franz: { seed_brokers: brokers, topics: [`${topic}:3:6`] } }, topic);
    await waitFor(() => sink.delivered.length >= 4, 20_000, 'offsets 6 to 9');
    await new Promise((r) => setTimeout(r, 300));
    await c.stop();
    assert.deepEqual(seqs(sink), [7, 8, 9, 10]);
  });

  test('kafka: input batching keeps every batch within one partition', async () => {
    const topic = uniq('batch');
    await produce({ kafka: { addresses: brokers, topic, partitioner: 'round_robin', max_in_flight: 1, batching: { count: 40 } } }, 400);
    const sink = new TestSink();
    sinks.set(topic, sink);
    const batches: Array<Array<{ p: number; seq: number }>> = [];
    sink.beforeWrite = (texts) => void batches.push(texts.map((t) => JSON.parse(t) as { p: number; seq: number }));
    const c = await started(runStream(
      {
        http: { enabled: false },
        input: { kafka: { addresses: brokers, topics: [topic], consumer_group: uniq('g'), batching: { count: 10, period: '200ms' } } },
        pipeline: { processors: [{ mapping: 'root = this\nroot.p = @kafka_partition' }] },
        output: { test_sink: { id: topic } },
      },
      { logger: silentLogger },
    ));
    await waitFor(() => sink.delivered.length >= 400, 20_000, '400 messages');
    await c.stop();
    assert.equal(batches.length, 40, 'batches of 10');
    for (const b of batches) {
      assert.equal(b.length, 10);
      assert.equal(new Set(b.map((m) => m.p)).size, 1, 'one partition per batch');
      const order = b.map((m) => m.seq);
      assert.deepEqual(order, [...order].sort((x, y) => x - y), 'partition order kept inside a batch');
    }
  });

  test('kafka: an unreachable cluster gives a clear error, the stream is not ready, no password shows', async () => {
    const port = await deadPort();
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const sasl = { mechanism: 'PLAIN', user: 'me', password: 'secretpw' };
    const h = await runStream(
      {
        http: { enabled: false },
        input: { kafka: { addresses: [`127.0.0.1:${port}`], topics: ['x'], consumer_group: 'g', sasl } },
        output: { kafka: { addresses: [`127.0.0.1:${port}`], topic: 'y', sasl } },
      },
      { logger },
    );
    await waitFor(() => errors.some((e) => e.includes('input')) && errors.some((e) => e.includes('output')), 20_000, 'connection errors of both ends');
    assert.equal(h.stream.ready, false);
    const text = errors.join('\n');
    assert.match(text, new RegExp(`kafka: cannot connect to Kafka brokers 127\\.0\\.0\\.1:${port}`));
    assert.ok(!text.includes('secretpw'), 'the password never shows');
    await h.stop();
  });
}
