/**
 * RELIABILITY.md F1: kill/restart with a queue source. RabbitMQ durable queue (prefetch W = 500)
 * → mapping → PostgreSQL table without a unique key. SIGKILL at seeded points of sink progress,
 * restart after 2 s. Pass: lost 0, unexpected 0, corrupt 0, duplicates ≤ kills × W, the queue
 * empty (and so fully acked: with no consumer, unacked messages would be back in the queue),
 * consumption resumes within 10 s of each restart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireService } from '../../../src/testing/services.js';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { describeCheck } from '../../../src/testing/faults/checker.js';
import { tier, runSeed } from '../../../src/testing/faults/process.js';
import { preloadRabbit, resetRabbitQueue, rabbitQueueState, deleteRabbitQueue, RABBIT_URL } from '../../../src/testing/faults/sources.js';
import { PostgresSink, PG_DSN } from '../../../src/testing/faults/sinks.js';
import { runKillScenario } from '../../../src/testing/faults/scenario.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { pinned } from '../../../src/testing/faults/pinned.js';

const skip = (await requireService('rabbitmq', 5672)) ?? (await requireService('postgres', 5432));
const T = tier(3);
const seed = runSeed();
const tag = `${process.pid}_${Date.now().toString(36)}`;

test(`F1 RabbitMQ → mapping → PostgreSQL: ${T.kills} × SIGKILL over ${T.n} messages (seed ${seed})`, { skip, timeout: 15 * 60_000 }, async (t) => {
  const queue = `fault_f1_${tag}`;
  const table = `fault_f1_${tag}`;
  const run = newRunId();
  await resetRabbitQueue(queue);
  const preload = await preloadRabbit(queue, { run, n: T.n });
  t.diagnostic(`preloaded ${preload.acked.length} confirmed in ${preload.ms} ms`);
  assert.equal(preload.acked.length, T.n, 'the broker confirmed every preloaded message');
  const sink = await PostgresSink.create(table);
  try {
    const s = await runKillScenario({
      name: 'f1',
      run,
      preload,
      sink,
      n: T.n,
      kills: T.kills,
      seed,
      signal: 'SIGKILL',
      restartDelayMs: 2000,
      log: (l) => t.diagnostic(l),
      config: {
        http: { enabled: false },
        logger: { level: 'info', format: 'logfmt' },
        input: { amqp_0_9: { urls: [RABBIT_URL], queue, prefetch_count: pinned.W } },
        pipeline: { threads: pinned.threads, processors: [{ mapping: 'root = this\nroot.hop = "sluice"' }] },
        output: {
          sql_insert: {
            driver: 'postgres',
            dsn: PG_DSN,
            table,
            columns: ['seq', 'doc'],
            args_mapping: 'root = [this.seq, content().string()]',
            max_in_flight: pinned.maxInFlight,
            batching: pinned.batching,
          },
        },
      },
    });
    const r = s.result;
    const counts = await sink.counts();
    const q = await rabbitQueueState(queue);
    const resumeMax = Math.max(0, ...s.cycles.map((c) => c.resumeMs ?? 0));
    t.diagnostic(`sql count(*) ${counts.rows}, count(distinct seq) ${counts.distinctSeqs}; queue ${q.messages} left; max resume ${resumeMax} ms`);

    recordFigure({ figure: 'kill_lost', test: 'F1 rabbitmq→postgres', value: r.lost, of: r.expected, pass: r.lost === 0 });
    recordFigure({ figure: 'kill_dup_per_w', test: 'F1 rabbitmq→postgres', value: Math.max(...s.dupPerFault) / pinned.W, pass: s.dupPerFault.every((d) => d <= pinned.W), note: `dup per kill ${s.dupPerFault.join(', ')}, W ${pinned.W}` });
    recordFigure({ figure: 'restart_resume_s', test: 'F1 rabbitmq→postgres', value: resumeMax / 1000, pass: resumeMax <= 10_000, note: 'limit 10 s' });
    recordFigure({ figure: 'ack_inputs_covered', test: 'F1', value: 1, of: 1, pass: true, note: 'amqp_0_9' });

    assert.equal(s.stalled, undefined, `the pipeline stalled: ${s.stalled}`);
    assert.equal(r.lost, 0, `lost: ${describeCheck(r)}`);
    assert.equal(r.unexpected, 0, `unexpected: ${describeCheck(r)}`);
    assert.equal(r.corrupt, 0, `corrupt: ${describeCheck(r)}`);
    assert.ok(r.dup <= T.kills * pinned.W, `duplicates ${r.dup} > ${T.kills} × W`);
    for (const [i, d] of s.dupPerFault.entries()) assert.ok(d <= pinned.W, `kill ${i + 1} caused ${d} duplicates > W = ${pinned.W}`);
    assert.equal(counts.rows - counts.distinctSeqs, r.dup, 'the SQL cross-check agrees with the checker on duplicates');
    assert.equal(q.messages, 0, 'the source queue is empty: everything was acked');
    assert.ok(resumeMax <= 10_000, `consumption resumed within 10 s of each restart (max ${resumeMax} ms)`);
    for (const c of s.cycles) assert.equal(c.exit.signal, 'SIGKILL');
    assert.equal(s.finalStop.code, 0, 'the final SIGTERM exits 0');
  } finally {
    await sink.dispose();
    await deleteRabbitQueue(queue).catch(() => {});
  }
});
