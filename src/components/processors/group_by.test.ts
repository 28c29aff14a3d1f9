import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runThrough, check } from '../_shared/flow_test_util.js';

const DESCRIBE = { mapping: 'root = content().string() + "|" + (metadata("grouping") | "none") + "|" + batch_index().string() + "/" + batch_size().string()' };

test('group_by: the docs example: foos are grouped and labelled, the rest form their own group last', async () => {
  const r = await runThrough(
    [{ group_by: [{ check: check('content().contains("this is a foo")'), processors: [{ mapping: 'meta grouping = "foo"' }] }] }, DESCRIBE],
    ['bar 1', 'this is a foo 1', 'bar 2', 'this is a foo 2'],
    { batchSize: 4 },
  );
  assert.deepEqual(r.delivered, ['this is a foo 1|foo|0/2', 'this is a foo 2|foo|1/2', 'bar 1|none|0/2', 'bar 2|none|1/2']);
  assert.equal(r.writes, 2);
});

test('group_by: a message joins the first group whose check passes; groups come out in group order', async () => {
  const r = await runThrough(
    [
      {
        group_by: [
          { check: check('this.n > 10'), processors: [{ mapping: 'meta grouping = "big"' }] },
          { check: check('this.n > 0'), processors: [{ mapping: 'meta grouping = "positive"' }] },
        ],
      },
      DESCRIBE,
    ],
    ['{"n":1}', '{"n":20}', '{"n":-1}', '{"n":2}', '{"n":30}'],
    { batchSize: 5 },
  );
  assert.deepEqual(r.delivered, ['{"n":20}|big|0/2', '{"n":30}|big|1/2', '{"n":1}|positive|0/2', '{"n":2}|positive|1/2', '{"n":-1}|none|0/1']);
  assert.equal(r.writes, 3);
});

test('group_by: a check that fails counts as not matching', async () => {
  const r = await runThrough([{ group_by: [{ check: check('this.n > 0'), processors: [{ mapping: 'meta grouping = "g"' }] }] }, DESCRIBE], ['{"n":1}', 'nope'], { batchSize: 2 });
  assert.deepEqual(r.delivered, ['{"n":1}|g|0/1', 'nope|none|0/1']);
});

test('group_by: the docs example check in its documented form (a bare query)', async () => {
  const r = await runThrough(
    [{ group_by: [{ check: 'content().contains("this is a foo")', processors: [{ mapping: 'meta grouping = "foo"' }] }] }, DESCRIBE],
    ['bar 1', 'this is a foo 1'],
    { batchSize: 2 },
  );
  assert.deepEqual(r.delivered, ['this is a foo 1|foo|0/1', 'bar 1|none|0/1']);
});
