/**
 * RELIABILITY.md F4: a clean bounce gives 0 duplicates. The F1 (RabbitMQ → PostgreSQL) and F2
 * (Kafka mock → Redis stream) pipelines at 2,000 msg/s (a local rate limit), SIGTERM mid-stream
 * at seeded points (3 in the full tier, 1 in smoke), restart each time. Pass: lost 0 and
 * duplicates 0; every exit code 0; every shutdown ≤ 2 s; no "forcing shutdown" log line.
 * Beyond the plan, the same for the F3 sources (private JetStream → MariaDB, Redis Streams →
 * RabbitMQ): a clean stop must hand every ack to its broker before closing, whatever the broker.
 */
import { test, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { requireService } from '../../../src/testing/services.js';
import { requireKcat, startKafkaMock, type KafkaMock } from '../../../src/testing/kafka_mock.js';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { describeCheck } from '../../../src/testing/faults/checker.js';
import { tier, runSeed } from '../../../src/testing/faults/process.js';
import {
  preloadRabbit,
  resetRabbitQueue,
  rabbitQueueState,
  deleteRabbitQueue,
  feedKafka,
  kafkaCommitted,
  createJetStream,
  preloadJetStream,
  jetStreamConsumerState,
  preloadRedisStream,
  redisGroupState,
  deleteRedisKeys,
  RABBIT_URL,
  REDIS_URL,
} from '../../../src/testing/faults/sources.js';
import { natsServer, brokerBinaryMissing, type PrivateBroker } from '../../../src/testing/faults/brokers.js';
import { PostgresSink, PG_DSN, RedisStreamSink, MysqlSink, MYSQL_DSN, RabbitVerifierSink } from '../../../src/testing/faults/sinks.js';
import { runKillScenario, type KillScenarioResult } from '../../../src/testing/faults/scenario.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { pinned } from '../../../src/testing/faults/pinned.js';

const T = tier(3);
const seed = runSeed();
const tag = `${process.pid}_${Date.now().toString(36)}`;
const SHUTDOWN_LIMIT_MS = 2000;
/** A "forced" shutdown (timeout hit, second signal) must not happen on a clean bounce. */
const FORCED = /forc(ed|ing) shutdown|shutdown forced/i;

/** 2,000 msg/s through a local rate limit in front of the pipeline. */
const throttled = {
  rate_limit_resources: [{ label: 'fault_f4_rate', local: { count: 200, interval: '100ms' } }],
  processors: [{ rate_limit: { resource: 'fault_f4_rate' } }, { mapping: 'root = this' }],
};

function assertBounces(t: TestContext, label: string, s: KillScenarioResult): void {
  const r = s.result;
  const shutdownMax = Math.max(0, ...s.cycles.map((c) => c.exit.durationMs));
  for (const c of s.cycles) t.diagnostic(`${label}: SIGTERM at ${c.atProgress} → code ${c.exit.code} in ${c.exit.durationMs} ms`);
  recordFigure({ figure: 'sigterm_dup', test: `F4 ${label}`, value: r.dup, pass: r.dup === 0, note: `${T.kills} bounce(s)` });
  recordFigure({ figure: 'shutdown_unblocked_s', test: `F4 ${label}`, value: shutdownMax / 1000, pass: shutdownMax <= SHUTDOWN_LIMIT_MS });
  recordFigure({ figure: 'sigterm_lost', test: `F4 ${label}`, value: r.lost, of: r.expected, pass: r.lost === 0 });
  assert.equal(s.stalled, undefined, `the pipeline stalled: ${s.stalled}`);
  assert.equal(r.lost, 0, `lost: ${describeCheck(r)}`);
  assert.equal(r.dup, 0, `duplicates after clean bounces: ${describeCheck(r)}`);
  assert.equal(r.unexpected, 0, `unexpected: ${describeCheck(r)}`);
  assert.equal(r.corrupt, 0, `corrupt: ${describeCheck(r)}`);
  for (const c of s.cycles) {
    assert.equal(c.exit.code, 0, `SIGTERM at ${c.atProgress} exits 0 (got ${c.exit.code}/${c.exit.signal}); log tail:\n${c.logs.slice(-2000)}`);
    assert.ok(c.exit.durationMs <= SHUTDOWN_LIMIT_MS, `shutdown at ${c.atProgress} took ${c.exit.durationMs} ms > ${SHUTDOWN_LIMIT_MS}`);
    assert.doesNotMatch(c.logs, FORCED, 'no forced shutdown');
  }
  assert.equal(s.finalStop.code, 0);
}

const rabbitSkip = (await requireService('rabbitmq', 5672)) ?? (await requireService('postgres', 5432));
test(`F4 SIGTERM bounces, RabbitMQ → PostgreSQL at 2k msg/s: ${T.kills} bounce(s) over ${T.n} messages (seed ${seed})`, { skip: rabbitSkip, timeout: 15 * 60_000 }, async (t) => {
  const queue = `fault_f4_${tag}`;
  const table = `fault_f4_${tag}`;
  const run = newRunId();
  await resetRabbitQueue(queue);
  const preload = await preloadRabbit(queue, { run, n: T.n });
  assert.equal(preload.acked.length, T.n);
  const sink = await PostgresSink.create(table);
  try {
    const s = await runKillScenario({
      name: 'f4a',
      run,
      preload,
      sink,
      n: T.n,
      kills: T.kills,
      seed,
      signal: 'SIGTERM',
      restartDelayMs: 500,
      log: (l) => t.diagnostic(l),
      config: {
        http: { enabled: false },
        logger: { level: 'info', format: 'logfmt' },
        rate_limit_resources: throttled.rate_limit_resources,
        input: { amqp_0_9: { urls: [RABBIT_URL], queue, prefetch_count: pinned.W } },
        pipeline: { threads: pinned.threads, processors: throttled.processors },
        output: {
          sql_insert: { driver: 'postgres', dsn: PG_DSN, table, columns: ['seq', 'doc'], args_mapping: 'root = [this.seq, content().string()]', max_in_flight: pinned.maxInFlight, batching: pinned.batching },
        },
      },
    });
    assertBounces(t, 'rabbitmq→postgres', s);
    assert.equal((await rabbitQueueState(queue)).messages, 0, 'the queue is empty at the end');
  } finally {
    await sink.dispose();
    await deleteRabbitQueue(queue).catch(() => {});
  }
});

let mock: KafkaMock | undefined;
after(async () => mock?.stop());
const kafkaSkip = requireKcat() ?? (await requireService('redis', 6379));
test(`F4 SIGTERM bounces, Kafka mock → Redis stream at 2k msg/s: ${T.kills} bounce(s) over ${T.n} messages (seed ${seed})`, { skip: kafkaSkip, timeout: 15 * 60_000 }, async (t) => {
  mock = await startKafkaMock({ brokers: 1 });
  const topic = `fault_f4_${tag}`;
  const group = `fault_f4_${tag}`;
  const run = newRunId();
  const sink = await RedisStreamSink.create(topic);
  const feed = feedKafka(mock.brokers, topic, { run, n: T.n, group });
  try {
    const s = await runKillScenario({
      name: 'f4b',
      run,
      preload: feed.result,
      feeding: feed.done,
      expectedCount: T.n,
      sink,
      n: T.n,
      kills: T.kills,
      seed,
      signal: 'SIGTERM',
      restartDelayMs: 500,
      resumeTimeoutMs: 60_000,
      log: (l) => t.diagnostic(l),
      config: {
        http: { enabled: false },
        logger: { level: 'info', format: 'logfmt' },
        rate_limit_resources: throttled.rate_limit_resources,
        input: {
          kafka: {
            addresses: mock.brokers,
            topics: [topic],
            consumer_group: group,
            checkpoint_limit: pinned.W,
            start_from_oldest: true,
            group: { session_timeout: '6s', heartbeat_interval: '1s' },
          },
        },
        pipeline: { threads: pinned.threads, processors: throttled.processors },
        output: { redis_streams: { url: REDIS_URL, stream: topic, body_key: 'body', max_in_flight: pinned.maxInFlight, batching: pinned.batching } },
      },
    });
    assertBounces(t, 'kafka→redis', s);
    assert.equal(await kafkaCommitted(mock.brokers, topic, group), T.n, 'the committed offset at the end is N');
  } finally {
    await sink.dispose();
  }
});

let nats: PrivateBroker | undefined;
after(async () => nats?.dispose());
/**
 * A message the server sends to a pull request in the instant the input unsubscribes reaches
 * nobody and comes back only after ack_wait (seen: 1 of 10,000 on some bounces). It is not lost,
 * so the test waits past ack_wait rather than calling that a stall; the report lists the delay.
 */
const JS_ACK_WAIT_S = 10;
const jsSkip = brokerBinaryMissing('nats') ?? (await requireService('mariadb', 3306));
test(`F4 SIGTERM bounces, private JetStream → MariaDB at 2k msg/s: ${T.kills} bounce(s) over ${T.n} messages (seed ${seed})`, { skip: jsSkip, timeout: 15 * 60_000 }, async (t) => {
  nats = await natsServer().start();
  const stream = `fault_f4_${tag}`;
  const table = `fault_f4_js_${tag}`;
  const run = newRunId();
  await createJetStream(nats.url, stream, [stream]);
  const preload = await preloadJetStream(nats.url, stream, { run, n: T.n });
  assert.equal(preload.acked.length, T.n);
  const sink = await MysqlSink.create(table);
  try {
    const s = await runKillScenario({
      name: 'f4c',
      run,
      preload,
      sink,
      stallMs: (JS_ACK_WAIT_S + 15) * 1000,
      n: T.n,
      kills: T.kills,
      seed,
      signal: 'SIGTERM',
      restartDelayMs: 500,
      log: (l) => t.diagnostic(l),
      config: {
        http: { enabled: false },
        logger: { level: 'info', format: 'logfmt' },
        rate_limit_resources: throttled.rate_limit_resources,
        input: { nats_jetstream: { urls: [nats.url], subject: stream, durable: stream, deliver: 'all', ack_wait: `${JS_ACK_WAIT_S}s`, max_ack_pending: pinned.W } },
        pipeline: { threads: pinned.threads, processors: throttled.processors },
        output: {
          sql_insert: { driver: 'mysql', dsn: MYSQL_DSN, table, columns: ['seq', 'doc'], args_mapping: 'root = [this.seq, content().string()]', max_in_flight: pinned.maxInFlight, batching: pinned.batching },
        },
      },
    });
    assertBounces(t, 'jetstream→mariadb', s);
    const cs = await jetStreamConsumerState(nats.url, stream, stream);
    t.diagnostic(`consumer at the end: ${JSON.stringify(cs)}; run took ${s.totalMs} ms`);
    assert.equal(cs.numAckPending, 0, 'num_ack_pending 0 at the end');
  } finally {
    await sink.dispose();
    await nats.dispose();
    nats = undefined;
  }
});

const rsSkip = (await requireService('redis', 6379)) ?? (await requireService('rabbitmq', 5672));
test(`F4 SIGTERM bounces, Redis Streams → RabbitMQ at 2k msg/s: ${T.kills} bounce(s) over ${T.n} messages (seed ${seed})`, { skip: rsSkip, timeout: 15 * 60_000 }, async (t) => {
  const stream = `fault_f4_${tag}`;
  const queue = `fault_f4_out_${tag}`;
  const run = newRunId();
  await deleteRedisKeys([stream]);
  const preload = await preloadRedisStream(stream, { run, n: T.n });
  assert.equal(preload.acked.length, T.n);
  const sink = await RabbitVerifierSink.create(queue);
  try {
    const s = await runKillScenario({
      name: 'f4d',
      run,
      preload,
      sink,
      n: T.n,
      kills: T.kills,
      seed,
      signal: 'SIGTERM',
      restartDelayMs: 500,
      log: (l) => t.diagnostic(l),
      config: {
        http: { enabled: false },
        logger: { level: 'info', format: 'logfmt' },
        rate_limit_resources: throttled.rate_limit_resources,
        input: { redis_streams: { url: REDIS_URL, streams: [stream], consumer_group: stream, client_id: 'fault-f4', limit: pinned.W, start_from_oldest: true } },
        pipeline: { threads: pinned.threads, processors: throttled.processors },
        output: { amqp_0_9: { urls: [RABBIT_URL], exchange: '', key: queue, persistent: true, max_in_flight: pinned.maxInFlight } },
      },
    });
    assertBounces(t, 'redis_streams→rabbitmq', s);
    assert.equal((await redisGroupState(stream, stream)).pending, 0, 'the pending-entries list is empty');
  } finally {
    await sink.dispose();
    await deleteRedisKeys([stream]).catch(() => {});
    await deleteRabbitQueue(queue).catch(() => {});
  }
});
