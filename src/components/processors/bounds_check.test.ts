import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline, texts } from '../_shared/proc_test_support.js';

test('defaults keep ordinary batches and drop empty messages (min_part_size 1) with their whole batch', async () => {
  const run = await runPipeline([{ bounds_check: {} }], ['a', 'bb', '', 'c', 'dd'], { batchSize: 2 });
  // Batches: [a,bb] kept, ['',c] dropped for the empty message, [dd] kept.
  assert.deepEqual(texts(run), [['a', 'bb'], ['dd']]);
  assert.deepEqual(run.delivered, ['a', 'bb', 'dd']);
  // Dropped on purpose means acknowledged, never nacked.
  assert.deepEqual([...run.source.acked].sort(), ['', 'a', 'bb', 'c', 'dd']);
  assert.deepEqual(run.source.nacked, []);
});

test('max_part_size drops a batch holding any message that is too large', async () => {
  const run = await runPipeline([{ bounds_check: { max_part_size: 3 } }], ['abc', 'abcd', 'ab', 'a'], { batchSize: 2 });
  assert.deepEqual(texts(run), [['ab', 'a']]);
});

test('min_part_size drops batches with a message that is too small', async () => {
  const run = await runPipeline([{ bounds_check: { min_part_size: 3 } }], ['abc', 'abcd', 'ab', 'abc'], { batchSize: 2 });
  assert.deepEqual(texts(run), [['abc', 'abcd']]);
});

test('max_parts and min_parts bound the number of messages in a batch', async () => {
  const five = ['1', '2', '3', '4', '5'];
  let run = await runPipeline([{ bounds_check: { max_parts: 2 } }], five, { batchSize: 3 });
  // [1,2,3] has 3 > 2 parts: dropped; [4,5] kept.
  assert.deepEqual(texts(run), [['4', '5']]);
  run = await runPipeline([{ bounds_check: { min_parts: 3 } }], five, { batchSize: 3 });
  assert.deepEqual(texts(run), [['1', '2', '3']]);
  assert.equal(run.source.acked.length, 5);
});

test('the byte size counted is that of the raw content (UTF-8 bytes, not characters)', async () => {
  // "héé" is 3 characters but 5 bytes.
  const run = await runPipeline([{ bounds_check: { max_part_size: 4 } }], ['héé', 'abcd'], { batchSize: 1 });
  assert.deepEqual(texts(run), [['abcd']]);
});
