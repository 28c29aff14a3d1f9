/**
 * The fault-suite harness itself: payloads, the checker's counts, fault points, the dashboard
 * fold, and private brokers surviving a kill. The fault tests trust these, so they are tested
 * here, in the default suite (fast, no shared broker).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { makePayload, parsePayload, newRunId, generatePayloads } from './payload.js';
import { check } from './checker.js';
import { faultPoints, seededRandom } from './process.js';
import { buildDashboard } from './report.js';
import { redisServer, natsServer, brokerBinaryMissing } from './brokers.js';
import { createJetStream, preloadJetStream, jetStreamConsumerState } from './sources.js';

test('payloads are exactly the requested size, distinct per seq, and verify', () => {
  const run = newRunId();
  const a = makePayload(run, 7);
  const b = makePayload(run, 8);
  assert.equal(Buffer.byteLength(a), 1024);
  assert.equal(Buffer.byteLength(makePayload(run, 123456, 4096)), 4096);
  const pa = parsePayload(a);
  assert.ok(pa.ok && pa.shaOk);
  assert.deepEqual(pa.ok && [pa.payload.run, pa.payload.seq, pa.payload.key], [run, 7, 'k7']);
  const pb = parsePayload(b);
  assert.ok(pb.ok && pa.ok && pb.payload.pad !== pa.payload.pad, 'pads differ between messages');
  // A pad swapped in from another message, a flipped byte, or garbage is caught.
  const swapped = a.replace(/"pad":"[^"]*"/, `"pad":"${pb.ok ? pb.payload.pad : ''}"`);
  assert.equal(parsePayload(swapped).ok && (parsePayload(swapped) as { shaOk: boolean }).shaOk, false);
  const flipped = a.slice(0, -3) + (a.at(-3) === 'a' ? 'b' : 'a') + a.slice(-2);
  assert.equal((parsePayload(flipped) as { shaOk: boolean }).shaOk, false);
  assert.equal(parsePayload('{"run":1}').ok, false);
  assert.equal(parsePayload('not json').ok, false);
  assert.equal([...generatePayloads(run, 3, 200, 10)].map((p) => p.seq).join(), '10,11,12');
});

test('the checker counts lost, dup, unexpected, recovered, corrupt and reorder', () => {
  const run = newRunId();
  const body = (seq: number, r = run): string => makePayload(r, seq, 300);
  const received = [
    body(0),
    body(2),
    body(2), // dup
    body(2), // dup
    body(1), // key k1: no inversion (first of its key)
    body(17), // key k1
    body(1), // dup, and a k1 inversion (1 after 17)
    body(5), // unknown publish that arrived: recovered
    body(6), // failed publish that arrived: unexpected
    body(99), // never sent: unexpected
    body(3, newRunId()), // another run: unexpected
    body(4).replace('"seq":4', '"seq":40'), // key no longer matches the seq: corrupt
    '{"truncated', // corrupt
  ];
  const r = check({ run, acked: [0, 1, 2, 3, 4, 17], unknown: [5], failed: [6], received });
  assert.equal(r.received, received.length);
  assert.equal(r.expected, 6);
  assert.deepEqual(r.lostSeqs.sort((a, b) => a - b), [3, 4]);
  assert.equal(r.lost, 2);
  assert.equal(r.dup, 3);
  assert.equal(r.maxCopies, 3);
  assert.equal(r.unexpected, 3);
  assert.equal(r.recovered, 1);
  assert.equal(r.corrupt, 2);
  assert.equal(r.reorder, 1);
  assert.equal(r.unique, 5); // 0, 1, 2, 17, 5
  // expect(): acked messages the pipeline drops on purpose are neither expected nor allowed.
  const f = check({ run, acked: [0, 1, 2, 3], received: [body(0), body(2), body(3)], expect: (s) => s % 2 === 0 });
  assert.deepEqual([f.expected, f.lost, f.unexpected], [2, 0, 1]);
});

test('fault points fall in [10%, 90%] of N, ascending, one per slice, reproducible by seed', () => {
  for (const seed of [1, 2, 3, 99]) {
    const pts = faultPoints(10_000, 5, seededRandom(seed));
    assert.equal(pts.length, 5);
    for (let i = 0; i < pts.length; i++) {
      assert.ok(pts[i]! >= 1000 + 1600 * i && pts[i]! < 1000 + 1600 * (i + 1), `point ${i} = ${pts[i]} in its slice`);
    }
    assert.deepEqual(faultPoints(10_000, 5, seededRandom(seed)), pts);
  }
  assert.notDeepEqual(faultPoints(10_000, 3, seededRandom(1)), faultPoints(10_000, 3, seededRandom(2)));
});

test('the dashboard folds records per figure: sums, maxima, "of" totals, any failure fails the line', () => {
  const lines = buildDashboard([
    { figure: 'kill_lost', test: 'A', value: 0, of: 100, pass: true },
    { figure: 'kill_lost', test: 'B', value: 2, of: 50, pass: false },
    { figure: 'kill_dup_per_w', test: 'A', value: 0.25, pass: true },
    { figure: 'kill_dup_per_w', test: 'B', value: 0.5, pass: true },
    { figure: 'custom_thing', test: 'C', value: 3, pass: true, note: 'n' },
  ]);
  assert.deepEqual(
    lines.map((l) => [l.figure, l.measured, l.pass]),
    [
      ['kill_lost', '2 of 150', false],
      ['kill_dup_per_w', '0.50', true],
      ['custom_thing', '3', true],
    ],
  );
  assert.deepEqual(lines[0]!.tests, ['A', 'B']);
});

test('a private redis-server keeps acknowledged writes across SIGKILL and restarts on its port', { skip: brokerBinaryMissing('redis'), timeout: 30_000 }, async () => {
  const b = redisServer();
  try {
    await b.start();
    const port = b.port;
    const r = new Redis(b.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    await r.connect();
    await r.xadd('s', '*', 'body', 'x');
    r.disconnect();
    b.pause();
    b.resume();
    await b.kill();
    assert.equal(b.running, false);
    await b.start();
    assert.equal(b.port, port);
    const r2 = new Redis(b.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await r2.connect();
    assert.equal(await r2.xlen('s'), 1);
    r2.disconnect();
  } finally {
    await b.dispose();
  }
});

test('a private nats-server -js keeps its stream across SIGKILL', { skip: brokerBinaryMissing('nats'), timeout: 30_000 }, async () => {
  const b = natsServer();
  try {
    await b.start();
    await createJetStream(b.url, 'harness', ['harness']);
    const res = await preloadJetStream(b.url, 'harness', { run: newRunId(), n: 10, sizeBytes: 200 });
    assert.equal(res.acked.length, 10);
    await b.kill();
    await b.start();
    const { connect } = await import('@nats-io/transport-node');
    const { jetstreamManager } = await import('@nats-io/jetstream');
    const nc = await connect({ servers: b.url });
    try {
      const jsm = await jetstreamManager(nc);
      assert.equal((await jsm.streams.info('harness')).state.messages, 10);
      await jsm.consumers.add('harness', { durable_name: 'd', ack_policy: 'explicit' as never });
    } finally {
      await nc.close();
    }
    assert.equal((await jetStreamConsumerState(b.url, 'harness', 'd')).numPending, 10);
  } finally {
    await b.dispose();
  }
});
