/**
 * The shared conformance suite every input/output pair runs against its real service: round trip
 * of batches, metadata, at-least-once after a nack, reconnect after the connection drops (through
 * a FaultProxy), redelivery after the consuming process is killed and restarted, and metrics.
 * A connector opts in with a small description of its configs; see connectorSuite().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { runStream } from '../library.js';
import { silentLogger } from '../core/logger.js';
import { TestSink, sinks } from './test_components.js';
import { waitFor } from './wait.js';
import { FaultProxy } from './fault_proxy.js';
import { spawnCli, repoRoot } from './cli.js';

export interface ConnectorTarget {
  /** Shown in test names, e.g. "redis_streams". */
  name: string;
  /** host:port of the real service. */
  address: string;
  /** Output config (the value under `output:`) writing to destination `id` via `address`. */
  output(id: string, address: string): Record<string, unknown>;
  /** Input config reading destination `id` via `address`, as member of consumer group `group`. */
  input(id: string, address: string, group: string): Record<string, unknown>;
  /** Create what the destination needs before anything is written (queue, stream, topic). */
  setup?(id: string): Promise<void>;
  cleanup?(id: string): Promise<void>;
  /** Metadata keys set by the producer that the consumer must see again. */
  metadataRoundTrip?: boolean;
  /** The source redelivers nacked messages (queues, logs); false for at-most-once inputs. */
  redelivers: boolean;
  /** Messages per test (default 300). */
  count?: number;
  /** Upper bound of messages the input holds unacknowledged (for the duplicate bound after a kill). */
  inFlightWindow?: number;
  /** Time for a started consumer to become ready before producing (e.g. subscriptions). */
  consumerWarmupMs?: number;
  /** Skip individual tests with a reason. */
  skip?: Partial<Record<'roundTrip' | 'metadata' | 'nack' | 'reconnect' | 'kill', string>>;
}

let seq = 0;
function uniqueId(name: string): string {
  return `sluice_${name}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
}

/** Produce messages with seq offset+1 .. offset+count. */
async function produce(t: ConnectorTarget, id: string, count: number, address = t.address, offset = 0): Promise<void> {
  const handle = await runStream(
    {
      http: { enabled: false },
      input: {
        generate: { count, interval: '', mapping: `let n = counter() + ${offset}\nroot.seq = $n\nmeta sluice_seq = $n.string()` },
      },
      output: t.output(id, address),
    },
    { logger: silentLogger },
  );
  const code = await handle.done;
  assert.equal(code, 0, 'producer exited cleanly');
}

function seqOf(text: string): number {
  return (JSON.parse(text) as { seq: number }).seq;
}

function startConsumer(t: ConnectorTarget, id: string, sinkId: string, group: string, address = t.address, extra: Record<string, unknown> = {}) {
  return runStream(
    { http: { enabled: false }, input: t.input(id, address, group), output: { test_sink: { id: sinkId, max_in_flight: 4 } }, shutdown_timeout: '3s', ...extra },
    { logger: silentLogger },
  );
}

function expectAll(sink: TestSink, count: number): void {
  const seen = new Set(sink.delivered.map(seqOf));
  for (let i = 1; i <= count; i++) assert.ok(seen.has(i), `message ${i} of ${count} never arrived`);
}

export function connectorSuite(t: ConnectorTarget): void {
  const count = t.count ?? 300;
  const warm = (): Promise<void> => new Promise((r) => setTimeout(r, t.consumerWarmupMs ?? 0));

  test(`${t.name}: round trip of ${count} messages, metrics counted`, { skip: t.skip?.roundTrip }, async () => {
    const id = uniqueId(t.name);
    await t.setup?.(id);
    const sink = new TestSink();
    sinks.set(id, sink);
    const consumer = await startConsumer(t, id, id, `${id}_g`);
    await warm();
    await produce(t, id, count);
    await waitFor(() => new Set(sink.delivered).size >= count, 20_000, `${count} messages`);
    assert.equal(await consumer.stop(), 0);
    expectAll(sink, count);
    assert.ok(consumer.metrics.sum('input_received') >= count);
    assert.equal(consumer.metrics.sum('output_sent'), sink.delivered.length);
    await t.cleanup?.(id);
  });

  test(`${t.name}: metadata round trip`, { skip: t.skip?.metadata ?? (t.metadataRoundTrip ? undefined : 'no metadata on this transport') }, async () => {
    const id = uniqueId(t.name);
    await t.setup?.(id);
    const sink = new TestSink();
    const seen: string[] = [];
    sinks.set(id, sink);
    const consumer = await runStream(
      {
        http: { enabled: false },
        input: t.input(id, t.address, `${id}_g`),
        pipeline: { processors: [{ mapping: 'root = this\nroot.meta_seq = @sluice_seq' }] },
        output: { test_sink: { id } },
      },
      { logger: silentLogger },
    );
    sink.beforeWrite = (b) => void seen.push(...b);
    await warm();
    await produce(t, id, 5);
    await waitFor(() => seen.length >= 5, 20_000, '5 messages');
    await consumer.stop();
    for (const text of seen) {
      const doc = JSON.parse(text) as { seq: number; meta_seq: unknown };
      assert.equal(String(doc.meta_seq), String(doc.seq), 'metadata sluice_seq came back');
    }
    await t.cleanup?.(id);
  });

  test(`${t.name}: at-least-once after a nack`, { skip: t.skip?.nack ?? (t.redelivers ? undefined : 'source cannot redeliver') }, async () => {
    const id = uniqueId(t.name);
    await t.setup?.(id);
    await produce(t, id, count);
    // First consumer: the output stalls, shutdown is forced, what it held is nacked.
    const stalled = new TestSink();
    stalled.stallWrites();
    sinks.set(`${id}_a`, stalled);
    const first = await startConsumer(t, id, `${id}_a`, `${id}_g`, t.address, { shutdown_timeout: '200ms' });
    await waitFor(() => stalled.active > 0, 20_000, 'a write in flight');
    assert.equal(await first.stop(), 1, 'forced shutdown reports failure');
    // Second consumer in the same group gets everything, including what was nacked.
    const sink = new TestSink();
    sinks.set(`${id}_b`, sink);
    const second = await startConsumer(t, id, `${id}_b`, `${id}_g`);
    await waitFor(() => new Set(sink.delivered).size >= count, 30_000, `all ${count} after the nack`);
    await second.stop();
    expectAll(sink, count);
    await t.cleanup?.(id);
  });

  test(`${t.name}: reconnects after the connection is reset`, { skip: t.skip?.reconnect }, async () => {
    const id = uniqueId(t.name);
    await t.setup?.(id);
    const [host, port] = t.address.split(':');
    const proxy = new FaultProxy(host!, Number(port));
    await proxy.start();
    const sink = new TestSink();
    sinks.set(id, sink);
    const consumer = await startConsumer(t, id, id, `${id}_g`, `127.0.0.1:${proxy.port}`);
    await warm();
    const half = Math.floor(count / 2);
    await produce(t, id, half);
    await waitFor(() => new Set(sink.delivered.map(seqOf)).size >= half, 20_000, 'first half');
    const before = proxy.connections;
    proxy.reset();
    await waitFor(() => proxy.connections > before, 30_000, 'the input to reconnect');
    // A subscription is re-established a moment after the connection: give it the warm-up time.
    await warm();
    // The second half has new sequence numbers, so only messages sent after the reset count.
    await produce(t, id, count - half, t.address, half);
    await waitFor(() => new Set(sink.delivered.map(seqOf)).size >= count, 30_000, 'second half after reset');
    expectAll(sink, count);
    await consumer.stop();
    await proxy.stop();
    await t.cleanup?.(id);
  });

  test(`${t.name}: no loss when the consuming process is killed and restarted`, { skip: t.skip?.kill ?? (t.redelivers ? undefined : 'source cannot redeliver') }, async () => {
    const id = uniqueId(t.name);
    await t.setup?.(id);
    const total = Math.max(count, 1000);
    await produce(t, id, total);
    const dir = mkdtempSync(join(tmpdir(), 'sluice-kill-'));
    const out = join(dir, 'out.txt');
    const config = join(dir, 'consumer.yaml');
    writeFileSync(
      config,
      stringify({
        http: { enabled: false },
        input: t.input(id, t.address, `${id}_g`),
        output: { slow_file: { path: out, delay_ms: 2, max_in_flight: 4 } },
        logger: { level: 'WARN' },
      }),
    );
    const plugin = resolve(repoRoot, 'test/fixtures/plugins/counting_source.mjs');
    // Only complete lines: the consumer may be half-way through writing the last one.
    const lines = (): string[] => {
      if (!existsSync(out)) return [];
      const parts = readFileSync(out, 'utf8').split('\n');
      parts.pop();
      return parts.filter((l) => l !== '');
    };
    const first = spawnCli(['run', '--plugin', plugin, config], { stdio: 'ignore' });
    await waitFor(() => lines().length >= total / 4, 30_000, 'consumer to make progress');
    first.kill('SIGKILL');
    await new Promise((r) => first.on('exit', r));
    const atKill = lines().length;
    const second = spawnCli(['run', '--plugin', plugin, config], { stdio: 'ignore' });
    try {
      await waitFor(() => new Set(lines().map(seqOf)).size >= total, 60_000, `all ${total} after restart`);
    } finally {
      second.kill('SIGTERM');
      await new Promise((r) => second.on('exit', r));
    }
    const all = lines().map(seqOf);
    const dups = all.length - new Set(all).size;
    assert.ok(atKill < total, 'the kill happened mid-stream');
    if (t.inFlightWindow !== undefined) assert.ok(dups <= t.inFlightWindow, `${dups} duplicates exceed the in-flight window ${t.inFlightWindow}`);
    for (let i = 1; i <= total; i++) assert.ok(all.includes(i), `message ${i} lost after the kill`);
    await t.cleanup?.(id);
  });
}
