import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJson, runThrough } from '../_shared/flow_test_util.js';

test('for_each: children see each message as a batch of one; the result is one batch again', async () => {
  const out = await runJson(
    [{ for_each: [{ mapping: 'root = this\nroot.inner = batch_size()' }] }, { mapping: 'root = this\nroot.outer = batch_size()' }],
    [{ n: 1 }, { n: 2 }, { n: 3 }],
    { batchSize: 3 },
  );
  assert.deepEqual(out, [
    { n: 1, inner: 1, outer: 3 },
    { n: 2, inner: 1, outer: 3 },
    { n: 3, inner: 1, outer: 3 },
  ]);
});

test('for_each: dropped messages are gone, the rest keep their order', async () => {
  const r = await runThrough([{ for_each: [{ mapping: 'root = if content() == "b" { deleted() } else { content() }' }] }], ['a', 'b', 'c'], { batchSize: 3 });
  assert.deepEqual(r.delivered, ['a', 'c']);
  assert.equal(r.writes, 1);
});
