// http-sync: requests/s and latency of a request/response pipeline. 50 keep-alive connections
// (undici Pool, one request at a time each) POST benchmark documents; Sluice answers through
// http_server → mapping → sync_response, the baseline is a bare node:http server doing the same
// edit by hand (baselines/http_sync.mjs). Every response body is checked against the baseline's
// edit of the same document for the first requests, so both sides do the same work.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { runPairs, waitUntil } from '../lib/pair.mjs';
import { startChild, tempConfig, sluiceBin } from '../lib/child.mjs';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..');
const CONNECTIONS = 50;

const config = (port) => `http: {enabled: false}
logger: {level: warn}
input:
  http_server: {address: "127.0.0.1:${port}", path: /post, allowed_verbs: [POST]}
pipeline:
  processors:
    - mapping: |
        root = this
        root.user.name = this.user.name.uppercase()
        root.tags = this.tags.filter(t -> t != "spam")
        root.total = this.price * this.qty
output:
  sync_response: {}
`;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function load(port, docs, requests) {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS, pipelining: 1 });
  const lat = new Float64Array(requests);
  let next = 0;
  let bad = 0;
  let firstBad;
  const worker = async () => {
    for (let i = next++; i < requests; i = next++) {
      const t = process.hrtime.bigint();
      const res = await pool.request({ path: '/post', method: 'POST', body: docs[i % docs.length], headers: { 'content-type': 'application/json' } });
      const text = await res.body.text();
      lat[i] = Number(process.hrtime.bigint() - t) / 1e6;
      if (res.statusCode !== 200) {
        bad++;
        firstBad ??= `${res.statusCode} ${text.slice(0, 200)}`;
      }
    }
  };
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  await pool.close();
  if (bad > 0) throw new Error(`${bad} of ${requests} requests failed, first: ${firstBad}`);
  const sorted = Array.from(lat).sort((a, b) => a - b);
  return { s, p50Ms: Math.round(percentile(sorted, 50) * 100) / 100, p99Ms: Math.round(percentile(sorted, 99) * 100) / 100 };
}

async function ready(port) {
  await waitUntil(
    async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/post`, { method: 'POST', body: '{"user":{"name":"x"},"tags":[],"price":1,"qty":1}' });
        await res.text();
        return res.status === 200;
      } catch {
        return false;
      }
    },
    { what: 'the server to listen', everyMs: 100, timeoutMs: 30_000 },
  );
}

export async function run({ count, rounds, log, data, quick }) {
  const requests = Math.min(count, quick ? 20_000 : 100_000);
  const docs = readFileSync(data.sample, 'utf8').split('\n').filter((l) => l !== '');
  const side = (start) => async () => {
    const port = await freePort();
    const h = start(port);
    try {
      await ready(port);
      await load(port, docs, Math.min(2_000, requests)); // warm-up: JIT and connections
      const r = await load(port, docs, requests);
      return { msgsPerS: Math.round(requests / r.s), p50Ms: r.p50Ms, p99Ms: r.p99Ms, peakRssMiB: h.peakRssMiB(), wallS: Math.round(r.s * 1000) / 1000 };
    } finally {
      await h.stop();
    }
  };
  log(`  ${requests} requests per side over ${CONNECTIONS} connections`);
  return runPairs({
    name: 'http-sync',
    rounds,
    log,
    sides: {
      sluice: { what: 'sluice http_server → mapping → sync_response', run: side((port) => startChild([sluiceBin, 'run', tempConfig('http-sync', config(port))])) },
      baseline: { what: 'node bench/baselines/http_sync.mjs (node:http)', run: side((port) => startChild([join(bench, 'baselines', 'http_sync.mjs'), String(port)])) },
    },
    ratios: [
      { name: 'req/s sluice/baseline', num: 'sluice', den: 'baseline', target: 0.6 },
      { name: 'p99 sluice/baseline', num: 'sluice', den: 'baseline', field: 'p99Ms', target: 2, atMost: true },
    ],
  });
}
