/**
 * RELIABILITY.md F15: HTTP source, acked means delivered. 32 concurrent clients POST N payloads
 * to the `http_server` input (timeout 5s) → sql_insert into PostgreSQL through a faultproxy that
 * flaps: down (`refuse`) / up in equal halves (10 s / 10 s for 3 minutes in the full tier; 5 s /
 * 5 s in smoke, until every request was answered).
 *
 * Pass: every request answered 2xx is in the table (lost-among-acked 0); every other answer is a
 * 503 or 408 that came within timeout + 1 s; requests answered non-2xx may be in the table or not
 * (counted as unknown, reported as "recovered" when they arrived, as Jepsen does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { requireService } from '../../../src/testing/services.js';
import { newRunId, makePayload } from '../../../src/testing/faults/payload.js';
import { check, describeCheck } from '../../../src/testing/faults/checker.js';
import { SluiceProcess, tier } from '../../../src/testing/faults/process.js';
import { PostgresSink, settle } from '../../../src/testing/faults/sinks.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { FaultProxy } from '../../../src/testing/fault_proxy.js';
import { freePort, sleep, waitForHttp } from './faultout_support.js';

const skip = await requireService('postgres', 5432);
const T = tier();
const full = T.name !== 'smoke';
const HALF_MS = full ? 10_000 : 5_000;
const FLAP_FOR_MS = full ? 180_000 : 60_000;
const CLIENTS = 32;
const TIMEOUT_MS = 5000;

interface Answer {
  seq: number;
  status: number;
  ms: number;
}

function post(agent: http.Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/post', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

test(`F15 http_server → PostgreSQL with the output flapping ${HALF_MS / 1000}s down / ${HALF_MS / 1000}s up: acked means delivered`, { skip, timeout: 15 * 60_000 }, async (t) => {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const run = newRunId();
  const sink = await PostgresSink.create(`faultout_f15_${tag}`);
  const proxy = new FaultProxy('127.0.0.1', 5432);
  await proxy.start();
  const apiPort = await freePort();
  const inPort = await freePort();
  const proc = SluiceProcess.start({
    name: 'faultout-f15',
    config: {
      http: { enabled: true, address: `127.0.0.1:${apiPort}` },
      logger: { level: 'error', format: 'logfmt' },
      input: { http_server: { address: `127.0.0.1:${inPort}`, path: '/post', timeout: `${TIMEOUT_MS}ms` } },
      pipeline: { threads: 2, processors: [] },
      output: {
        sql_insert: {
          driver: 'postgres',
          dsn: `postgres://postgres@127.0.0.1:${proxy.port}/test?sslmode=disable&connect_timeout=10`,
          table: sink.table,
          columns: ['seq', 'doc'],
          args_mapping: 'root = [this.seq, content().string()]',
          max_in_flight: 8,
          batching: { count: 50, period: '50ms' },
        },
      },
    },
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  let flapping = true;
  const flaps: Promise<void> = (async () => {
    const t0 = Date.now();
    while (flapping && Date.now() - t0 < FLAP_FOR_MS) {
      await sleep(HALF_MS);
      if (!flapping) break;
      await proxy.refuse();
      await sleep(HALF_MS);
      await proxy.pass();
    }
  })();
  try {
    await waitForHttp(proc, apiPort);
    const answers: Answer[] = [];
    let next = 0;
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < T.n) {
          const seq = next++;
          const start = Date.now();
          const status = await post(agent, inPort, makePayload(run, seq));
          answers.push({ seq, status, ms: Date.now() - start });
        }
      }),
    );
    const postMs = Date.now() - t0;
    flapping = false;
    await flaps;
    await proxy.pass();
    const acked = answers.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.seq);
    const others = answers.filter((a) => !(a.status >= 200 && a.status < 300));
    await settle(sink, acked.length, { quietMs: 2000, timeoutMs: 60_000 });
    const exit = await proc.stop('SIGTERM', 30_000);
    const r = check({ run, acked, unknown: others.map((a) => a.seq), received: await sink.drain() });
    const byStatus = new Map<number, number>();
    for (const a of others) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    const slowest = Math.max(0, ...others.map((a) => a.ms));
    t.diagnostic(`F15 ${T.name}: ${T.n} POSTs in ${(postMs / 1000).toFixed(1)} s; 2xx ${acked.length}; others ${JSON.stringify(Object.fromEntries(byStatus))} (slowest ${slowest} ms); ${describeCheck(r)}; exit ${exit.code}`);
    recordFigure({ figure: 'http_acked_lost', test: `F15 flapping ${HALF_MS / 1000}s/${HALF_MS / 1000}s`, value: r.lost, of: acked.length, pass: r.lost === 0, note: `${others.length} non-2xx (${r.recovered} of them delivered anyway)` });

    assert.equal(r.lost, 0, `acked but not delivered: ${describeCheck(r)}`);
    assert.equal(r.corrupt + r.unexpected, 0, describeCheck(r));
    assert.ok(others.length > 0, 'the flapping output made some requests fail (else the test tested nothing)');
    for (const [status] of byStatus) assert.ok(status === 503 || status === 408, `unexpected answer status ${status}`);
    assert.ok(slowest <= TIMEOUT_MS + 1000, `a non-2xx answer took ${slowest} ms`);
    assert.equal(exit.code, 0);
  } finally {
    flapping = false;
    await flaps.catch(() => {});
    agent.destroy();
    await proc.dispose();
    await proxy.stop();
    await sink.dispose();
  }
});
