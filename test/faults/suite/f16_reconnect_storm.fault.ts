/**
 * RELIABILITY.md F16: reconnect storm / fd leak. RabbitMQ → sql_insert into PostgreSQL through a
 * faultproxy that resets every open connection every 200 ms (5 minutes in the full tier: 1,500
 * forced reconnects; 30 s in smoke: 150).
 *
 * Messages are published at a pace that spans the storm, so writes keep meeting the resets.
 * Pass: the process stays alive; lost 0 once the storm ends; open fds ≤ baseline + 20 and
 * sockets in CLOSE_WAIT ≤ 5 after it; V8 heap within 20 MB of its baseline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requireService } from '../../../src/testing/services.js';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { check, describeCheck } from '../../../src/testing/faults/checker.js';
import { SluiceProcess, tier } from '../../../src/testing/faults/process.js';
import { resetRabbitQueue, rabbitQueueState, deleteRabbitQueue, RABBIT_URL } from '../../../src/testing/faults/sources.js';
import { PostgresSink, settle } from '../../../src/testing/faults/sinks.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { pinned } from '../../../src/testing/faults/pinned.js';
import { Sampler, countCloseWait, median, MiB } from '../../../src/testing/faults/samplers.js';
import { FaultProxy } from '../../../src/testing/fault_proxy.js';
import { GC_FLAGS, freePort, pacedRabbitProducer, sleep, waitForHttp, waitUntil } from './faultout_support.js';

const skip = (await requireService('rabbitmq', 5672)) ?? (await requireService('postgres', 5432));
const T = tier();
const STORM_MS = T.name === 'smoke' ? 30_000 : 300_000;
const EVERY_MS = 200;

test(`F16 reconnect storm: faultproxy reset every ${EVERY_MS} ms for ${STORM_MS / 1000} s`, { skip, timeout: 15 * 60_000 }, async (t) => {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const queue = `faultout_f16_${tag}`;
  const run = newRunId();
  await resetRabbitQueue(queue);
  // Published at a pace that spans the storm, so writes keep running into the resets.
  const producer = pacedRabbitProducer(queue, run, T.n, Math.ceil(T.n / ((STORM_MS - 5000) / 1000)));
  const preload = { acked: producer.acked };
  const sink = await PostgresSink.create(`faultout_f16_${tag}`);
  const proxy = new FaultProxy('127.0.0.1', 5432);
  await proxy.start();
  const port = await freePort();
  const proc = SluiceProcess.start({
    name: 'faultout-f16',
    env: { NODE_OPTIONS: GC_FLAGS },
    config: {
      http: { enabled: true, address: `127.0.0.1:${port}` },
      logger: { level: 'error', format: 'logfmt' },
      input: { amqp_0_9: { urls: [RABBIT_URL], queue, prefetch_count: pinned.W } },
      pipeline: { threads: pinned.threads, processors: [] },
      output: {
        sql_insert: {
          driver: 'postgres',
          dsn: `postgres://postgres@127.0.0.1:${proxy.port}/test?sslmode=disable&connect_timeout=10`,
          table: sink.table,
          columns: ['seq', 'doc'],
          args_mapping: 'root = [this.seq, content().string()]',
          max_in_flight: pinned.maxInFlight,
          batching: pinned.batching,
        },
      },
    },
  });
  let sampler: Sampler | undefined;
  try {
    await waitForHttp(proc, port);
    sampler = new Sampler({ pid: proc.pid!, metricsPort: port }).begin();
    await waitUntil(async () => (await sink.progress()) > 0, 30_000, 'F16: first rows', proc);
    await sleep(2000);
    const base = sampler.samples.slice(-8);
    const baseFds = median(base.flatMap((s) => (s.fds === undefined ? [] : [s.fds])));
    const baseHeap = median(base.flatMap((s) => (s.heapUsedBytes === undefined ? [] : [s.heapUsedBytes])));
    const stormStart = sampler.samples.at(-1)!.t;
    const connsBefore = proxy.connections;
    proxy.resetEvery(EVERY_MS);
    await sleep(STORM_MS);
    proxy.resetEvery(0);
    const reconnects = proxy.connections - connsBefore;
    await producer.done;
    assert.ok(proc.running, 'sluice died in the storm');
    const duringStorm = await sink.progress();
    await waitUntil(async () => (await sink.progress()) >= preload.acked.length, 120_000, 'F16: every message after the storm', proc);
    await settle(sink, preload.acked.length, { quietMs: 1000 });
    await sleep(2000); // let closed sockets be reaped
    const end = sampler.samples.slice(-8);
    const endFds = median(end.flatMap((s) => (s.fds === undefined ? [] : [s.fds])));
    const endHeap = median(end.flatMap((s) => (s.heapUsedBytes === undefined ? [] : [s.heapUsedBytes])));
    const maxFds = Math.max(...sampler.fds(stormStart));
    const closeWait = countCloseWait(proc.pid!);
    const exit = await proc.stop('SIGTERM', 20_000);
    const r = check({ run, acked: preload.acked, received: await sink.drain() });
    const q = await rabbitQueueState(queue);
    const fdGrowth = endFds - baseFds;
    const heapDelta = (endHeap - baseHeap) / MiB;
    t.diagnostic(`F16 ${T.name}: ${reconnects} connections through the proxy during the storm; ${duringStorm} rows written by its end; fds baseline ${baseFds}, max ${maxFds}, end ${endFds} (growth ${fdGrowth}); CLOSE_WAIT ${closeWait}; heap ${(baseHeap / MiB).toFixed(1)} → ${(endHeap / MiB).toFixed(1)} MiB; ${describeCheck(r)}; exit ${exit.code}`);
    recordFigure({ figure: 'fd_growth', test: `F16 reset every ${EVERY_MS} ms, ${STORM_MS / 1000} s`, value: fdGrowth, pass: fdGrowth <= 20, note: `${reconnects} reconnects, max ${maxFds - baseFds} during the storm, CLOSE_WAIT ${closeWait}` });

    assert.ok(reconnects >= STORM_MS / EVERY_MS / 4, `the storm forced reconnects (${reconnects})`);
    assert.equal(r.lost, 0, describeCheck(r));
    assert.equal(r.corrupt + r.unexpected, 0, describeCheck(r));
    assert.ok(fdGrowth <= 20, `open fds grew by ${fdGrowth}`);
    assert.ok(closeWait <= 5, `${closeWait} sockets in CLOSE_WAIT`);
    assert.ok(Math.abs(heapDelta) <= 20, `heap moved ${heapDelta.toFixed(1)} MiB`);
    assert.equal(q.messages, 0);
    assert.equal(exit.code, 0);
  } finally {
    sampler?.stop();
    await producer.done.catch(() => {});
    await proc.dispose();
    await proxy.stop();
    await sink.dispose();
    await deleteRabbitQueue(queue).catch(() => {});
  }
});
