import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';
import { waitFor } from '../../testing/wait.js';

async function writer(id: string, pipe: string, source: TestSource, extra: Record<string, unknown> = {}) {
  sources.set(id, source);
  return runStream({ http: { enabled: false }, input: { test_source: { id } }, output: { inproc: pipe }, ...extra }, { logger: silentLogger });
}

async function reader(id: string, pipe: string, sink: TestSink, extra: Record<string, unknown> = {}) {
  sinks.set(id, sink);
  return runStream({ http: { enabled: false }, input: { inproc: pipe }, output: { test_sink: { id } }, ...extra }, { logger: silentLogger });
}

test('inproc: a round trip between two streams, with acks carried back to the writing stream', async () => {
  const out = new TestSink();
  out.stallWrites();
  const r = await reader('ip-r', 'ip-pipe', out);
  const source = new TestSource(['a', 'b', 'c']);
  const w = await writer('ip-w', 'ip-pipe', source);
  await waitFor(() => out.active > 0, 2000, 'the reading stream to be writing');
  await new Promise((res) => setTimeout(res, 50));
  assert.deepEqual(source.acked, [], 'nothing is acked at the source before the reading stream delivered it');
  out.resume();
  assert.equal(await w.done, 0, 'the writing stream drains once the reader acknowledged everything');
  assert.deepEqual([...source.acked].sort(), ['a', 'b', 'c']);
  assert.deepEqual([...out.delivered].sort(), ['a', 'b', 'c']);
  // The reading input does not end on its own: it stops with its stream.
  assert.equal(await r.stop(), 0);
});

test('inproc: the writer waits for a reader; a batch the reader nacks is sent again to the next reader', async () => {
  const source = new TestSource(['x']);
  const w = await writer('ipn-w', 'ipn-pipe', source);
  await new Promise((res) => setTimeout(res, 50));
  assert.deepEqual(source.acked, [], 'no reader yet');

  // The first reader cannot deliver and is forced to stop: its nack goes back to the writer.
  const stuck = new TestSink();
  stuck.stallWrites();
  const r1 = await reader('ipn-r1', 'ipn-pipe', stuck, { shutdown_timeout: '50ms' });
  await waitFor(() => stuck.active > 0, 2000, 'the first reader to get the batch');
  assert.equal(await r1.stop(), 1);
  assert.deepEqual(source.acked, []);

  // The writing stream's output retries; a second reader gets the batch and delivers it.
  const ok = new TestSink();
  const r2 = await reader('ipn-r2', 'ipn-pipe', ok);
  assert.equal(await w.done, 0);
  assert.deepEqual(ok.delivered, ['x']);
  assert.deepEqual(source.acked, ['x']);
  assert.deepEqual(source.nacked, []);
  stuck.resume();
  assert.equal(await r2.stop(), 0);
});

test('inproc: several readers on one ID share the batches', async () => {
  const [s1, s2] = [new TestSink(), new TestSink()];
  const r1 = await reader('ipm-r1', 'ipm-pipe', s1);
  const r2 = await reader('ipm-r2', 'ipm-pipe', s2);
  const list = Array.from({ length: 20 }, (_, i) => `m${i}`);
  const w = await writer('ipm-w', 'ipm-pipe', new TestSource(list));
  assert.equal(await w.done, 0);
  assert.deepEqual([...s1.delivered, ...s2.delivered].sort(), [...list].sort());
  assert.ok(s1.delivered.length > 0 && s2.delivered.length > 0, `both readers got some (${s1.delivered.length}/${s2.delivered.length})`);
  await Promise.all([r1.stop(), r2.stop()]);
});
