/**
 * mqtt input and output against the real Mosquitto on 127.0.0.1:1883: the shared connector suite
 * (QoS 1, a fixed client id and `clean_session: false`, so the broker keeps unacknowledged
 * messages for the next session), the same over MQTT 5 with metadata as user properties, and
 * tests for held acknowledgements, replays of nacked messages, QoS 0/2, retained messages, the
 * last will, reconnecting, and an unreachable broker.
 *
 * Mosquitto keeps at most `max_queued_messages` (default 1000) messages for an offline client and
 * drops the rest, so no test queues more than 1000 messages for a client that is not connected.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import '../../src/components/index.js';
import { connectorSuite, requireService, sinks, TestSink, waitFor, deadPort, FaultProxy } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';

const ADDRESS = '127.0.0.1:1883';
const URL = `tcp://${ADDRESS}`;
const skip = await requireService('mosquitto', 1883);

let seq = 0;
const uniq = (what: string): string => `sluice_mqtt_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
const seqOf = (t: string): number => (JSON.parse(t) as { seq: number }).seq;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function client(clientId: string, clean: boolean, protocolVersion: 4 | 5 = 4): Promise<MqttClient> {
  return mqtt.connectAsync(URL, {
    clientId,
    clean,
    reconnectPeriod: 0,
    protocolVersion,
    ...(protocolVersion === 5 && !clean ? { properties: { sessionExpiryInterval: 3600 } } : {}),
  });
}

/** Make the broker keep a session (and queue QoS 1 messages) for `clientId` before it first runs. */
async function createSession(clientId: string, topic: string, protocolVersion: 4 | 5 = 4): Promise<void> {
  const c = await client(clientId, false, protocolVersion);
  await c.subscribeAsync(topic, { qos: 1 });
  await c.endAsync();
}
/** Connecting with a clean session discards what the broker kept for the client id. */
async function dropSession(clientId: string): Promise<void> {
  const c = await client(clientId, true).catch(() => undefined);
  await c?.endAsync();
}

const inputConf = (topic: string, clientId: string, extra: Record<string, unknown> = {}) => ({
  mqtt: { urls: [URL], client_id: clientId, clean_session: false, topics: [topic], qos: 1, ...extra },
});

async function publish(topic: string, count: number, extra: Record<string, unknown> = {}): Promise<void> {
  const h = await runStream(
    { http: { enabled: false }, input: { generate: { count, interval: '', mapping: 'root.seq = counter()' } }, output: { mqtt: { urls: [URL], topic, qos: 1, ...extra } } },
    { logger: silentLogger },
  );
  assert.equal(await h.done, 0);
}

if (skip) {
  test('mqtt integration', { skip }, () => {});
} else {
  connectorSuite({
    name: 'mqtt',
    address: ADDRESS,
    output: (id, address) => ({ mqtt: { urls: [`tcp://${address}`], topic: id, qos: 1 } }),
    input: (id, address, group) => ({ mqtt: { urls: [`tcp://${address}`], client_id: group, clean_session: false, topics: [id], qos: 1 } }),
    // The suite names the group `${id}_g`: that client's session must exist before anything is published.
    setup: (id) => createSession(`${id}_g`, id),
    cleanup: (id) => dropSession(`${id}_g`),
    redelivers: true,
    metadataRoundTrip: false,
    // What can be delivered twice is what was written but not yet acknowledged when the process
    // died: a few messages (0-1 observed), far under Mosquitto's max_inflight_messages (20).
    inFlightWindow: 20,
  });

  connectorSuite({
    name: 'mqtt_v5',
    address: ADDRESS,
    output: (id, address) => ({ mqtt: { urls: [`tcp://${address}`], topic: id, qos: 1, protocol_version: 5 } }),
    input: (id, address, group) => ({ mqtt: { urls: [`tcp://${address}`], client_id: group, clean_session: false, topics: [id], qos: 1, protocol_version: 5 } }),
    setup: (id) => createSession(`${id}_g`, id, 5),
    cleanup: (id) => dropSession(`${id}_g`),
    redelivers: true,
    metadataRoundTrip: true,
    skip: { nack: 'covered by the 3.1.1 suite', reconnect: 'covered by the 3.1.1 suite', kill: 'covered by the 3.1.1 suite' },
  });

  test('mqtt: a delivered but unacknowledged message is redelivered to the next session, flagged duplicate', async () => {
    const topic = uniq('held');
    const id = `${topic}_c`;
    await createSession(id, topic);
    await publish(topic, 5);
    const stalled = new TestSink();
    stalled.stallWrites();
    sinks.set(`${topic}_a`, stalled);
    const first = await runStream(
      { http: { enabled: false }, input: inputConf(topic, id), output: { test_sink: { id: `${topic}_a` } }, shutdown_timeout: '200ms' },
      { logger: silentLogger },
    );
    await waitFor(() => stalled.active > 0, 10_000, 'a write in flight');
    assert.equal(await first.stop(), 1, 'forced shutdown: nothing was delivered');
    const sink = new TestSink();
    sinks.set(`${topic}_b`, sink);
    const second = await runStream(
      { http: { enabled: false }, input: inputConf(topic, id), pipeline: { processors: [{ mapping: 'root = this\nroot.dup = @mqtt_duplicate' }] }, output: { test_sink: { id: `${topic}_b` } } },
      { logger: silentLogger },
    );
    await waitFor(() => sink.delivered.length >= 5, 10_000, 'the five messages again');
    await second.stop();
    const docs = sink.delivered.map((t) => JSON.parse(t) as { seq: number; dup: boolean });
    assert.deepEqual(docs.map((d) => d.seq).sort(), [1, 2, 3, 4, 5]);
    assert.equal(docs.find((d) => d.seq === 1)!.dup, true, 'the message the first session held came back as a duplicate');
    // Everything was acknowledged by the second session: a third finds nothing.
    const third = await client(id, false);
    let extra = 0;
    third.on('message', () => extra++);
    await sleep(300);
    await third.endAsync();
    assert.equal(extra, 0, 'nothing left unacknowledged');
    await dropSession(id);
  });

  test('mqtt: many messages are held at once (acks are not serialised): a batch of 10 fills', async () => {
    const topic = uniq('batch');
    const id = `${topic}_c`;
    await createSession(id, topic);
    const sink = new TestSink();
    sinks.set(topic, sink);
    const batches: number[] = [];
    sink.beforeWrite = (b) => void batches.push(b.length);
    // No period: the batch is written only once 10 messages are held unacknowledged together.
    const consumer = await runStream({ http: { enabled: false }, input: inputConf(topic, id), output: { test_sink: { id: topic, batching: { count: 10 } } } }, { logger: silentLogger });
    await publish(topic, 30);
    await waitFor(() => sink.delivered.length >= 30, 10_000, 'three batches');
    await consumer.stop();
    assert.deepEqual(batches, [10, 10, 10]);
    await dropSession(id);
  });

  test('mqtt: a nacked message is replayed (auto_replay_nacks) and acknowledged once delivered', async () => {
    const topic = uniq('replay');
    const id = `${topic}_c`;
    await createSession(id, topic);
    const sink = new TestSink();
    sinks.set(topic, sink);
    const consumer = await runStream(
      {
        http: { enabled: false },
        error_handling: { strategy: 'reject' },
        input: inputConf(topic, id),
        // The first three messages processed fail; each is nacked, replayed and passes the second time.
        pipeline: { processors: [{ mapping: 'root = if counter() <= 3 { throw("not yet") } else { this }' }] },
        output: { test_sink: { id: topic } },
      },
      { logger: silentLogger },
    );
    await publish(topic, 5);
    await waitFor(() => sink.delivered.length >= 5, 10_000, 'all five');
    await consumer.stop();
    assert.deepEqual(sink.delivered.map(seqOf).sort(), [1, 2, 3, 4, 5]);
    const again = await client(id, false);
    let extra = 0;
    again.on('message', () => extra++);
    await sleep(300);
    await again.endAsync();
    assert.equal(extra, 0, 'the replayed messages were acknowledged to the broker');
    await dropSession(id);
  });

  test('mqtt: QoS 0 and QoS 2 round trips, with metadata', async () => {
    for (const qos of [0, 2]) {
      const topic = uniq(`qos${qos}`);
      const id = `${topic}_c`;
      const sink = new TestSink();
      sinks.set(topic, sink);
      const consumer = await runStream(
        { http: { enabled: false }, input: inputConf(topic, id, { qos, clean_session: true }), pipeline: { processors: [{ mapping: 'root = this\nroot.meta = @' }] }, output: { test_sink: { id: topic } } },
        { logger: silentLogger },
      );
      await publish(topic, 20, { qos });
      await waitFor(() => sink.delivered.length >= 20, 10_000, `20 messages at QoS ${qos}`);
      await consumer.stop();
      const docs = sink.delivered.map((t) => JSON.parse(t) as { seq: number; meta: Record<string, unknown> });
      assert.deepEqual(docs.map((d) => d.seq).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 1));
      const m = docs[0]!.meta;
      assert.equal(m.mqtt_topic, topic);
      assert.equal(m.mqtt_qos, qos);
      assert.equal(m.mqtt_retained, false);
      assert.equal(m.mqtt_duplicate, false);
      assert.equal(typeof m.mqtt_message_id, 'number');
      if (qos === 0) assert.equal(m.mqtt_message_id, 0);
    }
  });

  test('mqtt: interpolated topic and retained messages', async () => {
    const base = uniq('retained');
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 2, interval: '', mapping: 'root.seq = counter()\nroot.dev = "d" + counter().string()' } },
        output: { mqtt: { urls: [URL], topic: `${base}/\${! json("dev") }`, qos: 1, retained_interpolated: '${! json("seq") == 1 }' } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0);
    // A new subscriber gets the retained message of d1 only.
    const c = await client(`${base}_watch`, true);
    const got: Array<{ topic: string; retain: boolean; body: string }> = [];
    c.on('message', (topic, payload, packet) => got.push({ topic, retain: packet.retain, body: payload.toString() }));
    await c.subscribeAsync(`${base}/#`, { qos: 1 });
    await sleep(300);
    assert.deepEqual(got, [{ topic: `${base}/d1`, retain: true, body: '{"seq":1,"dev":"d1"}' }]);
    // Clear the retained message.
    await c.publishAsync(`${base}/d1`, '', { qos: 1, retain: true });
    await c.endAsync();
  });

  test('mqtt: the last will is published when the connection drops', async () => {
    const topic = uniq('will');
    const watcher = await client(`${topic}_watch`, true);
    const wills: string[] = [];
    watcher.on('message', (_t, payload) => wills.push(payload.toString()));
    await watcher.subscribeAsync(`${topic}/will`, { qos: 1 });
    const proxy = new FaultProxy('127.0.0.1', 1883);
    await proxy.start();
    const consumer = await runStream(
      {
        http: { enabled: false },
        input: { mqtt: { urls: [`tcp://127.0.0.1:${proxy.port}`], client_id: `${topic}_c`, topics: [topic], will: { enabled: true, qos: 1, topic: `${topic}/will`, payload: 'gone' } } },
        output: { drop: {} },
      },
      { logger: silentLogger },
    );
    await waitFor(() => consumer.stream.ready, 5000, 'the input to connect');
    proxy.reset();
    await waitFor(() => wills.length > 0, 10_000, 'the will message');
    assert.deepEqual(wills, ['gone']);
    await consumer.stop();
    await proxy.stop();
    await watcher.endAsync();
  });

  test('mqtt: reconnects after the connection is reset, nothing lost', async () => {
    const topic = uniq('reconnect');
    const id = `${topic}_c`;
    await createSession(id, topic);
    const proxy = new FaultProxy('127.0.0.1', 1883);
    await proxy.start();
    const via = `tcp://127.0.0.1:${proxy.port}`;
    const sink = new TestSink();
    sinks.set(topic, sink);
    const consumer = await runStream(
      { http: { enabled: false }, input: { mqtt: { urls: [via], client_id: id, clean_session: false, topics: [topic], qos: 1 } }, output: { test_sink: { id: topic } } },
      { logger: silentLogger },
    );
    await publish(topic, 100);
    await waitFor(() => sink.delivered.length >= 100, 10_000, 'first 100');
    const before = proxy.connections;
    proxy.reset();
    // The output goes through the proxy too, and is reset in the middle of its writes.
    const producer = await runStream(
      { http: { enabled: false }, input: { generate: { count: 100, interval: '', mapping: 'root.seq = counter() + 100' } }, output: { mqtt: { urls: [via], topic, qos: 1 } } },
      { logger: silentLogger },
    );
    await waitFor(() => new Set(sink.delivered.map(seqOf)).size >= 150, 20_000, 'half of the second batch');
    proxy.reset();
    assert.equal(await producer.done, 0);
    await waitFor(() => new Set(sink.delivered.map(seqOf)).size >= 200, 20_000, 'all 200 after the resets');
    assert.ok(proxy.connections > before + 1, 'both sides reconnected');
    await consumer.stop();
    await proxy.stop();
    await dropSession(id);
  });

  test('mqtt: an unreachable broker gives a clear error without the password, and /ready says 503', async () => {
    const port = await deadPort();
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const h = await runStream(
      { http: { enabled: false }, input: { mqtt: { urls: [`tcp://bob:secretpw@127.0.0.1:${port}`], topics: ['x'], password: 'otherpw', connect_timeout: '1s' } }, output: { drop: {} } },
      { logger },
    );
    await waitFor(() => errors.length > 0, 10_000, 'a connection error');
    assert.equal(h.stream.ready, false);
    assert.match(errors[0]!, new RegExp(`mqtt: failed to connect to tcp://bob:(?:xxxxx|!!!SECRET_SCRUBBED!!!)@127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    assert.ok(!errors.join('\n').includes('secretpw') && !errors.join('\n').includes('otherpw'), 'no password shows');
    await h.stop();
  });

  test('mqtt: a persistent session without a client id is refused with a clear error', async () => {
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const h = await runStream({ http: { enabled: false }, input: { mqtt: { urls: [URL], client_id: '', clean_session: false, topics: ['x'] } }, output: { drop: {} } }, { logger });
    await waitFor(() => errors.length > 0, 10_000, 'a connection error');
    assert.match(errors[0]!, /mqtt: failed to connect to tcp:\/\/127\.0\.0\.1:1883: Missing clientId for unclean clients/);
    assert.equal(h.stream.ready, false);
    await h.stop();
  });
}
