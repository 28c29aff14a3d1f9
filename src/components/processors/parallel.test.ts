import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concurrency, runJson } from '../_shared/flow_test_util.js';

const items = [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }];

test('parallel: messages of a batch are processed at the same time, results in the original order', async () => {
  concurrency.max = 0;
  const out = await runJson(
    [{ parallel: { processors: [{ flow_test_sleep: { ms: 60 } }, { mapping: 'root = this\nroot.size = batch_size()' }] } }, { mapping: 'root = this\nroot.outer = batch_size()' }],
    items,
    { batchSize: 4 },
  );
  assert.equal(concurrency.max, 4);
  assert.deepEqual(out, items.map((x) => ({ ...x, size: 1, outer: 4 })));
});

test('parallel: cap limits how many messages are processed at once', async () => {
  concurrency.max = 0;
  const out = await runJson([{ parallel: { cap: 2, processors: [{ flow_test_sleep: { ms: 30 } }] } }], items, { batchSize: 4 });
  assert.equal(concurrency.max, 2);
  assert.deepEqual(out, items);
});
