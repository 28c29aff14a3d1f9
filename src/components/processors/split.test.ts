import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline, texts } from '../_shared/proc_test_support.js';

const items = (n: number): string[] => Array.from({ length: n }, (_, i) => `m${i}`);

test('size 10 splits a batch of 95 into 9 batches of 10 and one of 5 (the documented example)', async () => {
  const run = await runPipeline([{ split: { size: 10 } }], items(95));
  assert.deepEqual(
    run.batches.map((b) => b.length),
    [10, 10, 10, 10, 10, 10, 10, 10, 10, 5],
  );
  assert.deepEqual(run.batches.flat().map((m) => m.asString()), items(95));
  // The source batch is acknowledged once every split batch was delivered.
  assert.equal(run.source.acked.length, 95);
  assert.deepEqual(run.delivered, items(95));
});

test('the default size is 1: one batch per message', async () => {
  const run = await runPipeline([{ split: {} }], ['a', 'b', 'c']);
  assert.deepEqual(texts(run), [['a'], ['b'], ['c']]);
});

test('byte_size closes a batch before it would exceed the byte limit, whichever limit comes first', async () => {
  // Sizes 3,3,3,5,1 with byte_size 6 and size 0 (no count limit): [3,3] [3] [5,1].
  const run = await runPipeline([{ split: { size: 0, byte_size: 6 } }], ['aaa', 'bbb', 'ccc', 'ddddd', 'e']);
  assert.deepEqual(texts(run), [['aaa', 'bbb'], ['ccc'], ['ddddd', 'e']]);
  // With size 2 as well, the count limit cuts first where it is reached first.
  const both = await runPipeline([{ split: { size: 2, byte_size: 100 } }], ['a', 'b', 'c']);
  assert.deepEqual(texts(both), [['a', 'b'], ['c']]);
});

test('a single message larger than byte_size gets a batch of its own and a warning', async () => {
  const run = await runPipeline([{ split: { size: 0, byte_size: 4 } }], ['toolarge', 'ab', 'cd']);
  assert.deepEqual(texts(run), [['toolarge'], ['ab', 'cd']]);
  assert.ok(run.logs.some((l) => l.level === 'warn' && String(l.msg).includes("target batch byte size of '4', actual size: '8'")));
});

test('metadata travels with each message into its new batch', async () => {
  const run = await runPipeline([{ split: { size: 2 } }], ['a', 'b', 'c'], { meta: { n: '{i}' } });
  assert.deepEqual(run.batches.map((b) => b.map((m) => m.getMeta('n'))), [['0', '1'], ['2']]);
});
