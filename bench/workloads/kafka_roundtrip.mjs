// kafka-roundtrip: N documents preloaded into a topic of librdkafka's mock cluster (started by
// kcat); Sluice consumes them with a consumer group that commits on ack, applies the benchmark
// mapping and produces to a second topic. Baseline: kcat consuming the same topic and piping into
// a kcat producer (no mapping: kcat cannot map; it is the fastest plain Kafka copy available).
// Timed from spawn until the output topic holds N messages (high watermarks summed).
//
// The mock keeps only about 5 MB per partition (see src/testing/kafka_mock.ts), so the input is
// spread over topics of DOCS_PER_TOPIC documents each; both sides consume all of them. The output
// topics are trimmed by the mock too, which does not matter: completion is read from offsets.
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPairs, waitUntil } from '../lib/pair.mjs';
import { startChild, tempConfig, sluiceBin } from '../lib/child.mjs';
import { procStatusKiB } from '../lib/measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const KCAT = '/usr/bin/kcat';
const DOCS_PER_TOPIC = 20_000;

const MAPPING = `
        root = this
        root.user.name = this.user.name.uppercase()
        root.tags = this.tags.filter(t -> t != "spam")
        root.total = this.price * this.qty`;

function sluiceConfig(brokers, inTopics, outTopic, group) {
  return `http: {enabled: false}
logger: {level: warn}
input:
  kafka:
    addresses: [${brokers.join(', ')}]
    topics: [${inTopics.join(', ')}]
    consumer_group: ${group}
    start_from_oldest: true
    checkpoint_limit: 1024
pipeline:
  processors:
    - mapping: |${MAPPING}
output:
  kafka:
    addresses: [${brokers.join(', ')}]
    topic: ${outTopic}
    max_in_flight: 64
    batching: {count: 256, period: 20ms}
`;
}

/** Run kcat with args; resolves when it exits 0. */
function kcat(args, { stdin } = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(KCAT, args, { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    if (stdin) createReadStream(stdin).pipe(p.stdin);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${err.slice(-300)}`))));
  });
}

export async function run({ count, rounds, data, log }) {
  const { startKafkaMock } = await import(join(root, 'dist', 'src', 'testing', 'kafka_mock.js'));
  const { Kafka, logLevel } = require('kafkajs');
  const mock = await startKafkaMock({ brokers: 1 });
  const brokers = mock.brokers;
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, clientId: 'bench-admin' }).admin();
  try {
    await admin.connect();
    const lines = readFileSync(data.path, 'utf8').split('\n').filter((l) => l !== '').slice(0, count);
    const inTopics = [];
    const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-kafka-'));
    log(`  preloading ${count} documents into ${Math.ceil(lines.length / DOCS_PER_TOPIC)} topic(s) ...`);
    for (let i = 0; i < lines.length; i += DOCS_PER_TOPIC) {
      const topic = `bench-in-${inTopics.length}`;
      const file = join(dir, `${topic}.ndjson`);
      writeFileSync(file, lines.slice(i, i + DOCS_PER_TOPIC).join('\n') + '\n');
      await kcat(['-b', brokers.join(','), '-P', '-t', topic, '-l', file]);
      inTopics.push(topic);
    }
    rmSync(dir, { recursive: true, force: true });
    const total = async (topic) => {
      try {
        const offs = await admin.fetchTopicOffsets(topic);
        return offs.reduce((s, o) => s + Number(o.high), 0);
      } catch {
        return 0; // not created yet
      }
    };
    const totalIn = async () => (await Promise.all(inTopics.map(total))).reduce((a, b) => a + b, 0);
    await waitUntil(async () => (await totalIn()) >= lines.length, { what: 'the preload', timeoutMs: 120_000 });
    const timed = async (start, outTopic) => {
      const t0 = process.hrtime.bigint();
      const handle = await start();
      let peak;
      try {
        await waitUntil(async () => (await total(outTopic)) >= count, { what: `${count} messages in ${outTopic}`, everyMs: 100 });
      } finally {
        peak = handle.peakRssMiB?.();
        await handle.stop();
      }
      const s = Number(process.hrtime.bigint() - t0) / 1e9;
      return { msgsPerS: Math.round(count / s), mbPerS: Math.round((data.bytes / 1e6 / s) * 100) / 100, peakRssMiB: peak, wallS: Math.round(s * 1000) / 1000 };
    };
    return await runPairs({
      name: 'kafka-roundtrip',
      rounds,
      log,
      sides: {
        sluice: {
          what: 'node bin/sluice.js run (kafka → mapping → kafka, group commits on ack)',
          run: (r) =>
            timed(async () => {
              const cfg = tempConfig('kafka-roundtrip', sluiceConfig(brokers, inTopics, `bench-out-s${r}`, `bench-g${r}-${Date.now()}`));
              const h = startChild([sluiceBin, 'run', cfg]);
              h.child.on('exit', (code) => {
                if (code) log(`  sluice exited ${code}: ${h.stderr().slice(-400)}`);
              });
              return h;
            }, `bench-out-s${r}`),
        },
        baseline: {
          what: 'kcat -G (consumer group) | kcat -P (relayed, counted)',
          run: (r) =>
            timed(async () => {
              // A balanced consumer group over every input topic, reading from the start, piped
              // into a producer. kcat -P holds its last few lines until stdin ends, so this process
              // relays the pipe, counts lines, and ends the producer's stdin once all N went through.
              const c = spawn(KCAT, ['-b', brokers.join(','), '-G', `bench-kcat-${r}-${Date.now()}`, '-X', 'auto.offset.reset=earliest', '-q', '-u', ...inTopics], { stdio: ['ignore', 'pipe', 'ignore'] });
              const p = spawn(KCAT, ['-b', brokers.join(','), '-P', '-t', `bench-out-b${r}`], { stdio: ['pipe', 'ignore', 'ignore'] });
              let lines = 0;
              c.stdout.on('data', (chunk) => {
                for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
                if (!p.stdin.write(chunk)) c.stdout.pause();
                if (lines >= count) {
                  c.kill('SIGKILL');
                  p.stdin.end();
                }
              });
              p.stdin.on('drain', () => c.stdout.resume());
              let peakKiB = 0;
              const sample = setInterval(() => {
                const v = (procStatusKiB(c.pid, 'VmHWM') ?? 0) + (procStatusKiB(p.pid, 'VmHWM') ?? 0);
                if (v > peakKiB) peakKiB = v;
              }, 50);
              const gone = (x) => new Promise((res) => (x.exitCode !== null || x.signalCode !== null ? res() : x.on('exit', () => res())));
              return {
                peakRssMiB: () => Math.round((peakKiB / 1024) * 10) / 10,
                async stop() {
                  clearInterval(sample);
                  c.kill('SIGKILL');
                  await gone(c);
                  p.stdin.end();
                  const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
                  await gone(p);
                  clearTimeout(t);
                },
              };
            }, `bench-out-b${r}`),
        },
      },
      ratios: [{ name: 'sluice/kcat', num: 'sluice', den: 'baseline', target: 0.5 }],
    });
  } finally {
    await admin.disconnect().catch(() => {});
    await mock.stop();
  }
}
