/**
 * Core NATS input/output against the real server on 127.0.0.1:4222. Core NATS is at-most-once:
 * the suite's redelivery tests (nack, kill) do not apply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import '../../src/components/index.js';
import { connectorSuite, requireService, sinks, TestSink, waitFor, deadPort, FaultProxy } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';

const ADDRESS = '127.0.0.1:4222';
const skip = await requireService('nats', 4222);
const AT_MOST_ONCE = 'core NATS is at-most-once: the server never redelivers';

let seq = 0;
const uniq = (what: string): string => `sluice_nats_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
const seqs = (sink: TestSink): Set<number> => new Set(sink.delivered.map((t) => (JSON.parse(t) as { seq: number }).seq));

async function publishFrom(subject: string, first: number, count: number, address = ADDRESS): Promise<void> {
  const h = await runStream(
    {
      http: { enabled: false },
      input: { generate: { count, interval: '', mapping: `root.seq = counter() + ${first - 1}` } },
      output: { nats: { urls: [`nats://${address}`], subject } },
    },
    { logger: silentLogger },
  );
  assert.equal(await h.done, 0);
}

function consume(subject: string, sinkId: string, extra: Record<string, unknown> = {}, address = ADDRESS) {
  return runStream({ http: { enabled: false }, input: { nats: { urls: [`nats://${address}`], subject, ...extra } }, output: { test_sink: { id: sinkId } } }, { logger: silentLogger });
}

if (skip) {
  test('nats integration', { skip }, () => {});
} else {
  connectorSuite({
    name: 'nats',
    address: ADDRESS,
    output: (id, address) => ({ nats: { urls: [`nats://${address}`], subject: id, metadata: { include_prefixes: ['sluice_'] } } }),
    input: (id, address, group) => ({ nats: { urls: [`nats://${address}`], subject: id, queue: group } }),
    redelivers: false,
    metadataRoundTrip: true,
    consumerWarmupMs: 500,
    skip: {
      nack: AT_MOST_ONCE,
      kill: AT_MOST_ONCE,
    },
  });

  test('nats: a queue group splits the messages between two streams', async () => {
    const subject = uniq('queue');
    const a = new TestSink();
    const b = new TestSink();
    sinks.set(`${subject}_a`, a);
    sinks.set(`${subject}_b`, b);
    const [ca, cb] = await Promise.all([consume(subject, `${subject}_a`, { queue: 'workers' }), consume(subject, `${subject}_b`, { queue: 'workers' })]);
    await new Promise((r) => setTimeout(r, 500));
    await publishFrom(subject, 1, 400);
    await waitFor(() => a.delivered.length + b.delivered.length >= 400, 10_000, '400 messages across both');
    await Promise.all([ca.stop(), cb.stop()]);
    const all = [...a.delivered, ...b.delivered];
    assert.equal(all.length, 400, 'each message went to one member only');
    assert.equal(new Set(all).size, 400);
    assert.ok(a.delivered.length > 40 && b.delivered.length > 40, `both took a share: ${a.delivered.length} / ${b.delivered.length}`);
  });

  test('nats: headers and subject metadata, interpolated subject and headers', async () => {
    const base = uniq('hdr');
    const sink = new TestSink();
    sinks.set(base, sink);
    const consumer = await runStream(
      { http: { enabled: false }, input: { nats: { urls: [`nats://${ADDRESS}`], subject: `${base}.>` } }, pipeline: { processors: [{ mapping: 'root = @' }] }, output: { test_sink: { id: base } } },
      { logger: silentLogger },
    );
    await new Promise((r) => setTimeout(r, 500));
    const producer = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 1, interval: '', mapping: 'root.kind = "order"\nmeta keep_me = "yes"\nmeta drop_me = "no"' } },
        output: {
          nats: {
            urls: [`nats://${ADDRESS}`],
            subject: `${base}.\${! this.kind }`,
            headers: { 'Content-Type': 'application/json', Kind: '${! this.kind.uppercase() }' },
            metadata: { include_patterns: ['^keep_'] },
          },
        },
      },
      { logger: silentLogger },
    );
    assert.equal(await producer.done, 0);
    await waitFor(() => sink.delivered.length >= 1, 5000, 'the message');
    await consumer.stop();
    const meta = JSON.parse(sink.delivered[0]!) as Record<string, string>;
    assert.equal(meta.nats_subject, `${base}.order`);
    assert.equal(meta['Content-Type'], 'application/json');
    assert.equal(meta.Kind, 'ORDER');
    assert.equal(meta.keep_me, 'yes');
    assert.equal(meta.drop_me, undefined, 'metadata outside the filter is not sent');
    assert.equal(meta.nats_reply_subject, undefined, 'no reply subject on a plain publish');
  });

  test('nats: a request is answered with +ACK only after delivery', async () => {
    const subject = uniq('req');
    const sink = new TestSink();
    sink.stallWrites();
    sinks.set(subject, sink);
    const consumer = await runStream(
      { http: { enabled: false }, input: { nats: { urls: [`nats://${ADDRESS}`], subject } }, pipeline: { processors: [{ mapping: 'root = @nats_reply_subject' }] }, output: { test_sink: { id: subject } } },
      { logger: silentLogger },
    );
    await new Promise((r) => setTimeout(r, 500));
    const nc = await connect({ servers: ADDRESS });
    let answered = false;
    const reply = nc.request(subject, 'ping', { timeout: 5000 }).then((m) => {
      answered = true;
      return m.string();
    });
    await waitFor(() => sink.active > 0, 5000, 'the write to start');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(answered, false, 'no ack while the output has not delivered');
    sink.resume();
    assert.equal(await reply, '+ACK');
    assert.match(sink.delivered[0]!, /^_INBOX\./, 'nats_reply_subject is the requester inbox');
    await nc.close();
    await consumer.stop();
  });

  test('nats: re-subscribes after the connection is reset', async () => {
    const subject = uniq('reconnect');
    const proxy = new FaultProxy('127.0.0.1', 4222);
    await proxy.start();
    const sink = new TestSink();
    sinks.set(subject, sink);
    const consumer = await consume(subject, subject, {}, `127.0.0.1:${proxy.port}`);
    await new Promise((r) => setTimeout(r, 500));
    await publishFrom(subject, 1, 50);
    await waitFor(() => sink.delivered.length >= 50, 5000, 'first 50');
    const before = proxy.connections;
    proxy.reset();
    await waitFor(() => proxy.connections > before, 10_000, 'the client to reconnect through the proxy');
    // At-most-once: publish only once the subscription is back (a flush round trip through it).
    await new Promise((r) => setTimeout(r, 500));
    await publishFrom(subject, 51, 50);
    await waitFor(() => seqs(sink).size >= 100, 10_000, 'the second 50 after the reconnect');
    await consumer.stop();
    await proxy.stop();
  });

  test('nats: output through a reset proxy keeps delivering (write waits for the server)', async () => {
    const subject = uniq('outreset');
    const sink = new TestSink();
    sinks.set(subject, sink);
    const consumer = await consume(subject, subject);
    await new Promise((r) => setTimeout(r, 500));
    const proxy = new FaultProxy('127.0.0.1', 4222);
    await proxy.start();
    const producer = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 0, interval: '5ms', mapping: 'root.seq = counter()' } },
        output: { nats: { urls: [`nats://127.0.0.1:${proxy.port}`], subject, max_in_flight: 1 } },
      },
      { logger: silentLogger },
    );
    await waitFor(() => sink.delivered.length >= 20, 5000, 'some messages');
    proxy.reset();
    const after = sink.delivered.length;
    await waitFor(() => sink.delivered.length >= after + 50, 10_000, 'messages after the reset');
    await producer.stop();
    await consumer.stop();
    await proxy.stop();
  });

  test('nats: a subscription the client refuses closes its connection on every retry (no leaked handles)', async () => {
    const natsSockets = (): number =>
      (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().filter((h) => (h as { remotePort?: number }).remotePort === 4222).length;
    const before = natsSockets();
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const h = await runStream({ http: { enabled: false }, input: { nats: { urls: [`nats://${ADDRESS}`], subject: 'tp bad subject' } }, output: { drop: {} } }, { logger });
    try {
      await waitFor(() => errors.length >= 2, 10_000, 'two failed connection attempts');
    } finally {
      await h.stop();
    }
    assert.match(errors[0]!, /nats: cannot subscribe to .*tp bad subject.* on nats:\/\/127\.0\.0\.1:4222/);
    // Each attempt opened a connection; a connection left open reconnects forever and keeps the process alive.
    await waitFor(() => natsSockets() === before, 2000, `the attempts' connections to close (${natsSockets()} open, ${before} before)`);
  });

  test('nats: an unreachable server gives a clear error without the password, /ready 503', async () => {
    const port = await deadPort();
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const h = await runStream(
      { http: { enabled: false }, input: { nats: { urls: [`nats://bob:hunter2@127.0.0.1:${port}`], subject: 'x' } }, output: { drop: {} } },
      { logger },
    );
    await waitFor(() => errors.length > 0, 10_000, 'a connection error');
    assert.equal(h.stream.ready, false);
    assert.match(errors[0]!, new RegExp(`nats: failed to connect to nats://bob:(?:xxxxx|!!!SECRET_SCRUBBED!!!)@127\\.0\\.0\\.1:${port}`));
    assert.ok(!errors.join('\n').includes('hunter2'));
    await h.stop();
  });
}
