/**
 * amqp_0_9 input and output against the real RabbitMQ on 127.0.0.1:5672 (guest/guest): the shared
 * connector suite, plus dead-lettering through nack_reject_patterns, publisher confirms failing a
 * write on a full `reject-publish` queue, returned mandatory messages, two consumers sharing a
 * queue, metadata from AMQP properties and headers, reconnecting, and an unreachable broker.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import type { Channel, ChannelModel } from 'amqplib';
import '../../src/components/index.js';
import { connectorSuite, requireService, sinks, TestSink, waitFor, deadPort, FaultProxy } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';

const ADDRESS = '127.0.0.1:5672';
const URL = `amqp://guest:guest@${ADDRESS}/`;
const PREFETCH = 50;
const skip = await requireService('rabbitmq', 5672);

let shared: { model: ChannelModel; ch: Channel } | undefined;
/** A management channel; recreated when a failed declaration closed it. */
async function admin(): Promise<Channel> {
  if (!shared) {
    const model = await amqp.connect(URL);
    model.on('error', () => {});
    shared = { model, ch: await model.createChannel() };
  }
  const ch = await shared.model.createChannel();
  ch.on('error', () => {});
  return ch;
}
async function withAdmin<T>(fn: (ch: Channel) => Promise<T>): Promise<T> {
  const ch = await admin();
  try {
    return await fn(ch);
  } finally {
    await ch.close().catch(() => {});
  }
}

const declareQueue = (name: string, args?: Record<string, unknown>): Promise<unknown> => withAdmin((ch) => ch.assertQueue(name, { durable: true, arguments: args }));
const deleteQueue = (name: string): Promise<unknown> => withAdmin((ch) => ch.deleteQueue(name)).catch(() => {});

/** Like waitFor, for conditions that need to ask the broker. */
async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let seq = 0;
const uniq = (what: string): string => `sluice_amqp_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
const seqOf = (t: string): number => (JSON.parse(t) as { seq: number }).seq;
const inputConf = (queue: string, extra: Record<string, unknown> = {}) => ({ amqp_0_9: { urls: [URL], queue, prefetch_count: PREFETCH, ...extra } });
const outputConf = (queue: string, extra: Record<string, unknown> = {}) => ({ amqp_0_9: { urls: [URL], exchange: '', key: queue, persistent: true, ...extra } });

async function publish(queue: string, count: number, first = 1): Promise<void> {
  const h = await runStream(
    { http: { enabled: false }, input: { generate: { count, interval: '', mapping: `root.seq = counter() + ${first - 1}` } }, output: outputConf(queue) },
    { logger: silentLogger },
  );
  assert.equal(await h.done, 0);
}

/** Take every message now in `queue` (acking them). */
async function drainQueue(queue: string): Promise<Array<{ body: string; headers: Record<string, unknown> }>> {
  return withAdmin(async (ch) => {
    const out: Array<{ body: string; headers: Record<string, unknown> }> = [];
    for (;;) {
      const m = await ch.get(queue, { noAck: true });
      if (!m) return out;
      out.push({ body: m.content.toString(), headers: (m.properties.headers ?? {}) as Record<string, unknown> });
    }
  });
}

if (skip) {
  test('amqp_0_9 integration', { skip }, () => {});
} else {
  connectorSuite({
    name: 'amqp_0_9',
    address: ADDRESS,
    output: (id, address) => ({ amqp_0_9: { urls: [`amqp://guest:guest@${address}/`], exchange: '', key: id, persistent: true } }),
    input: (id, address) => ({ amqp_0_9: { urls: [`amqp://guest:guest@${address}/`], queue: id, prefetch_count: PREFETCH } }),
    setup: (id) => declareQueue(id).then(() => {}),
    cleanup: (id) => deleteQueue(id).then(() => {}),
    redelivers: true,
    metadataRoundTrip: true,
    inFlightWindow: PREFETCH,
  });

  test('amqp_0_9: a nack matching nack_reject_patterns dead-letters the message, others are requeued', async () => {
    const queue = uniq('dlx');
    const dlx = `${queue}_dlx`;
    const dlq = `${queue}_dlq`;
    await withAdmin(async (ch) => {
      await ch.assertExchange(dlx, 'fanout', { durable: false, autoDelete: true });
      await ch.assertQueue(dlq, { durable: true });
      await ch.bindQueue(dlq, dlx, '');
      await ch.assertQueue(queue, { durable: true, arguments: { 'x-dead-letter-exchange': dlx } });
    });
    const sink = new TestSink();
    sinks.set(queue, sink);
    // Odd messages always fail with an error the pattern matches: rejected, dead-lettered. (A
    // mapping error reads "failed assignment (line 1): reject me please: odd", hence no `^`.)
    // Even ones fail once with another error: requeued, then delivered on the second try.
    const consumer = await runStream(
      {
        http: { enabled: false },
        error_handling: { strategy: 'reject' },
        input: inputConf(queue, { nack_reject_patterns: ['reject me please:.+$'] }),
        pipeline: {
          processors: [
            {
              mapping:
                'root = if this.seq % 2 == 1 { throw("reject me please: odd") } else if @amqp_redelivered == "false" { throw("try again") } else { this }\nroot.redelivered = @amqp_redelivered',
            },
          ],
        },
        output: { test_sink: { id: queue } },
      },
      { logger: silentLogger },
    );
    await publish(queue, 6);
    await waitFor(() => sink.delivered.length >= 3, 15_000, 'the even messages');
    let dead: Array<{ body: string; headers: Record<string, unknown> }> = [];
    await waitUntil(
      async () => {
        dead = dead.concat(await drainQueue(dlq));
        return dead.length >= 3;
      },
      15_000,
      'the odd messages in the dead-letter queue',
    );
    await consumer.stop();
    assert.deepEqual(sink.delivered.map(seqOf).sort(), [2, 4, 6]);
    assert.ok(sink.delivered.every((t) => (JSON.parse(t) as { redelivered: string }).redelivered === 'true'), 'evens were requeued once');
    assert.deepEqual(dead.map((d) => seqOf(d.body)).sort(), [1, 3, 5]);
    const death = (dead[0]!.headers['x-death'] as Array<{ reason: string; queue: string }>)[0]!;
    assert.equal(death.reason, 'rejected');
    assert.equal(death.queue, queue);
    const left = await withAdmin((ch) => ch.checkQueue(queue));
    assert.equal(left.messageCount, 0, 'nothing left unacked in the source queue');
    await Promise.all([deleteQueue(queue), deleteQueue(dlq)]);
  });

  test('amqp_0_9: a broker nack (full reject-publish queue) fails the write; the root output retries until there is room', async () => {
    const queue = uniq('full');
    await declareQueue(queue, { 'x-max-length': 2, 'x-overflow': 'reject-publish' });
    const producer = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 6, interval: '', mapping: 'root.seq = counter()' } },
        output: outputConf(queue, { max_in_flight: 1 }),
      },
      { logger: silentLogger },
    );
    // Two fit; the third is nacked by the broker and retried.
    await waitFor(() => producer.metrics.sum('output_error') >= 2, 15_000, 'nacked writes to be retried');
    assert.equal(producer.metrics.sum('output_sent'), 2, 'only confirmed messages count as sent');
    const got: number[] = [];
    await waitUntil(
      async () => {
        got.push(...(await drainQueue(queue)).map((m) => seqOf(m.body)));
        return got.length >= 6;
      },
      30_000,
      'all six messages through the full queue',
    );
    assert.equal(await producer.done, 0);
    assert.deepEqual([...new Set(got)].sort(), [1, 2, 3, 4, 5, 6]);
    await deleteQueue(queue);
  });

  test('amqp_0_9: an unroutable mandatory message fails the write (returned by the broker)', async () => {
    const missing = uniq('nowhere');
    const sink = new TestSink();
    sinks.set(missing, sink);
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 1, interval: '', mapping: 'root.seq = 1' } },
        output: { fallback: [outputConf(missing, { mandatory: true }), { test_sink: { id: missing } }] },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0);
    assert.equal(sink.delivered.length, 1, 'the message fell through to the second tier');
  });

  test('amqp_0_9: two consumers on one queue split the work with no loss', async () => {
    const queue = uniq('split');
    await declareQueue(queue);
    const a = new TestSink();
    const b = new TestSink();
    sinks.set(`${queue}_a`, a);
    sinks.set(`${queue}_b`, b);
    const start = (id: string) =>
      runStream(
        { http: { enabled: false }, input: inputConf(queue, { prefetch_count: 10 }), pipeline: { processors: [{ sleep: { duration: '2ms' } }] }, output: { test_sink: { id } } },
        { logger: silentLogger },
      );
    const [ca, cb] = await Promise.all([start(`${queue}_a`), start(`${queue}_b`)]);
    await waitFor(() => ca.stream.ready && cb.stream.ready, 10_000, 'both consumers to connect');
    const total = 600;
    await publish(queue, total);
    await waitFor(() => new Set([...a.delivered, ...b.delivered]).size >= total, 30_000, `${total} messages across both`);
    await Promise.all([ca.stop(), cb.stop()]);
    const seen = new Set([...a.delivered, ...b.delivered].map(seqOf));
    for (let i = 1; i <= total; i++) assert.ok(seen.has(i), `message ${i} lost`);
    assert.ok(a.delivered.length > total / 10 && b.delivered.length > total / 10, `both took a share: ${a.delivered.length} / ${b.delivered.length}`);
    // Acks are asynchronous frames: give the broker a moment to apply the last ones.
    let left = await withAdmin((ch) => ch.checkQueue(queue));
    for (let i = 0; i < 20 && left.messageCount > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      left = await withAdmin((ch) => ch.checkQueue(queue));
    }
    assert.equal(left.messageCount, 0, 'everything acked');
    await deleteQueue(queue);
  });

  test('amqp_0_9: auto_ack acknowledges on read, so nothing comes back after a failed delivery', async () => {
    const queue = uniq('autoack');
    await declareQueue(queue);
    await publish(queue, 3);
    const stalled = new TestSink();
    stalled.stallWrites();
    sinks.set(queue, stalled);
    const consumer = await runStream(
      { http: { enabled: false }, input: inputConf(queue, { auto_ack: true }), output: { test_sink: { id: queue } }, shutdown_timeout: '200ms' },
      { logger: silentLogger },
    );
    await waitFor(() => stalled.active > 0, 10_000, 'a write in flight');
    assert.equal(await consumer.stop(), 1);
    const read = consumer.metrics.sum('input_received');
    assert.ok(read >= 1);
    const left = await withAdmin((ch) => ch.checkQueue(queue));
    // Only what was still buffered (never read) is requeued.
    assert.equal(left.messageCount, 3 - read, 'the messages read were acked, not requeued');
    await deleteQueue(queue);
  });

  test('amqp_0_9: metadata from properties and headers, as Benthos names them', async () => {
    const queue = uniq('meta');
    await declareQueue(queue);
    const sink = new TestSink();
    sinks.set(queue, sink);
    const consumer = await runStream(
      { http: { enabled: false }, input: inputConf(queue, { consumer_tag: 'ctag1' }), pipeline: { processors: [{ mapping: 'root = @' }] }, output: { test_sink: { id: queue } } },
      { logger: silentLogger },
    );
    await withAdmin(async (ch) => {
      ch.sendToQueue(queue, Buffer.from('{}'), {
        contentType: 'application/json',
        contentEncoding: 'utf8',
        priority: 3,
        correlationId: 'corr',
        replyTo: 'replies',
        expiration: '60000',
        messageId: 'mid',
        timestamp: 1_700_000_000,
        type: 'kind',
        appId: 'app',
        userId: 'guest',
        persistent: true,
        headers: { 'x-custom-key': 'v', count: 7, flag: true, nested: { inner: 'deep', more: { x: 1 } }, list: ['a', 'b'] },
      });
    });
    await waitFor(() => sink.delivered.length >= 1, 10_000, 'the message');
    await consumer.stop();
    const meta = JSON.parse(sink.delivered[0]!) as Record<string, string>;
    assert.equal(meta.amqp_content_type, 'application/json');
    assert.equal(meta.amqp_content_encoding, 'utf8');
    assert.equal(meta.amqp_delivery_mode, '2');
    assert.equal(meta.amqp_priority, '3');
    assert.equal(meta.amqp_correlation_id, 'corr');
    assert.equal(meta.amqp_reply_to, 'replies');
    assert.equal(meta.amqp_expiration, '60000');
    assert.equal(meta.amqp_message_id, 'mid');
    assert.equal(meta.amqp_timestamp, '1700000000');
    assert.equal(meta.amqp_type, 'kind');
    assert.equal(meta.amqp_user_id, 'guest');
    assert.equal(meta.amqp_app_id, 'app');
    assert.equal(meta.amqp_consumer_tag, 'ctag1');
    assert.equal(meta.amqp_delivery_tag, '1');
    assert.equal(meta.amqp_redelivered, 'false');
    assert.equal(meta.amqp_exchange, undefined, 'empty values are left out, as Benthos does (default exchange)');
    assert.equal(meta.amqp_routing_key, queue);
    // Headers: dashes become underscores, nested tables and arrays are flattened.
    assert.equal(meta.x_custom_key, 'v');
    assert.equal(meta.count, '7');
    assert.equal(meta.flag, 'true');
    assert.equal(meta.nested_inner, 'deep');
    assert.equal(meta.nested_more_x, '1');
    assert.equal(meta.list_0, 'a');
    assert.equal(meta.list_1, 'b');
    await deleteQueue(queue);
  });

  test('amqp_0_9: output properties, interpolated key and metadata headers (exclude_prefixes)', async () => {
    const queue = uniq('props');
    await declareQueue(queue);
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 1, interval: '', mapping: 'root.seq = 1\nmeta keep_me = "yes"\nmeta skip_me = "no"\nmeta target = "' + queue + '"' } },
        output: outputConf(queue, {
          key: '${! @target }',
          type: 'a/b',
          content_type: 'application/json',
          correlation_id: 'c-${! json("seq") }',
          message_id: 'm1',
          app_id: 'sluice',
          priority: '${! 2 + 3 }',
          metadata: { exclude_prefixes: ['skip_', 'target'] },
        }),
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0);
    const m = await withAdmin(async (ch) => ch.get(queue, { noAck: true }));
    assert.ok(m, 'the message arrived');
    assert.equal(m.properties.contentType, 'application/json');
    assert.equal(m.properties.correlationId, 'c-1');
    assert.equal(m.properties.messageId, 'm1');
    assert.equal(m.properties.appId, 'sluice');
    assert.equal(m.properties.type, 'a.b');
    assert.equal(m.properties.priority, 5);
    assert.equal(m.properties.deliveryMode, 2);
    assert.deepEqual(m.properties.headers, { 'keep-me': 'yes' });
    await deleteQueue(queue);
  });

  test('amqp_0_9: reconnects after the connection is reset, nothing lost', async () => {
    const queue = uniq('reconnect');
    await declareQueue(queue);
    const proxy = new FaultProxy('127.0.0.1', 5672);
    await proxy.start();
    const sink = new TestSink();
    sinks.set(queue, sink);
    const via = `amqp://guest:guest@127.0.0.1:${proxy.port}/`;
    const consumer = await runStream({ http: { enabled: false }, input: { amqp_0_9: { urls: [via], queue, prefetch_count: PREFETCH } }, output: { test_sink: { id: queue } } }, { logger: silentLogger });
    await publish(queue, 100);
    await waitFor(() => sink.delivered.length >= 100, 10_000, 'first 100');
    const before = proxy.connections;
    proxy.reset();
    // The output goes through the proxy too, and is reset in the middle of its writes.
    const producer = await runStream(
      { http: { enabled: false }, input: { generate: { count: 100, interval: '', mapping: 'root.seq = counter() + 100' } }, output: { amqp_0_9: { urls: [via], exchange: '', key: queue } } },
      { logger: silentLogger },
    );
    await waitFor(() => new Set(sink.delivered.map(seqOf)).size >= 150, 20_000, 'half of the second batch');
    proxy.reset();
    assert.equal(await producer.done, 0);
    await waitFor(() => new Set(sink.delivered.map(seqOf)).size >= 200, 20_000, 'all 200 after the resets');
    assert.ok(proxy.connections > before + 1, 'both sides reconnected');
    await consumer.stop();
    await proxy.stop();
    await deleteQueue(queue);
  });

  test('amqp_0_9: an unreachable broker gives a clear error without the password, and /ready says 503', async () => {
    const port = await deadPort();
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const h = await runStream(
      { http: { enabled: false }, input: { amqp_0_9: { urls: [`amqp://guest:secretpw@127.0.0.1:${port}/`], queue: 'x' } }, output: { drop: {} } },
      { logger },
    );
    await waitFor(() => errors.length > 0, 10_000, 'a connection error');
    assert.equal(h.stream.ready, false);
    // The log redactor masks the password, and the user too once another test registered "guest" as a secret value.
    assert.match(errors[0]!, new RegExp(`amqp_0_9: failed to connect to amqp://[^@\\s]*@127\\.0\\.0\\.1:${port}/: .*ECONNREFUSED`));
    assert.ok(!errors.join('\n').includes('secretpw'), 'the password never shows');
    await h.stop();
  });

  after(async () => {
    await shared?.model.close().catch(() => {});
  });
}
