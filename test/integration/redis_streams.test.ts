/**
 * redis_streams against the real Redis on 127.0.0.1:6379: the shared connector suite, plus two
 * consumers of one group splitting the work, pending entries of a killed consumer claimed by a
 * consumer under another client_id, entry fields as metadata, MAXLEN, and an unreachable server.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { Redis } from 'ioredis';
import '../../src/components/index.js';
import { connectorSuite, requireService, sinks, TestSink, waitFor, deadPort, spawnCli, repoRoot } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';

const ADDRESS = '127.0.0.1:6379';
const URL = `redis://${ADDRESS}`;
const skip = await requireService('redis', 6379);
/** Entries per XREADGROUP. */
const LIMIT = 10;
/** max_in_flight of the suite's slow_file output in the kill test. */
const KILL_SINK_IN_FLIGHT = 4;

let seq = 0;
const uniq = (what: string): string => `sluice_rs_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

let redis: Redis | undefined;
const admin = (): Redis => (redis ??= new Redis({ host: '127.0.0.1', port: 6379 }));

async function produce(stream: string, count: number, mapping = 'root.seq = counter()'): Promise<void> {
  const h = await runStream(
    {
      http: { enabled: false },
      input: { generate: { count, interval: '', mapping } },
      output: { redis_streams: { url: URL, stream, max_in_flight: 16, batching: { count: 50, period: '50ms' } } },
    },
    { logger: silentLogger },
  );
  assert.equal(await h.done, 0);
}

const seqs = (sink: TestSink): number[] => sink.delivered.map((t) => (JSON.parse(t) as { seq: number }).seq);

if (skip) {
  test('redis_streams integration', { skip }, () => {});
} else {
  connectorSuite({
    name: 'redis_streams',
    address: ADDRESS,
    output: (id, address) => ({ redis_streams: { url: `redis://${address}`, stream: id } }),
    input: (id, address, group) => ({ redis_streams: { url: `redis://${address}`, streams: [id], consumer_group: group, limit: LIMIT } }),
    cleanup: async (id) => void (await admin().del(id)),
    redelivers: true,
    metadataRoundTrip: true,
    // Delivered but not yet XACKed when the process dies: the IDs waiting to be sent (fewer than
    // `limit`), one XACK round on the wire (at most `limit`), and the writes the output had
    // finished but not yet reported (its max_in_flight). Entries read but not yet delivered come
    // back too, but they are not duplicates.
    inFlightWindow: 2 * LIMIT + KILL_SINK_IN_FLIGHT,
  });

  const inputConf = (stream: string, extra: Record<string, unknown> = {}) => ({
    redis_streams: { url: URL, streams: [stream], consumer_group: 'workers', limit: LIMIT, ...extra },
  });

  test('redis_streams: two consumers in one group split the work with no loss', async () => {
    const stream = uniq('split');
    const a = new TestSink();
    const b = new TestSink();
    sinks.set(`${stream}_a`, a);
    sinks.set(`${stream}_b`, b);
    const start = (id: string, client: string) =>
      runStream(
        {
          http: { enabled: false },
          input: inputConf(stream, { client_id: client }),
          pipeline: { processors: [{ sleep: { duration: '1ms' } }] },
          output: { test_sink: { id } },
        },
        { logger: silentLogger },
      );
    const [ca, cb] = await Promise.all([start(`${stream}_a`, 'a'), start(`${stream}_b`, 'b')]);
    const total = 1000;
    await produce(stream, total);
    await waitFor(() => new Set([...seqs(a), ...seqs(b)]).size >= total, 30_000, `${total} messages over both consumers`);
    assert.equal(await ca.stop(), 0);
    assert.equal(await cb.stop(), 0);
    const all = [...seqs(a), ...seqs(b)];
    for (let i = 1; i <= total; i++) assert.ok(all.includes(i), `message ${i} lost`);
    assert.equal(all.length, total, 'no message went to both consumers');
    assert.ok(a.delivered.length > total / 10 && b.delivered.length > total / 10, `both took a share (${a.delivered.length} / ${b.delivered.length})`);
    // Clean shutdowns leave nothing pending.
    const [pending] = (await admin().xpending(stream, 'workers')) as [number];
    assert.equal(pending, 0, 'the group has no pending entries');
    await admin().del(stream);
  });

  test('redis_streams: pending entries of a killed consumer are claimed by one with another client_id', async (t) => {
    const stream = uniq('claim');
    const total = 1000;
    await produce(stream, total);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-redis-claim-'));
    const out = join(dir, 'out.txt');
    const configFor = (client: string): string => {
      const file = join(dir, `${client}.yaml`);
      writeFileSync(
        file,
        stringify({
          http: { enabled: false },
          input: inputConf(stream, { client_id: client, claim_min_idle: '1s', claim_period: '200ms' }),
          output: { slow_file: { path: out, delay_ms: 2, max_in_flight: KILL_SINK_IN_FLIGHT } },
          logger: { level: 'WARN' },
        }),
      );
      return file;
    };
    const plugin = resolve(repoRoot, 'test/fixtures/plugins/counting_source.mjs');
    const lines = (): number[] =>
      existsSync(out)
        ? readFileSync(out, 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => (JSON.parse(l) as { seq: number }).seq)
        : [];
    const first = spawnCli(['run', '--plugin', plugin, configFor('doomed')], { stdio: 'ignore' });
    await waitFor(() => lines().length >= total / 4, 30_000, 'the first consumer to make progress');
    first.kill('SIGKILL');
    await new Promise((r) => first.on('exit', r));
    const atKill = lines().length;
    const pendingOfDoomed = (await admin().xpending(stream, 'workers', '-', '+', 1000, 'doomed')) as unknown[];
    assert.ok(pendingOfDoomed.length > 0, 'the killed consumer left entries pending');
    const second = spawnCli(['run', '--plugin', plugin, configFor('rescuer')], { stdio: 'ignore' });
    try {
      await waitFor(() => new Set(lines()).size >= total, 30_000, `all ${total} after the restart`);
      // Its acks go out within the commit period.
      await waitFor(() => false, 1_500, '').catch(() => {});
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.on('exit', r));
    }
    const all = lines();
    assert.ok(atKill < total, 'the kill happened mid-stream');
    for (let i = 1; i <= total; i++) assert.ok(all.includes(i), `message ${i} lost after the kill`);
    const dups = all.length - new Set(all).size;
    t.diagnostic(`${atKill} delivered before the kill, ${dups} duplicates after the claim`);
    assert.ok(dups <= 2 * LIMIT + KILL_SINK_IN_FLIGHT, `${dups} duplicates`);
    const left = (await admin().xpending(stream, 'workers', '-', '+', 1000)) as unknown[];
    assert.equal(left.length, 0, 'nothing is stranded in the PEL');
    await admin().del(stream);
  });

  test('redis_streams: entry fields become metadata, the ID is redis_stream, max_length caps the stream', async () => {
    const stream = uniq('meta');
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 30, interval: '', mapping: 'root = "doc " + counter().string()\nmeta colour = "blue"\nmeta n = counter()' } },
        output: { redis_streams: { url: URL, stream, body_key: 'payload', max_length: 5, metadata: { exclude_prefixes: ['n'] } } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0);
    const entries = await admin().xrange(stream, '-', '+');
    // MAXLEN ~ trims whole macro nodes only: the cap is rough, but it exists.
    assert.ok(entries.length >= 5 && entries.length <= 30);
    const [, fields] = entries[entries.length - 1]!;
    assert.deepEqual(fields, ['colour', 'blue', 'payload', 'doc 30'], 'metadata first, excluded prefix dropped, body last');

    const sink = new TestSink();
    sinks.set(stream, sink);
    const seen: Array<Record<string, unknown>> = [];
    const c = await runStream(
      {
        http: { enabled: false },
        input: { redis_streams: { url: URL, streams: [stream], consumer_group: 'g', body_key: 'payload' } },
        pipeline: { processors: [{ mapping: 'root.body = content().string()\nroot.meta = @' }] },
        output: { test_sink: { id: stream } },
      },
      { logger: silentLogger },
    );
    sink.beforeWrite = (b) => void seen.push(...b.map((t) => JSON.parse(t) as Record<string, unknown>));
    await waitFor(() => seen.length >= entries.length, 10_000, 'every entry');
    await c.stop();
    const last = seen.find((s) => s.body === 'doc 30')!;
    assert.deepEqual(last.meta, { colour: 'blue', redis_stream: entries[entries.length - 1]![0] });
    await admin().del(stream);
  });

  test('redis_streams: entries without the body key are acknowledged and skipped', async () => {
    const stream = uniq('nobody');
    await admin().xadd(stream, '*', 'other', 'x');
    await admin().xadd(stream, '*', 'body', 'kept');
    const sink = new TestSink();
    sinks.set(stream, sink);
    const c = await runStream({ http: { enabled: false }, input: inputConf(stream), output: { test_sink: { id: stream } } }, { logger: silentLogger });
    await waitFor(() => sink.delivered.length >= 1, 10_000, 'the good entry');
    assert.equal(await c.stop(), 0);
    assert.deepEqual(sink.delivered, ['kept']);
    const [pending] = (await admin().xpending(stream, 'workers')) as [number];
    assert.equal(pending, 0);
    await admin().del(stream);
  });

  test('redis_streams: an unreachable server gives a clear error and the stream is not ready', async () => {
    const port = await deadPort();
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const h = await runStream(
      { http: { enabled: false }, input: { redis_streams: { url: `redis://user:secretpw@127.0.0.1:${port}`, streams: ['x'], consumer_group: 'g' } }, output: { drop: {} } },
      { logger },
    );
    await waitFor(() => errors.length > 0, 10_000, 'a connection error');
    assert.equal(h.stream.ready, false);
    assert.match(errors[0]!, new RegExp(`redis_streams: cannot connect to Redis at 127\\.0\\.0\\.1:${port}`));
    assert.ok(!errors.join('\n').includes('secretpw'), 'the password never shows');
    await h.stop();
  });

  after(() => redis?.disconnect());
}
