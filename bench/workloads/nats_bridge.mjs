// nats-bridge: NATS → mapping → NATS, for core NATS and for JetStream, against the local
// nats-server (127.0.0.1:4222), Sluice vs the same bridge written by hand (baselines/nats_bridge.mjs).
//
// core: core NATS has no back pressure (a slow subscriber loses messages), so the publisher here
// keeps at most WINDOW messages ahead of what came out of the bridge: both sides are driven the
// same closed-loop way and nothing is dropped. Timed from the first publish to the last arrival.
// jetstream: N documents preloaded in a stream; each side consumes them with a durable consumer,
// publishes to a second stream with PubAcks and acks the input; timed from spawn until the second
// stream holds N messages.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy } from '@nats-io/jetstream';
import { runPairs, waitUntil } from '../lib/pair.mjs';
import { startChild, tempConfig, sluiceBin } from '../lib/child.mjs';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..');
const URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const WINDOW = 10_000;

const MAPPING = `
        root = this
        root.user.name = this.user.name.uppercase()
        root.tags = this.tags.filter(t -> t != "spam")
        root.total = this.price * this.qty`;

const coreConfig = (inS, outS) => `http: {enabled: false}
logger: {level: warn}
input:
  nats: {urls: ["${URL}"], subject: ${inS}}
pipeline:
  processors:
    - mapping: |${MAPPING}
output:
  nats: {urls: ["${URL}"], subject: ${outS}, max_in_flight: 64}
`;

const jsConfig = (stream, durable, outS) => `http: {enabled: false}
logger: {level: warn}
input:
  nats_jetstream: {urls: ["${URL}"], stream: ${stream}, durable: ${durable}, bind: true, max_ack_pending: 1024}
pipeline:
  processors:
    - mapping: |${MAPPING}
output:
  nats_jetstream: {urls: ["${URL}"], subject: ${outS}, max_in_flight: 1024}
`;

function loadDocs(path, count) {
  const enc = new TextEncoder();
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .slice(0, count)
    .map((l) => enc.encode(l));
}

export async function run({ count, rounds, data, log }) {
  const docs = loadDocs(data.path, count);
  const bytes = docs.reduce((s, d) => s + d.length + 1, 0);
  const nc = await connect({ servers: URL });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const result = (s, peak) => ({ msgsPerS: Math.round(count / s), mbPerS: Math.round((bytes / 1e6 / s) * 100) / 100, peakRssMiB: peak, wallS: Math.round(s * 1000) / 1000 });
  const baselineArgs = (...a) => [join(bench, 'baselines', 'nats_bridge.mjs'), ...a];
  try {
    // ---- core NATS ----
    const coreRun = async (startSide, tag) => {
      const inS = `bench.core.in.${tag}`;
      const outS = `bench.core.out.${tag}`;
      let received = 0;
      const sub = nc.subscribe(outS, { callback: () => received++ });
      const side = startSide(inS, outS);
      try {
        // Ready when a probe message makes it through the bridge (the child has subscribed).
        await waitUntil(
          async () => {
            nc.publish(inS, docs[0]);
            await nc.flush();
            return received > 0;
          },
          { what: 'the bridge to subscribe', everyMs: 200, timeoutMs: 30_000 },
        );
        await new Promise((r) => setTimeout(r, 300));
        received = 0;
        const t0 = process.hrtime.bigint();
        let sent = 0;
        while (sent < count) {
          const until = Math.min(count, received + WINDOW);
          while (sent < until) nc.publish(inS, docs[sent++]);
          await nc.flush();
          if (sent - received >= WINDOW) await waitUntil(() => sent - received < WINDOW / 2, { what: 'the bridge to catch up', everyMs: 2, timeoutMs: 60_000 });
        }
        await waitUntil(() => received >= count, { what: `${count} messages out of the bridge`, everyMs: 5, timeoutMs: 120_000 });
        return result(Number(process.hrtime.bigint() - t0) / 1e9, side.peakRssMiB());
      } finally {
        sub.unsubscribe();
        await side.stop();
      }
    };
    log('  core NATS');
    const core = await runPairs({
      name: 'nats-bridge core',
      rounds,
      log,
      sides: {
        sluice: { what: 'sluice nats → mapping → nats', run: (r) => coreRun((i, o) => startChild([sluiceBin, 'run', tempConfig('nats-core', coreConfig(i, o))]), `s${r}`) },
        baseline: { what: 'node bench/baselines/nats_bridge.mjs core', run: (r) => coreRun((i, o) => startChild(baselineArgs('core', URL, i, o)), `b${r}`) },
      },
      ratios: [{ name: 'sluice/baseline', num: 'sluice', den: 'baseline' }],
    });

    // ---- JetStream ----
    const IN = 'BENCH_JS_IN';
    const OUT = 'BENCH_JS_OUT';
    for (const name of [IN, OUT]) await jsm.streams.delete(name).catch(() => {});
    await jsm.streams.add({ name: IN, subjects: ['bench.js.in'] });
    await jsm.streams.add({ name: OUT, subjects: ['bench.js.out.>'] });
    log(`  preloading ${count} documents into JetStream stream ${IN} ...`);
    for (let i = 0; i < count; i += 1000) await Promise.all(docs.slice(i, i + 1000).map((d) => js.publish('bench.js.in', d)));
    const jsRun = async (startSide, tag) => {
      const durable = `bench_${tag}_${Date.now()}`;
      await jsm.consumers.add(IN, { durable_name: durable, ack_policy: AckPolicy.Explicit, max_ack_pending: 1024 });
      await jsm.streams.purge(OUT);
      const t0 = process.hrtime.bigint();
      const side = startSide(durable, `bench.js.out.${tag}`);
      let peak;
      try {
        await waitUntil(async () => (await jsm.streams.info(OUT)).state.messages >= count, { what: `${count} messages in ${OUT}`, everyMs: 100 });
        peak = side.peakRssMiB();
      } finally {
        await side.stop();
        await jsm.consumers.delete(IN, durable).catch(() => {});
      }
      return result(Number(process.hrtime.bigint() - t0) / 1e9, peak);
    };
    const jsr = await runPairs({
      name: 'nats-bridge jetstream',
      rounds,
      log,
      sides: {
        sluice: { what: 'sluice nats_jetstream → mapping → nats_jetstream', run: (r) => jsRun((d, o) => startChild([sluiceBin, 'run', tempConfig('nats-js', jsConfig(IN, d, o))]), `s${r}`) },
        baseline: { what: 'node bench/baselines/nats_bridge.mjs jetstream', run: (r) => jsRun((d, o) => startChild(baselineArgs('jetstream', URL, 'bench.js.in', o, IN, d)), `b${r}`) },
      },
      ratios: [{ name: 'sluice/baseline', num: 'sluice', den: 'baseline' }],
    });
    for (const name of [IN, OUT]) await jsm.streams.delete(name).catch(() => {});
    // One report row per side of both variants.
    return {
      sides: {
        'sluice core': core.sides.sluice,
        'baseline core': core.sides.baseline,
        'sluice jetstream': jsr.sides.sluice,
        'baseline jetstream': jsr.sides.baseline,
      },
      ratios: [
        { ...core.ratios[0], name: 'core sluice/baseline' },
        { ...jsr.ratios[0], name: 'jetstream sluice/baseline' },
      ],
    };
  } finally {
    await nc.drain().catch(() => {});
  }
}
