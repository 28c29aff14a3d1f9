/**
 * Every compression codec of the Kafka output, on librdkafka's mock cluster: what Sluice writes
 * is read back by Sluice and by librdkafka itself (kcat as a client), and what librdkafka
 * compresses is read by Sluice.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import '../../src/components/index.js';
import { sinks, TestSink, waitFor } from '../../src/testing/index.js';
import { requireKcat, startKafkaMock } from '../../src/testing/kafka_mock.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const skip = requireKcat();
let seq = 0;
const uniq = (what: string): string => `sluice_kc_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
const seqs = (sink: TestSink): number[] => sink.delivered.map((t) => (JSON.parse(t) as { seq: number }).seq);

if (skip) {
  test('kafka compression', { skip }, () => {});
} else {
  const mock = await startKafkaMock();
  const brokers = mock.brokers;
  after(() => mock.stop());

  const produce = async (output: Record<string, unknown>, count: number, mapping: string): Promise<void> => {
    const h = await runStream({ http: { enabled: false }, input: { generate: { count, interval: '', mapping } }, output }, { logger: silentLogger });
    assert.equal(await h.done, 0, 'the producer exited cleanly');
  };
  const consume = (input: Record<string, unknown>, sinkId: string) =>
    runStream({ http: { enabled: false }, input, output: { test_sink: { id: sinkId } } }, { logger: silentLogger });

  for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    test(`kafka: ${codec} compression round trip (Sluice to Sluice, Sluice to librdkafka, librdkafka to Sluice)`, async () => {
      const topic = uniq(codec);
      const count = 200;
      // Compressible bodies, so the codec really has work to do.
      await produce({ kafka: { addresses: brokers, topic, compression: codec, batching: { count: 50 } } }, count, 'root.seq = counter()\nroot.pad = "abc".repeat(50)');
      // librdkafka (kcat) decodes what we wrote.
      const fromKcat = await kcat(['-C', '-b', brokers.join(','), '-t', topic, '-e', '-q', '-f', '%s\\n', '-o', 'beginning']);
      const kcatSeqs = fromKcat
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { seq: number }).seq);
      assert.equal(new Set(kcatSeqs).size, count, `kcat read all ${count} ${codec} messages`);
      // librdkafka encodes, we decode: 100 more lines, compressed by kcat.
      const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify({ seq: count + 1 + i, pad: 'xyz'.repeat(40) })).join('\n') + '\n';
      await kcat(['-P', '-b', brokers.join(','), '-t', topic, '-z', codec, '-p', '1'], lines);
      const sink = new TestSink();
      sinks.set(topic, sink);
      const c = await consume({ kafka_franz: { seed_brokers: brokers, topics: [topic], consumer_group: uniq('g') } }, topic);
      try {
        await waitFor(() => new Set(seqs(sink)).size >= count + 100, 20_000, `${count + 100} messages`);
      } finally {
        await c.stop();
      }
      const got = new Set(seqs(sink));
      for (let i = 1; i <= count + 100; i++) assert.ok(got.has(i), `message ${i} missing`);
    });
  }

}

/** Run kcat as a client of the mock; resolves with its stdout. */
function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${err.slice(-500)}`));
    });
    p.stdin.end(input ?? '');
  });
}
