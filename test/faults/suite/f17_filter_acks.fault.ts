/**
 * RELIABILITY.md F17: messages a mapping deletes are acked upstream. RabbitMQ queue (prefetch
 * W = 500) → mapping that `deleted()`s every odd seq → PostgreSQL. Pass: the sink has exactly the
 * even half (no odd one, none lost, no duplicate), the queue is empty (fully acked: with no
 * consumer left, an unacked message would be back in the queue), and a restart redelivers nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireService } from '../../../src/testing/services.js';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { check, describeCheck } from '../../../src/testing/faults/checker.js';
import { tier, SluiceProcess, waitForProgress } from '../../../src/testing/faults/process.js';
import { preloadRabbit, resetRabbitQueue, rabbitQueueState, deleteRabbitQueue, RABBIT_URL } from '../../../src/testing/faults/sources.js';
import { PostgresSink, PG_DSN, settle } from '../../../src/testing/faults/sinks.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { pinned } from '../../../src/testing/faults/pinned.js';

const skip = (await requireService('rabbitmq', 5672)) ?? (await requireService('postgres', 5432));
const T = tier();
const tag = `${process.pid}_${Date.now().toString(36)}`;

test(`F17 RabbitMQ → mapping deleting 50% → PostgreSQL, ${T.n} messages: deleted messages are acked upstream`, { skip, timeout: 10 * 60_000 }, async (t) => {
  const queue = `fault_f17_${tag}`;
  const table = `fault_f17_${tag}`;
  const run = newRunId();
  await resetRabbitQueue(queue);
  const preload = await preloadRabbit(queue, { run, n: T.n });
  assert.equal(preload.acked.length, T.n);
  const sink = await PostgresSink.create(table);
  const keep = (seq: number): boolean => seq % 2 === 0;
  const half = preload.acked.filter(keep).length;
  const config = {
    http: { enabled: false },
    logger: { level: 'info', format: 'logfmt' },
    input: { amqp_0_9: { urls: [RABBIT_URL], queue, prefetch_count: pinned.W } },
    pipeline: { threads: pinned.threads, processors: [{ mapping: 'root = if this.seq % 2 == 1 { deleted() } else { this }' }] },
    output: {
      sql_insert: { driver: 'postgres', dsn: PG_DSN, table, columns: ['seq', 'doc'], args_mapping: 'root = [this.seq, content().string()]', max_in_flight: pinned.maxInFlight, batching: pinned.batching },
    },
  };
  const proc = SluiceProcess.start({ name: 'f17', config });
  try {
    await waitForProgress(() => sink.progress(), half, { proc, what: 'the kept half' });
    await settle(sink, half, { quietMs: 1000 });
    // Acks of the last deleted messages may trail the last insert by a moment.
    const deadline = Date.now() + 10_000;
    let inQueue = (await rabbitQueueState(queue)).messages;
    while (inQueue > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      inQueue = (await rabbitQueueState(queue)).messages;
    }
    const stop1 = await proc.stop('SIGTERM');
    assert.equal(stop1.code, 0, 'SIGTERM exits 0');
    const afterStop = await rabbitQueueState(queue);
    t.diagnostic(`queue after stop: ${JSON.stringify(afterStop)}`);

    // A restart must find nothing to redeliver.
    const rowsBefore = await sink.progress();
    proc.restart();
    await new Promise((r) => setTimeout(r, 3000));
    const rowsAfterRestart = await sink.progress();
    const stop2 = await proc.stop('SIGTERM');
    const final = await rabbitQueueState(queue);

    const r = check({ run, acked: preload.acked, received: await sink.drain(), expect: keep });
    t.diagnostic(describeCheck(r));
    const pass = r.received === half && r.lost === 0 && r.dup === 0 && r.unexpected === 0 && afterStop.messages === 0 && rowsAfterRestart === rowsBefore;
    recordFigure({ figure: 'filter_acks', test: 'F17 rabbitmq deletes 50%', value: r.received, of: half, pass, note: `queue left ${afterStop.messages}, redelivered after restart ${rowsAfterRestart - rowsBefore}` });

    assert.equal(r.received, half, `the sink has exactly the kept half: ${describeCheck(r)}`);
    assert.equal(r.lost, 0, describeCheck(r));
    assert.equal(r.dup, 0, describeCheck(r));
    assert.equal(r.unexpected, 0, `no deleted message reached the sink: ${describeCheck(r)}`);
    assert.equal(r.corrupt, 0, describeCheck(r));
    assert.equal(afterStop.messages, 0, 'the queue is empty and fully acked, deleted messages included');
    assert.equal(rowsAfterRestart, rowsBefore, 'a restart redelivers nothing');
    assert.equal(final.messages, 0);
    assert.equal(stop2.code, 0);
  } finally {
    await proc.dispose();
    await sink.dispose();
    await deleteRabbitQueue(queue).catch(() => {});
  }
});
