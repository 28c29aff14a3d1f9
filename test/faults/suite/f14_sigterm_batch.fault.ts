/**
 * RELIABILITY.md F14: SIGTERM during a batch. Kafka (librdkafka mock, one partition used,
 * checkpoint_limit 1000) → sql_insert into PostgreSQL with `batching: { count: 1000 }`.
 * (a) The 1000-row insert is in flight (a statement trigger sleeps 3 s) when SIGTERM arrives:
 *     the write completes, offsets are committed, exit 0 within 5 s, and a restart adds the rest
 *     with 0 duplicates.
 * (b) 999 messages sit in a partial batch (`period: 60s`): SIGTERM flushes it at once; exit 0
 *     within 2 s, 999 rows, and a restart writes nothing again (we differ from Benthos here,
 *     connect#1001).
 * (c) The output is blackholed when SIGTERM arrives (`shutdown_timeout: 5s`): forced exit with a
 *     non-zero code within 7 s; nothing unwritten was acked: after a restart with the output
 *     healthy, lost 0 and duplicates ≤ 1000.
 * (d) A second signal (SIGINT) during such a blocked drain exits at once (≤ 1 s).
 *
 * Message counts are the scenario's (3,000 or 999), not the tier's N: each case is about one batch.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { requireService } from '../../../src/testing/services.js';
import { requireKcat, startKafkaMock, type KafkaMock } from '../../../src/testing/kafka_mock.js';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { check, describeCheck } from '../../../src/testing/faults/checker.js';
import { SluiceProcess } from '../../../src/testing/faults/process.js';
import { preloadKafka, kafkaCommitted } from '../../../src/testing/faults/sources.js';
import { PostgresSink, settle } from '../../../src/testing/faults/sinks.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { FaultProxy } from '../../../src/testing/fault_proxy.js';
import { freePort, scrapeSum, sleep, waitForHttp, waitUntil } from './faultout_support.js';

const skip = (await requireService('postgres', 5432)) ?? requireKcat();
const BATCH = 1000;
let mock: KafkaMock | undefined;
after(async () => mock?.stop());

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

interface Case {
  tag: string;
  topic: string;
  table: string;
  group: string;
  run: string;
  acked: number[];
  sink: PostgresSink;
  port: number;
}

async function setup(name: string, n: number): Promise<Case> {
  mock ??= await startKafkaMock({ brokers: 1 });
  const tag = `${name}_${process.pid}_${Date.now().toString(36)}`;
  const run = newRunId();
  const topic = `faultout_f14${tag}`;
  const preload = await preloadKafka(mock.brokers, topic, { run, n, sizeBytes: 512 });
  assert.equal(preload.acked.length, n);
  const sink = await PostgresSink.create(`faultout_f14${tag}`);
  return { tag, topic, table: sink.table, group: `faultout_f14${tag}`, run, acked: preload.acked, sink, port: await freePort() };
}

function config(c: Case, opts: { dsnPort?: number; period?: string; shutdownTimeout?: string } = {}): object {
  return {
    http: { enabled: true, address: `127.0.0.1:${c.port}` },
    logger: { level: 'info', format: 'logfmt' },
    shutdown_timeout: opts.shutdownTimeout ?? '20s',
    input: {
      kafka: {
        addresses: mock!.brokers,
        topics: [c.topic],
        consumer_group: c.group,
        checkpoint_limit: BATCH,
        start_from_oldest: true,
        commit_period: '100ms',
        group: { session_timeout: '6s', heartbeat_interval: '1s' },
      },
    },
    pipeline: { threads: 2, processors: [] },
    output: {
      sql_insert: {
        driver: 'postgres',
        dsn: `postgres://postgres@127.0.0.1:${opts.dsnPort ?? 5432}/test?sslmode=disable&connect_timeout=10`,
        table: c.table,
        columns: ['seq', 'doc'],
        args_mapping: 'root = [this.seq, content().string()]',
        max_in_flight: 1,
        batching: { count: BATCH, period: opts.period ?? '60s' },
      },
    },
  };
}

/** Restart on the same group and wait until the table holds every acked message. */
async function restartAndDrain(proc: SluiceProcess, c: Case, total: number): Promise<void> {
  proc.restart();
  await waitForHttp(proc, c.port);
  await waitUntil(async () => (await c.sink.progress()) >= total, 60_000, `restart: all ${total} rows`, proc);
  // A partial last batch waits for its period: the final SIGTERM flushes it.
}

test('F14a: SIGTERM while a 1000-row insert is in flight: the write completes, exit 0 ≤ 5 s, 0 duplicates after restart', { skip, timeout: 180_000 }, async (t) => {
  const c = await setup('a', 3 * BATCH);
  await admin(async (db) => {
    await db.query(`CREATE OR REPLACE FUNCTION ${c.table}_slow() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(3); RETURN NULL; END $$ LANGUAGE plpgsql`);
    await db.query(`CREATE TRIGGER ${c.table}_slow BEFORE INSERT ON ${c.table} FOR EACH STATEMENT EXECUTE FUNCTION ${c.table}_slow()`);
  });
  const proc = SluiceProcess.start({ name: 'faultout-f14a', config: config(c) });
  try {
    await waitForHttp(proc, c.port);
    // The insert is in flight once PostgreSQL runs it.
    await waitUntil(
      () => admin(async (db) => (await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query ILIKE $1`, [`INSERT INTO ${c.table}%`])).rows[0].n > 0),
      30_000,
      'F14a: insert in flight',
      proc,
    );
    const exit = await proc.stop('SIGTERM', 20_000);
    const rows = await c.sink.progress();
    const committed = await kafkaCommitted(mock!.brokers, c.topic, c.group);
    const first = check({ run: c.run, acked: c.acked, received: await c.sink.drain() });
    t.diagnostic(`F14a: exit ${exit.code} after ${exit.durationMs} ms; ${rows} rows (unique ${first.unique}, max seq ${Math.max(...(await c.sink.drain()).map((d) => Number(/"seq":(\d+)/.exec(d)?.[1])))}); committed offset ${committed}`);
    assert.equal(exit.code, 0);
    assert.ok(exit.durationMs <= 5000, `shutdown took ${exit.durationMs} ms`);
    assert.ok(rows >= BATCH, `the in-flight batch was written (${rows} rows)`);
    assert.equal(committed, rows, 'offsets committed for exactly what was written');
    await admin((db) => db.query(`DROP TRIGGER ${c.table}_slow ON ${c.table}`));
    await restartAndDrain(proc, c, c.acked.length);
    const exit2 = await proc.stop('SIGTERM', 20_000);
    await settle(c.sink, c.acked.length, { quietMs: 500 });
    const r = check({ run: c.run, acked: c.acked, received: await c.sink.drain() });
    t.diagnostic(`F14a after restart: ${describeCheck(r)}`);
    recordFigure({ figure: 'sigterm_dup', test: 'F14a insert in flight', value: r.dup, pass: r.dup === 0 });
    recordFigure({ figure: 'F14a shutdown with a 3 s insert in flight (s), limit 5', test: 'F14a', value: exit.durationMs / 1000, pass: exit.durationMs <= 5000 });
    assert.equal(r.lost, 0, describeCheck(r));
    assert.equal(r.dup, 0, describeCheck(r));
    assert.equal(exit2.code, 0);
  } finally {
    await proc.dispose();
    await admin((db) => db.query(`DROP FUNCTION IF EXISTS ${c.table}_slow() CASCADE`)).catch(() => {});
    await c.sink.dispose();
  }
});

test('F14b: SIGTERM with 999 messages in a partial batch (period 60s): flushed at once, exit 0 ≤ 2 s, 999 rows, 0 duplicates after restart', { skip, timeout: 180_000 }, async (t) => {
  const c = await setup('b', BATCH - 1);
  const proc = SluiceProcess.start({ name: 'faultout-f14b', config: config(c) });
  try {
    await waitForHttp(proc, c.port);
    await waitUntil(async () => ((await scrapeSum(c.port, 'input_received')) ?? 0) >= BATCH - 1, 30_000, 'F14b: 999 messages read', proc);
    assert.equal(await c.sink.progress(), 0, 'nothing written before the period');
    const exit = await proc.stop('SIGTERM', 20_000);
    const rows = await c.sink.progress();
    t.diagnostic(`F14b: exit ${exit.code} after ${exit.durationMs} ms; ${rows} rows`);
    assert.equal(exit.code, 0);
    assert.ok(exit.durationMs <= 2000, `shutdown took ${exit.durationMs} ms`);
    assert.equal(rows, BATCH - 1);
    // Restart: the committed offsets cover all 999, so nothing comes again.
    proc.restart();
    await waitForHttp(proc, c.port);
    await sleep(8000); // session timeout (6 s) + a margin: long enough for a redelivery to show
    const exit2 = await proc.stop('SIGTERM', 20_000);
    const r = check({ run: c.run, acked: c.acked, received: await c.sink.drain() });
    t.diagnostic(`F14b after restart: ${describeCheck(r)}`);
    recordFigure({ figure: 'sigterm_dup', test: 'F14b partial batch', value: r.dup, pass: r.dup === 0 });
    recordFigure({ figure: 'shutdown_unblocked_s', test: 'F14b partial batch', value: exit.durationMs / 1000, pass: exit.durationMs <= 2000 });
    assert.equal(r.lost, 0, describeCheck(r));
    assert.equal(r.dup, 0, describeCheck(r));
    assert.equal(exit2.code, 0);
  } finally {
    await proc.dispose();
    await c.sink.dispose();
  }
});

for (const variant of ['c', 'd'] as const) {
  const title =
    variant === 'c'
      ? 'F14c: SIGTERM with the output blackholed (shutdown_timeout 5s): forced non-zero exit ≤ 7 s; restart: lost 0, duplicates ≤ 1000'
      : 'F14d: a second signal during a blocked drain exits at once';
  test(title, { skip, timeout: 180_000 }, async (t) => {
    const c = await setup(variant, 3 * BATCH);
    const proxy = new FaultProxy('127.0.0.1', 5432);
    await proxy.start();
    const proc = SluiceProcess.start({ name: `faultout-f14${variant}`, config: config(c, { dsnPort: proxy.port, period: '1s', shutdownTimeout: '5s' }) });
    try {
      await waitForHttp(proc, c.port);
      await waitUntil(async () => (await c.sink.progress()) >= BATCH, 30_000, `F14${variant}: first batch written`, proc);
      proxy.blackhole({ keepOpen: true });
      // Let the next batch reach the dead connection.
      await sleep(1500);
      proc.signal('SIGTERM');
      let exit;
      if (variant === 'd') {
        await sleep(500);
        const second = Date.now();
        proc.signal('SIGINT');
        exit = await proc.waitExit(20_000);
        const afterSecond = exit.at - second;
        t.diagnostic(`F14d: exit ${exit.code} ${afterSecond} ms after the second signal`);
        recordFigure({ figure: 'F14d exit after a second signal (s)', test: 'F14d', value: afterSecond / 1000, pass: afterSecond <= 1000 });
        assert.ok(afterSecond <= 1000, `exit took ${afterSecond} ms after the second signal`);
      } else {
        exit = await proc.waitExit(20_000);
        t.diagnostic(`F14c: exit ${exit.code} after ${exit.durationMs} ms`);
        recordFigure({ figure: 'shutdown_blocked_s', test: 'F14c output blackholed', value: exit.durationMs / 1000, pass: exit.durationMs <= 7000 && exit.code !== 0, note: 'shutdown_timeout 5 s' });
        assert.ok(exit.durationMs <= 7000, `forced shutdown took ${exit.durationMs} ms`);
      }
      assert.notEqual(exit.code, 0, 'a forced shutdown exits non-zero');
      const committed = await kafkaCommitted(mock!.brokers, c.topic, c.group);
      const written = await c.sink.progress();
      t.diagnostic(`F14${variant}: committed offset ${committed}, rows ${written}`);
      assert.ok(committed <= written, `offset ${committed} committed past what was written (${written})`);
      await proxy.pass();
      await restartAndDrain(proc, c, c.acked.length);
      const exit2 = await proc.stop('SIGTERM', 20_000);
      await settle(c.sink, c.acked.length, { quietMs: 500 });
      const r = check({ run: c.run, acked: c.acked, received: await c.sink.drain() });
      t.diagnostic(`F14${variant} after restart: ${describeCheck(r)}`);
      assert.equal(r.lost, 0, describeCheck(r));
      assert.ok(r.dup <= BATCH, describeCheck(r));
      assert.equal(exit2.code, 0);
    } finally {
      await proc.dispose();
      await proxy.stop();
      await c.sink.dispose();
    }
  });
}
