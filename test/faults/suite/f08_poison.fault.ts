/**
 * RELIABILITY.md F8: permanent rejection (poison messages). PostgreSQL sink whose CHECK
 * constraint rejects `seq % 1000 = 7` (N/1000 poison messages), fed from a RabbitMQ queue.
 *
 * Default config: the pipeline halts at the first poison message (the design: nothing is dropped
 * silently). The process stays alive, the failing write is retried with exponential backoff
 * (the interval grows towards max_backoff instead of hammering the database), /ready stays 200
 * (both ends connected: it is the data that fails, not a connection), and SIGTERM still exits
 * within shutdown_timeout + 2 s.
 *
 * DLQ config (documented in docs: `fallback` to a dead-letter table carrying `fallback_error`):
 * the main table gets every good message, the DLQ exactly the poison ones, each with its error;
 * lost 0. Writes are unbatched so that a poison message takes only itself to the DLQ (a batch
 * goes to the fallback whole, as in Benthos).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { requireService } from '../../../src/testing/services.js';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { check, describeCheck } from '../../../src/testing/faults/checker.js';
import { SluiceProcess, tier } from '../../../src/testing/faults/process.js';
import { preloadRabbit, resetRabbitQueue, rabbitQueueState, deleteRabbitQueue, RABBIT_URL } from '../../../src/testing/faults/sources.js';
import { PostgresSink, PG_DSN, settle } from '../../../src/testing/faults/sinks.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { pinned } from '../../../src/testing/faults/pinned.js';
import { fetchText } from '../../../src/testing/faults/samplers.js';
import { freePort, sleep, waitForHttp, waitUntil } from './faultout_support.js';

const skip = (await requireService('rabbitmq', 5672)) ?? (await requireService('postgres', 5432));
const T = tier();
const isPoison = (seq: number): boolean => seq % 1000 === 7;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function poisonTable(sink: PostgresSink): Promise<void> {
  await admin((db) => db.query(`ALTER TABLE ${sink.table} ADD CONSTRAINT ${sink.table}_no_poison CHECK (seq % 1000 <> 7)`));
}

test('F8 default config: a poison message halts the pipeline; alive, backing off, /ready consistent, SIGTERM in time', { skip, timeout: 180_000 }, async (t) => {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const queue = `faultout_f8a_${tag}`;
  const run = newRunId();
  await resetRabbitQueue(queue);
  const preload = await preloadRabbit(queue, { run, n: 2000 });
  const sink = await PostgresSink.create(`faultout_f8a_${tag}`);
  await poisonTable(sink);
  const port = await freePort();
  const proc = SluiceProcess.start({
    name: 'faultout-f8a',
    config: {
      http: { enabled: true, address: `127.0.0.1:${port}` },
      logger: { level: 'info', format: 'logfmt' },
      shutdown_timeout: '5s',
      input: { amqp_0_9: { urls: [RABBIT_URL], queue, prefetch_count: pinned.W } },
      pipeline: { threads: pinned.threads, processors: [] },
      output: { sql_insert: { driver: 'postgres', dsn: PG_DSN, table: sink.table, columns: ['seq', 'doc'], args_mapping: 'root = [this.seq, content().string()]', max_in_flight: 1, batching: { count: 50, period: '50ms' } } },
    },
  });
  try {
    await waitForHttp(proc, port);
    const observeMs = T.name === 'smoke' ? 20_000 : 120_000;
    await sleep(observeMs);
    assert.ok(proc.running, 'sluice must stay alive');
    const rows = await sink.progress();
    const ready = await fetchText(port, '/ready');
    // Retry log lines of the batch holding seq 7: their gaps must grow (exponential backoff).
    const times = proc.currentLogs
      .split('\n')
      .filter((l) => /failed to send a batch/.test(l))
      .map((l) => Date.parse(/time=(\S+)/.exec(l)?.[1] ?? ''));
    const gaps = times.slice(1).map((x, i) => x - times[i]!);
    t.diagnostic(`F8 default: ${rows} rows written before the halt; ${times.length} retries in ${observeMs / 1000} s, gaps ${gaps.map((g) => Math.round(g)).join(',')} ms; /ready ${ready}`);
    const exit = await proc.stop('SIGTERM', 20_000);
    t.diagnostic(`F8 default: SIGTERM exit ${exit.code} after ${exit.durationMs} ms`);
    const q = await rabbitQueueState(queue);
    recordFigure({ figure: 'shutdown_blocked_s', test: 'F8 poison halt', value: exit.durationMs / 1000, pass: exit.durationMs <= 7000, note: 'shutdown_timeout 5 s' });

    assert.ok(rows < preload.acked.length, 'the pipeline halted at the poison message');
    assert.equal((await sink.drain()).filter((d) => isPoison(Number(/"seq":(\d+)/.exec(d)?.[1]))).length, 0);
    assert.ok(times.length >= 3, `the failing write is retried (${times.length} attempts)`);
    assert.ok(times.length <= Math.log2(observeMs / 100) + observeMs / 30_000 + 3, `too many attempts for exponential backoff: ${times.length}`);
    assert.ok(gaps.at(-1)! >= 4 * gaps[0]!, `backoff does not grow: ${gaps.join(',')}`);
    assert.equal(ready, 'OK', '/ready: input and output stay connected');
    assert.ok(exit.durationMs <= 7000, `SIGTERM took ${exit.durationMs} ms`);
    // Nothing unwritten was acked: what is not in the table is back in the queue.
    assert.equal(q.messages + rows, preload.acked.length, `queue ${q.messages} + table ${rows} ≠ ${preload.acked.length}`);
  } finally {
    await proc.dispose();
    await sink.dispose();
    await deleteRabbitQueue(queue).catch(() => {});
  }
});

test(`F8 DLQ config (fallback to a dead-letter table): main ${T.n - T.n / 1000}, DLQ exactly ${T.n / 1000} with errors, lost 0`, { skip, timeout: 600_000 }, async (t) => {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const queue = `faultout_f8b_${tag}`;
  const run = newRunId();
  await resetRabbitQueue(queue);
  const preload = await preloadRabbit(queue, { run, n: T.n });
  const main = await PostgresSink.create(`faultout_f8b_${tag}`);
  await poisonTable(main);
  const dlqTable = `faultout_f8b_dlq_${tag}`;
  await admin(async (db) => {
    await db.query(`DROP TABLE IF EXISTS ${dlqTable}`);
    await db.query(`CREATE TABLE ${dlqTable} (seq bigint NOT NULL, doc text NOT NULL, error text NOT NULL)`);
  });
  const insert = (table: string, columns: string[], args: string): object => ({
    sql_insert: { driver: 'postgres', dsn: PG_DSN, table, columns, args_mapping: args, max_in_flight: pinned.maxInFlight },
  });
  const proc = SluiceProcess.start({
    name: 'faultout-f8b',
    config: {
      http: { enabled: false },
      logger: { level: 'error', format: 'logfmt' },
      input: { amqp_0_9: { urls: [RABBIT_URL], queue, prefetch_count: pinned.W } },
      pipeline: { threads: pinned.threads, processors: [] },
      output: {
        fallback: [
          insert(main.table, ['seq', 'doc'], 'root = [this.seq, content().string()]'),
          insert(dlqTable, ['seq', 'doc', 'error'], 'root = [this.seq, content().string(), @fallback_error]'),
        ],
      },
    },
  });
  try {
    const dlqCount = (): Promise<number> => admin(async (db) => (await db.query(`SELECT count(*)::int AS n FROM ${dlqTable}`)).rows[0].n as number);
    await waitUntil(async () => (await main.progress()) + (await dlqCount()) >= preload.acked.length, 300_000, 'F8 DLQ: every message in one of the tables', proc);
    await settle(main, 0, { quietMs: 1000 });
    const exit = await proc.stop('SIGTERM', 20_000);
    const dlq = await admin(async (db) => (await db.query(`SELECT seq::int AS seq, doc, error FROM ${dlqTable}`)).rows as Array<{ seq: number; doc: string; error: string }>);
    const mainDocs = await main.drain();
    const all = check({ run, acked: preload.acked, received: [...mainDocs, ...dlq.map((d) => d.doc)] });
    const mainOnly = check({ run, acked: preload.acked, received: mainDocs, expect: (s) => !isPoison(s) });
    const expectedPoison = preload.acked.filter(isPoison).length;
    const q = await rabbitQueueState(queue);
    t.diagnostic(`F8 DLQ: main ${mainDocs.length}, DLQ ${dlq.length} (expected ${expectedPoison}); all: ${describeCheck(all)}; queue left ${q.messages}; exit ${exit.code}`);
    if (dlq[0]) t.diagnostic(`F8 DLQ error sample: ${dlq[0].error.slice(0, 200)}`);
    recordFigure({ figure: 'dlq_routed', test: 'F8 fallback DLQ', value: dlq.length, of: expectedPoison, pass: dlq.length === expectedPoison && dlq.every((d) => isPoison(d.seq)) });

    assert.equal(all.lost, 0, describeCheck(all));
    assert.equal(all.dup, 0, describeCheck(all));
    assert.equal(mainOnly.lost + mainOnly.unexpected, 0, `main table: ${describeCheck(mainOnly)}`);
    assert.equal(dlq.length, expectedPoison, 'DLQ holds exactly the poison messages');
    for (const d of dlq) {
      assert.ok(isPoison(d.seq), `seq ${d.seq} is not poison but went to the DLQ: ${d.error}`);
      assert.match(d.error, /check constraint|violates/i, `seq ${d.seq}: error metadata`);
    }
    assert.equal(q.messages, 0);
    assert.equal(exit.code, 0);
  } finally {
    await proc.dispose();
    await main.dispose();
    await admin((db) => db.query(`DROP TABLE IF EXISTS ${dlqTable}`)).catch(() => {});
    await deleteRabbitQueue(queue).catch(() => {});
  }
});
