/**
 * nats_jetstream against the real NATS server on 127.0.0.1:4222: the shared connector suite,
 * plus a durable shared by two streams, the in-progress heartbeat, and nak → redelivery.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import '../../src/components/index.js';
import { connectorSuite, requireService, sinks, TestSink, waitFor, deadPort, FaultProxy } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';

const ADDRESS = '127.0.0.1:4222';
const skip = await requireService('nats', 4222);
const MAX_ACK_PENDING = 64;
let shared: { nc: NatsConnection; jsm: JetStreamManager } | undefined;
async function manager(): Promise<JetStreamManager> {
  if (!shared) {
    const nc = await connect({ servers: ADDRESS });
    shared = { nc, jsm: await jetstreamManager(nc) };
  }
  return shared.jsm;
}

async function createStream(name: string): Promise<void> {
  await (await manager()).streams.add({ name, subjects: [name, `${name}.>`] });
}
async function deleteStream(name: string): Promise<void> {
  await (await manager()).streams.delete(name).catch(() => {});
}

let seq = 0;
const uniq = (what: string): string => `sluice_js_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

if (skip) {
  test('nats_jetstream integration', { skip }, () => {});
} else {
  connectorSuite({
    name: 'nats_jetstream',
    address: ADDRESS,
    output: (id, address) => ({ nats_jetstream: { urls: [`nats://${address}`], subject: id, metadata: { include_prefixes: ['sluice_'] } } }),
    input: (id, address, group) => ({
      nats_jetstream: { urls: [`nats://${address}`], subject: id, durable: group, ack_wait: '5s', max_ack_pending: MAX_ACK_PENDING },
    }),
    setup: createStream,
    cleanup: deleteStream,
    redelivers: true,
    metadataRoundTrip: true,
    inFlightWindow: MAX_ACK_PENDING,
  });

  const inputConf = (stream: string, extra: Record<string, unknown> = {}) => ({ nats_jetstream: { urls: [`nats://${ADDRESS}`], subject: stream, ...extra } });

  const seqs = (sink: TestSink): Set<number> => new Set(sink.delivered.map((t) => (JSON.parse(t) as { seq: number }).seq));
  const publish = (stream: string, count: number): Promise<void> => publishFrom(stream, 1, count);

  async function publishFrom(stream: string, first: number, count: number): Promise<void> {
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count, interval: '', mapping: `root.seq = counter() + ${first - 1}` } },
        output: { nats_jetstream: { urls: [`nats://${ADDRESS}`], subject: stream } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0);
  }

  test('nats_jetstream: two streams sharing a durable split the work with no loss', async () => {
    const stream = uniq('split');
    await createStream(stream);
    const a = new TestSink();
    const b = new TestSink();
    sinks.set(`${stream}_a`, a);
    sinks.set(`${stream}_b`, b);
    const conf = inputConf(stream, { durable: 'workers', max_ack_pending: 16 });
    const start = (id: string) =>
      runStream({ http: { enabled: false }, input: conf, pipeline: { processors: [{ sleep: { duration: '2ms' } }] }, output: { test_sink: { id } } }, { logger: silentLogger });
    const [ca, cb] = await Promise.all([start(`${stream}_a`), start(`${stream}_b`)]);
    const total = 600;
    await publish(stream, total);
    await waitFor(() => new Set([...a.delivered, ...b.delivered]).size >= total, 30_000, `${total} messages across both`);
    await Promise.all([ca.stop(), cb.stop()]);
    const seen = new Set([...a.delivered, ...b.delivered].map((t) => (JSON.parse(t) as { seq: number }).seq));
    for (let i = 1; i <= total; i++) assert.ok(seen.has(i), `message ${i} lost`);
    assert.ok(a.delivered.length > total / 10 && b.delivered.length > total / 10, `both took a share: ${a.delivered.length} / ${b.delivered.length}`);
    const info = await (await manager()).consumers.info(stream, 'workers');
    assert.equal(info.num_ack_pending, 0, 'everything acked');
    await deleteStream(stream);
  });

  test('nats_jetstream: a delivery slower than ack_wait is not redelivered while in progress', async () => {
    const stream = uniq('wpi');
    await createStream(stream);
    const sink = new TestSink();
    sink.stallWrites();
    sinks.set(stream, sink);
    const consumer = await runStream(
      { http: { enabled: false }, input: inputConf(stream, { durable: 'slow', ack_wait: '2s' }), output: { test_sink: { id: stream } } },
      { logger: silentLogger },
    );
    await publish(stream, 1);
    await waitFor(() => sink.active > 0, 10_000, 'the write to start');
    // The output takes 5 s: more than twice ack_wait.
    await new Promise((r) => setTimeout(r, 5000));
    sink.resume();
    await waitFor(() => sink.delivered.length >= 1, 5000, 'the delivery');
    // Let a redelivery (if any were scheduled) surface before looking.
    await new Promise((r) => setTimeout(r, 500));
    await consumer.stop();
    assert.equal(sink.delivered.length, 1, 'delivered once');
    const info = await (await manager()).consumers.info(stream, 'slow');
    assert.equal(info.delivered.consumer_seq, 1, 'the server delivered the message exactly once');
    assert.equal(info.num_redelivered, 0);
    assert.equal(info.num_ack_pending, 0, 'and it was acked');
    await deleteStream(stream);
  });

  test('nats_jetstream: a nack causes redelivery', async () => {
    const stream = uniq('nak');
    await createStream(stream);
    const sink = new TestSink();
    sinks.set(stream, sink);
    // The first delivery of each message fails processing; strategy reject nacks it, the input
    // naks it, and the server delivers it again.
    const consumer = await runStream(
      {
        http: { enabled: false },
        error_handling: { strategy: 'reject' },
        input: inputConf(stream, { durable: 'nak' }),
        pipeline: {
          processors: [{ mapping: 'root = if @nats_num_delivered == "1" { throw("first delivery fails") } else { this }\nroot.delivered = @nats_num_delivered' }],
        },
        output: { test_sink: { id: stream } },
      },
      { logger: silentLogger },
    );
    await publish(stream, 3);
    await waitFor(() => sink.delivered.length >= 3, 15_000, 'the redelivered messages');
    await consumer.stop();
    const docs = sink.delivered.map((t) => JSON.parse(t) as { seq: number; delivered: string });
    assert.deepEqual(docs.map((d) => d.seq).sort(), [1, 2, 3]);
    assert.deepEqual(docs.map((d) => d.delivered), ['2', '2', '2'], 'each message arrived on its second delivery');
    const info = await (await manager()).consumers.info(stream, 'nak');
    assert.equal(info.num_ack_pending, 0, 'all acked in the end');
    assert.equal(info.delivered.consumer_seq, 6, 'the server delivered each message twice');
    await deleteStream(stream);
  });

  test('nats_jetstream: metadata from JetStream', async () => {
    const stream = uniq('meta');
    await createStream(stream);
    const sink = new TestSink();
    sinks.set(stream, sink);
    const consumer = await runStream(
      {
        http: { enabled: false },
        input: inputConf(`${stream}.>`),
        pipeline: { processors: [{ mapping: 'root = @' }] },
        output: { test_sink: { id: stream } },
      },
      { logger: silentLogger },
    );
    const before = BigInt(Date.now()) * 1_000_000n;
    await publish(`${stream}.sub`, 2);
    await waitFor(() => sink.delivered.length >= 2, 10_000, 'two messages');
    await consumer.stop();
    const [first, second] = sink.delivered.map((t) => JSON.parse(t) as Record<string, string>);
    assert.equal(first!.nats_subject, `${stream}.sub`);
    assert.equal(first!.nats_sequence_stream, '1');
    assert.equal(second!.nats_sequence_stream, '2');
    assert.equal(first!.nats_sequence_consumer, '1');
    assert.equal(first!.nats_num_delivered, '1');
    assert.equal(first!.nats_num_pending, '1', 'one more message was waiting behind the first');
    assert.equal(second!.nats_num_pending, '0');
    assert.equal(first!.nats_domain, '');
    assert.ok(BigInt(first!.nats_timestamp_unix_nano!) >= before - 1_000_000_000n, 'timestamp in nanoseconds');
    await deleteStream(stream);
  });

  test('nats_jetstream: reconnects after the connection is reset, nothing lost', async () => {
    const stream = uniq('reconnect');
    await createStream(stream);
    const proxy = new FaultProxy('127.0.0.1', 4222);
    await proxy.start();
    const sink = new TestSink();
    sinks.set(stream, sink);
    const consumer = await runStream(
      { http: { enabled: false }, input: { nats_jetstream: { urls: [`nats://127.0.0.1:${proxy.port}`], subject: stream, durable: 'rc', ack_wait: '5s' } }, output: { test_sink: { id: stream } } },
      { logger: silentLogger },
    );
    await publish(stream, 100);
    await waitFor(() => sink.delivered.length >= 100, 10_000, 'first 100');
    const before = proxy.connections;
    proxy.reset();
    await publishFrom(stream, 101, 100);
    await waitFor(() => proxy.connections > before, 10_000, 'the client to reconnect through the proxy');
    await waitFor(() => seqs(sink).size >= 200, 20_000, 'all 200 after the reset');
    await consumer.stop();
    await proxy.stop();
    await deleteStream(stream);
  });

  test('nats_jetstream: an unreachable server gives a clear error and /ready says 503', async () => {
    const port = await deadPort();
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const h = await runStream(
      { http: { enabled: false }, input: { nats_jetstream: { urls: [`nats://user:secretpw@127.0.0.1:${port}`], subject: 'x' } }, output: { drop: {} } },
      { logger },
    );
    await waitFor(() => errors.length > 0, 10_000, 'a connection error');
    assert.equal(h.stream.ready, false);
    assert.match(errors[0]!, new RegExp(`nats_jetstream: failed to connect to nats://user:(?:xxxxx|!!!SECRET_SCRUBBED!!!)@127\\.0\\.0\\.1:${port}`));
    assert.ok(!errors.join('\n').includes('secretpw'), 'the password never shows');
    await h.stop();
  });

  test('nats_jetstream: teardown', async () => {
    await shared?.nc.close();
  });
}
