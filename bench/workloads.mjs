// The benchmark workloads: what each runs on the Sluice side (the real CLI on compiled dist) and on
// the plain-Node side, and which ratios the issue sets targets for (reported, never asserted).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const root = join(bench, '..');
const node = process.execPath;
const sluiceBin = join(root, 'bin', 'sluice.js');
const config = (name) => join(bench, 'configs', `${name}.yaml`);
const baseline = (name) => join(bench, 'baselines', `${name}.mjs`);

/** A variant is one way to do a workload's work; `data` is the NDJSON file it reads. */
const sluice = (cfg) => ({
  cmd: node,
  args: () => [sluiceBin, 'run', config(cfg)],
  env: (data) => ({ BENCH_DATA: data }),
  what: `node bin/sluice.js run bench/configs/${cfg}.yaml`,
});
const plain = (name) => ({
  cmd: node,
  args: (data) => [baseline(name), data],
  env: () => ({}),
  what: `node bench/baselines/${name}.mjs`,
});

export const WORKLOADS = [
  {
    name: 'passthrough',
    kind: 'throughput',
    summary: 'file lines → stdout (/dev/null), no processing',
    variants: { sluice: sluice('passthrough'), baseline: plain('passthrough') },
    ratios: [{ name: 'sluice/baseline', num: 'sluice', den: 'baseline', target: 0.7 }],
  },
  {
    name: 'mapping',
    kind: 'throughput',
    summary: 'passthrough + Bloblang mapping (uppercase, filter, multiply)',
    variants: { sluice: sluice('mapping'), baseline: plain('mapping') },
    ratios: [{ name: 'sluice/baseline', num: 'sluice', den: 'baseline', target: 0.8 }],
  },
  {
    name: 'mapping-acked',
    kind: 'throughput',
    summary: 'mapping with output batching count 64 (acks are always on)',
    // The plain `mapping` run is repeated here so the acked/unacked ratio is measured pairwise too.
    variants: { sluice: sluice('mapping-acked'), 'sluice-mapping': sluice('mapping'), baseline: plain('mapping') },
    ratios: [
      { name: 'sluice/baseline', num: 'sluice', den: 'baseline' },
      { name: 'acked/mapping', num: 'sluice', den: 'sluice-mapping', target: 0.9 },
    ],
  },
  {
    name: 'footprint',
    kind: 'footprint',
    summary: 'generate at 1s interval: idle RSS after 2 s, time to first message',
    variants: { sluice: sluice('footprint'), baseline: plain('footprint') },
    targets: { idleRssMiB: 80, firstMessageS: 0.5 },
  },
  // Service workloads run their own pairs of sides against a broker or a load generator.
  { name: 'kafka-roundtrip', kind: 'service', module: './workloads/kafka_roundtrip.mjs', summary: 'Kafka mock topic → mapping → topic, group commits on ack; vs kcat | kcat' },
  { name: 'nats-bridge', kind: 'service', module: './workloads/nats_bridge.mjs', summary: 'NATS core and JetStream → mapping → NATS; vs a plain @nats-io client' },
  { name: 'http-sync', kind: 'service', module: './workloads/http_sync.mjs', summary: 'http_server → mapping → sync_response, 50 connections; vs bare node:http' },
];
