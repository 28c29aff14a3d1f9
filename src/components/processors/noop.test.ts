import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline, texts } from '../_shared/proc_test_support.js';

test('noop passes every message and batch through unchanged, metadata included', async () => {
  const run = await runPipeline([{ noop: {} }], ['a', 'b', 'c'], { meta: { k: 'v{i}' } });
  assert.deepEqual(texts(run), [['a', 'b', 'c']]);
  assert.deepEqual(run.batches[0]!.map((m) => m.getMeta('k')), ['v0', 'v1', 'v2']);
  assert.deepEqual(run.delivered, ['a', 'b', 'c']);
  assert.equal(run.source.acked.length, 3);
});

test('noop also accepts an empty value (`noop:` / `noop: null`)', async () => {
  const run = await runPipeline([{ noop: null }], ['x']);
  assert.deepEqual(run.delivered, ['x']);
});
