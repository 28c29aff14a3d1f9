import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';
import { waitFor } from '../../testing/wait.js';

function sink(id: string): TestSink {
  const s = new TestSink();
  sinks.set(id, s);
  return s;
}

async function start(id: string, source: TestSource, output: unknown, extra: Record<string, unknown> = {}) {
  sources.set(id, source);
  return runStream({ http: { enabled: false }, input: { test_source: { id } }, output, ...extra }, { logger: silentLogger });
}

test('drop_on error: failed writes are dropped and acknowledged', async () => {
  const s = sink('do-err');
  s.failFirst = 1_000_000;
  const source = new TestSource(['a', 'b', 'c']);
  const handle = await start('do-err', source, { drop_on: { error: true, output: { test_sink: { id: 'do-err' } } } });
  assert.equal(await handle.done, 0);
  assert.equal(s.writes, 3, 'one attempt each: nothing is retried');
  assert.deepEqual(s.delivered, []);
  assert.deepEqual(source.acked, ['a', 'b', 'c']);
  assert.deepEqual(source.nacked, []);
});

test('drop_on error_patterns: a matching error drops; another error is not dropped', async () => {
  const dropped = sink('do-pat');
  dropped.failFirst = 1_000_000;
  const source = new TestSource(['a']);
  const handle = await start('do-pat', source, { drop_on: { error_patterns: ['^nothing', 'planned [a-z]+ 1 of'], output: { test_sink: { id: 'do-pat' } } } });
  assert.equal(await handle.done, 0);
  assert.equal(dropped.writes, 1);
  assert.deepEqual(source.acked, ['a']);

  // No pattern matches: the failure goes up, the root output retries, and the message gets through.
  const kept = sink('do-pat2');
  kept.failFirst = 2;
  const handle2 = await start('do-pat2', new TestSource(['b']), { drop_on: { error_patterns: ['^nothing'], output: { test_sink: { id: 'do-pat2' } } } });
  assert.equal(await handle2.done, 0);
  assert.deepEqual(kept.delivered, ['b']);
  assert.equal(kept.writes, 3);
});

test('drop_on back_pressure with error: a stuck child makes messages drop (acked) instead of waiting', async () => {
  const s = sink('do-bp');
  s.stallWrites();
  const source = new TestSource(['a', 'b', 'c', 'd']);
  const handle = await start('do-bp', source, { drop_on: { error: true, back_pressure: '50ms', output: { test_sink: { id: 'do-bp' } } } });
  await waitFor(() => source.acked.length === 4, 3000, 'every message to be dropped while the child is stuck');
  assert.deepEqual(s.delivered, []);
  s.resume();
  assert.equal(await handle.done, 0);
  // Only the write the child was stuck on went through in the end.
  assert.equal(s.writes, 1);
});

test('drop_on back_pressure without error: a stuck child fails messages instead (nothing acked until it recovers)', async () => {
  const s = sink('do-bpf');
  s.stallWrites();
  const source = new TestSource(['a', 'b']);
  const handle = await start('do-bpf', source, { drop_on: { back_pressure: '30ms', output: { test_sink: { id: 'do-bpf' } } } });
  await new Promise((r) => setTimeout(r, 300));
  assert.deepEqual(source.acked, []);
  s.resume();
  assert.equal(await handle.done, 0);
  // At least once: the write given up on still completed, so `a` may also arrive a second time.
  assert.deepEqual([...new Set(s.delivered)].sort(), ['a', 'b']);
  assert.deepEqual([...source.acked].sort(), ['a', 'b']);
});
