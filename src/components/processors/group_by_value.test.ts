import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runThrough } from '../_shared/flow_test_util.js';

test('group_by_value: batches by an interpolated value, in order of first appearance', async () => {
  const r = await runThrough(
    [{ mapping: 'meta key = this.k\nroot = this.n' }, { group_by_value: { value: '${! metadata("key") }' } }, { mapping: 'root = content().string() + "/" + batch_size().string()' }],
    ['{"k":"b","n":1}', '{"k":"a","n":2}', '{"k":"b","n":3}', '{"k":"c","n":4}', '{"k":"a","n":5}'],
    { batchSize: 5 },
  );
  assert.deepEqual(r.delivered, ['1/2', '3/2', '2/2', '5/2', '4/1']);
  assert.equal(r.writes, 3);
});

test('group_by_value: values combining several interpolations', async () => {
  const r = await runThrough(
    [{ group_by_value: { value: '${! json("foo.bar") }-${! json("baz") }' } }, { mapping: 'root = this.id.string() + "/" + batch_size().string()' }],
    ['{"id":1,"foo":{"bar":"x"},"baz":1}', '{"id":2,"foo":{"bar":"x"},"baz":2}', '{"id":3,"foo":{"bar":"x"},"baz":1}'],
    { batchSize: 3 },
  );
  assert.deepEqual(r.delivered, ['1/2', '3/2', '2/1']);
});
