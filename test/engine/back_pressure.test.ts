/**
 * Back pressure: while the output is stalled the input is not read beyond a fixed bound, so
 * memory cannot grow; once the output recovers, everything flows and nothing is lost.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../src/library.js';
import { TestSink, TestSource, sinks, sources } from '../../src/testing/test_components.js';
import { silentLogger } from '../../src/core/logger.js';
import { waitFor } from '../../src/testing/wait.js';

const N = 100_000;

async function stalledRun(id: string, output: Record<string, unknown>, threads: number): Promise<{ readWhileStalled: number; source: TestSource; sink: TestSink; code: number }> {
  const source = new TestSource(Array.from({ length: N }, (_, i) => `m${i}`));
  const sink = new TestSink();
  sink.stallWrites();
  sources.set(id, source);
  sinks.set(id, sink);
  const handle = await runStream(
    { http: { enabled: false }, input: { test_source: { id } }, pipeline: { threads }, output: { test_sink: { id, ...output } } },
    { logger: silentLogger },
  );
  // Give the reader every chance to run ahead while nothing can be delivered.
  await new Promise((r) => setTimeout(r, 300));
  const readWhileStalled = source.read;
  sink.resume();
  const code = await handle.done;
  return { readWhileStalled, source, sink, code };
}

test('a stalled output stops the input: reads stay under max_in_flight + threads + 1', async () => {
  const maxInFlight = 4;
  const threads = 2;
  const r = await stalledRun('bp-plain', { max_in_flight: maxInFlight }, threads);
  const bound = maxInFlight + threads + 1;
  assert.ok(r.readWhileStalled <= bound, `read ${r.readWhileStalled} messages while stalled; bound is ${bound}`);
  assert.ok(r.readWhileStalled >= 1);
  assert.equal(r.code, 0);
  assert.equal(r.sink.delivered.length, N);
  assert.equal(r.source.acked.length, N);
});

test('with batching, reads while stalled stay under (max_in_flight + 1) x count + threads + 1', async () => {
  const maxInFlight = 2;
  const count = 50;
  const threads = 2;
  const r = await stalledRun('bp-batch', { max_in_flight: maxInFlight, batching: { count } }, threads);
  const bound = (maxInFlight + 1) * count + threads + 1;
  assert.ok(r.readWhileStalled <= bound, `read ${r.readWhileStalled} messages while stalled; bound is ${bound}`);
  assert.equal(r.code, 0);
  assert.equal(new Set(r.sink.delivered).size, N);
});

test('stop() during a stall: shutdown_timeout forces exit 1 and nothing undelivered is acked', async () => {
  const source = new TestSource(Array.from({ length: 1000 }, (_, i) => `m${i}`));
  const sink = new TestSink();
  sink.stallWrites();
  sources.set('bp-force', source);
  sinks.set('bp-force', sink);
  const handle = await runStream(
    { http: { enabled: false }, input: { test_source: { id: 'bp-force' } }, output: { test_sink: { id: 'bp-force', max_in_flight: 2 } }, shutdown_timeout: '200ms' },
    { logger: silentLogger },
  );
  await waitFor(() => sink.active > 0, 2000, 'a write in flight');
  const code = await handle.stop();
  assert.equal(code, 1);
  assert.equal(sink.delivered.length, 0);
  assert.equal(source.acked.length, 0, 'nothing may be acked that was not delivered');
  assert.ok(source.nacked.length > 0, 'in-flight batches are nacked for redelivery');
});

test('stop() with messages in flight drains them: exit 0, everything read was delivered and acked', async () => {
  const source = new TestSource(Array.from({ length: 100 }, (_, i) => `m${i}`), false);
  const sink = new TestSink();
  sources.set('bp-drain', source);
  sinks.set('bp-drain', sink);
  let slow = 0;
  sink.beforeWrite = () => {
    slow++;
  };
  const handle = await runStream(
    { http: { enabled: false }, input: { test_source: { id: 'bp-drain' } }, output: { test_sink: { id: 'bp-drain', max_in_flight: 8, batching: { count: 1000, period: '1h' } } } },
    { logger: silentLogger },
  );
  await waitFor(() => source.read === 100, 2000, 'all read');
  // All 100 sit in a partial batch that would wait an hour: stop must flush it at once.
  assert.equal(sink.delivered.length, 0);
  const started = Date.now();
  const code = await handle.stop();
  assert.equal(code, 0);
  assert.ok(Date.now() - started < 2000, 'partial batch flushed without waiting for the period');
  assert.equal(sink.delivered.length, 100);
  assert.equal(source.acked.length, 100);
  assert.equal(slow, 1);
});
