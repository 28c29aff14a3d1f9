/**
 * RELIABILITY.md F3: kill/restart with JetStream and Redis Streams sources, 5 × SIGKILL in the full
 * tier (1 in smoke). Two runs:
 * - a private `nats-server -js` (durable consumer, AckExplicit, max_ack_pending W = 500) →
 *   MariaDB table without a unique key; at the end num_ack_pending = 0 and nothing pending;
 * - Redis Streams (consumer group, XREADGROUP limit W = 500) → RabbitMQ with publisher confirms,
 *   read by a verifier consumer; at the end the group's pending-entries list is empty.
 * Restarts alternate between the same consumer name and a new one (the smoke tier's single
 * restart uses a new one, the harder case): for Redis a new `client_id` strands the old
 * consumer's pending entries unless they are claimed (XAUTOCLAIM after claim_min_idle); for
 * JetStream the durable is the consumer, so a new client connection under the same durable.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { requireService } from '../../../src/testing/services.js';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { describeCheck } from '../../../src/testing/faults/checker.js';
import { tier, runSeed } from '../../../src/testing/faults/process.js';
import { natsServer, brokerBinaryMissing, type PrivateBroker } from '../../../src/testing/faults/brokers.js';
import {
  createJetStream,
  preloadJetStream,
  jetStreamConsumerState,
  preloadRedisStream,
  redisGroupState,
  deleteRedisKeys,
  deleteRabbitQueue,
  REDIS_URL,
  RABBIT_URL,
} from '../../../src/testing/faults/sources.js';
import { MysqlSink, MYSQL_DSN, RabbitVerifierSink } from '../../../src/testing/faults/sinks.js';
import { runKillScenario } from '../../../src/testing/faults/scenario.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { pinned } from '../../../src/testing/faults/pinned.js';

const T = tier(5);
/**
 * After a SIGKILL the dead client's unacked messages fill max_ack_pending until ack_wait expires,
 * so JetStream cannot deliver anything new before then: resume time ≈ ack_wait. 10 s is well
 * above the worst processing time here and keeps that wait short.
 */
const ACK_WAIT_S = 10;
const ACK_WAIT = `${ACK_WAIT_S}s`;
const seed = runSeed();
const tag = `${process.pid}_${Date.now().toString(36)}`;
/** Fault i restarts under a new consumer name when this holds (smoke: its only restart). */
const newNameAt = (i: number): boolean => (T.kills === 1 ? true : i % 2 === 1);

let nats: PrivateBroker | undefined;
after(async () => nats?.dispose());

const jsSkip = brokerBinaryMissing('nats') ?? (await requireService('mariadb', 3306));
test(`F3a private JetStream → MariaDB: ${T.kills} × SIGKILL over ${T.n} messages (seed ${seed})`, { skip: jsSkip, timeout: 15 * 60_000 }, async (t) => {
  nats = await natsServer().start();
  const stream = `fault_f3_${tag}`;
  const durable = `fault_f3_${tag}`;
  const table = `fault_f3_${tag}`;
  const run = newRunId();
  await createJetStream(nats.url, stream, [stream]);
  const preload = await preloadJetStream(nats.url, stream, { run, n: T.n });
  t.diagnostic(`preloaded ${preload.acked.length} PubAcked in ${preload.ms} ms on ${nats.url}`);
  assert.equal(preload.acked.length, T.n, 'JetStream acked every preloaded message');
  const sink = await MysqlSink.create(table);
  const config = (name: string): object => ({
    http: { enabled: false },
    logger: { level: 'info', format: 'logfmt', static_fields: { '@service': name } },
    input: { nats_jetstream: { urls: [nats!.url], subject: stream, durable, deliver: 'all', ack_wait: ACK_WAIT, max_ack_pending: pinned.W } },
    pipeline: { threads: pinned.threads, processors: [{ mapping: 'root = this' }] },
    output: {
      sql_insert: {
        driver: 'mysql',
        dsn: MYSQL_DSN,
        table,
        columns: ['seq', 'doc'],
        args_mapping: 'root = [this.seq, content().string()]',
        max_in_flight: pinned.maxInFlight,
        batching: pinned.batching,
      },
    },
  });
  try {
    const s = await runKillScenario({
      name: 'f3a',
      run,
      preload,
      sink,
      n: T.n,
      kills: T.kills,
      seed,
      signal: 'SIGKILL',
      restartDelayMs: 2000,
      log: (l) => t.diagnostic(l),
      config: config('sluice-1'),
      restartConfig: (i) => (newNameAt(i) ? config(`sluice-${i + 2}`) : undefined),
    });
    const r = s.result;
    const counts = await sink.counts();
    const cs = await jetStreamConsumerState(nats.url, stream, durable);
    const resumeMax = Math.max(0, ...s.cycles.map((c) => c.resumeMs ?? 0));
    t.diagnostic(`mysql count(*) ${counts.rows}, distinct ${counts.distinctSeqs}; consumer ${JSON.stringify(cs)}; max resume ${resumeMax} ms`);
    recordFigure({ figure: 'kill_lost', test: 'F3 jetstream→mariadb', value: r.lost, of: r.expected, pass: r.lost === 0 });
    recordFigure({ figure: 'kill_dup_per_w', test: 'F3 jetstream→mariadb', value: Math.max(...s.dupPerFault) / pinned.W, pass: s.dupPerFault.every((d) => d <= pinned.W), note: `dup per kill ${s.dupPerFault.join(', ')}, W ${pinned.W}` });
    recordFigure({ figure: 'restart_resume_jetstream_s', test: 'F3 jetstream→mariadb', value: resumeMax / 1000, pass: resumeMax <= (ACK_WAIT_S + 10) * 1000, note: `limit ack_wait ${ACK_WAIT_S} s + 10 s` });
    recordFigure({ figure: 'ack_inputs_covered', test: 'F3a', value: 1, of: 1, pass: true, note: 'nats_jetstream' });

    assert.equal(s.stalled, undefined, `the pipeline stalled: ${s.stalled}`);
    assert.equal(r.lost, 0, `lost: ${describeCheck(r)}`);
    assert.equal(r.unexpected, 0, `unexpected: ${describeCheck(r)}`);
    assert.equal(r.corrupt, 0, `corrupt: ${describeCheck(r)}`);
    assert.ok(r.dup <= T.kills * pinned.W, `duplicates ${r.dup} > ${T.kills} × W`);
    for (const [i, d] of s.dupPerFault.entries()) assert.ok(d <= pinned.W, `kill ${i + 1} caused ${d} duplicates > W = ${pinned.W}`);
    assert.equal(counts.rows - counts.distinctSeqs, r.dup, 'the SQL cross-check agrees with the checker on duplicates');
    assert.ok(resumeMax <= (ACK_WAIT_S + 10) * 1000, `consumption resumed within ack_wait + 10 s (max ${resumeMax} ms)`);
    assert.equal(cs.numAckPending, 0, 'JetStream num_ack_pending is 0 at the end');
    assert.equal(cs.numPending, 0, 'nothing is left undelivered in the stream');
    assert.equal(s.finalStop.code, 0, 'the final SIGTERM exits 0');
  } finally {
    await sink.dispose();
    await nats.dispose();
    nats = undefined;
  }
});

const rsSkip = (await requireService('redis', 6379)) ?? (await requireService('rabbitmq', 5672));
test(`F3b Redis Streams → RabbitMQ (confirms): ${T.kills} × SIGKILL over ${T.n} messages (seed ${seed})`, { skip: rsSkip, timeout: 15 * 60_000 }, async (t) => {
  const stream = `fault_f3_${tag}`;
  const group = `fault_f3_${tag}`;
  const queue = `fault_f3_out_${tag}`;
  const run = newRunId();
  await deleteRedisKeys([stream]);
  const preload = await preloadRedisStream(stream, { run, n: T.n });
  t.diagnostic(`preloaded ${preload.acked.length} XADDed in ${preload.ms} ms`);
  assert.equal(preload.acked.length, T.n);
  const sink = await RabbitVerifierSink.create(queue);
  const config = (clientId: string): object => ({
    http: { enabled: false },
    logger: { level: 'info', format: 'logfmt' },
    input: {
      redis_streams: {
        url: REDIS_URL,
        streams: [stream],
        consumer_group: group,
        client_id: clientId,
        limit: pinned.W,
        start_from_oldest: true,
        // A consumer that comes back under a new name leaves the old one's entries pending:
        // claim them soon, so the test does not wait the default minute.
        claim_min_idle: '5s',
        claim_period: '1s',
      },
    },
    pipeline: { threads: pinned.threads, processors: [{ mapping: 'root = this' }] },
    output: { amqp_0_9: { urls: [RABBIT_URL], exchange: '', key: queue, persistent: true, max_in_flight: pinned.maxInFlight } },
  });
  try {
    const s = await runKillScenario({
      name: 'f3b',
      run,
      preload,
      sink,
      n: T.n,
      kills: T.kills,
      seed,
      signal: 'SIGKILL',
      restartDelayMs: 2000,
      log: (l) => t.diagnostic(l),
      config: config('fault-c1'),
      restartConfig: (i) => (newNameAt(i) ? config(`fault-c${i + 2}`) : undefined),
    });
    const r = s.result;
    const g = await redisGroupState(stream, group);
    const resumeMax = Math.max(0, ...s.cycles.map((c) => c.resumeMs ?? 0));
    t.diagnostic(`group ${JSON.stringify(g)}; max resume ${resumeMax} ms`);
    recordFigure({ figure: 'kill_lost', test: 'F3 redis_streams→rabbitmq', value: r.lost, of: r.expected, pass: r.lost === 0 });
    recordFigure({ figure: 'kill_dup_per_w', test: 'F3 redis_streams→rabbitmq', value: Math.max(...s.dupPerFault) / pinned.W, pass: s.dupPerFault.every((d) => d <= pinned.W), note: `dup per kill ${s.dupPerFault.join(', ')}, W ${pinned.W}` });
    recordFigure({ figure: 'restart_resume_s', test: 'F3 redis_streams→rabbitmq', value: resumeMax / 1000, pass: resumeMax <= 10_000, note: 'limit 10 s' });
    recordFigure({ figure: 'ack_inputs_covered', test: 'F3b', value: 1, of: 1, pass: true, note: 'redis_streams' });

    assert.equal(s.stalled, undefined, `the pipeline stalled: ${s.stalled}`);
    assert.equal(r.lost, 0, `lost: ${describeCheck(r)}`);
    assert.equal(r.unexpected, 0, `unexpected: ${describeCheck(r)}`);
    assert.equal(r.corrupt, 0, `corrupt: ${describeCheck(r)}`);
    assert.ok(r.dup <= T.kills * pinned.W, `duplicates ${r.dup} > ${T.kills} × W`);
    for (const [i, d] of s.dupPerFault.entries()) assert.ok(d <= pinned.W, `kill ${i + 1} caused ${d} duplicates > W = ${pinned.W}`);
    assert.ok(resumeMax <= 10_000, `consumption resumed within 10 s (max ${resumeMax} ms)`);
    assert.equal(g.pending, 0, 'the pending-entries list is empty at the end (no stranded entries)');
    assert.equal(s.finalStop.code, 0, 'the final SIGTERM exits 0');
  } finally {
    await sink.dispose();
    await deleteRedisKeys([stream]).catch(() => {});
    await deleteRabbitQueue(queue).catch(() => {});
  }
});
