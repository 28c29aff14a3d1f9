import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline } from '../_shared/proc_test_support.js';

const caches = { cache_resources: [{ label: 'seen', memory: {} }] };

test('dedupe drops a message whose key was seen before, in the same batch and across batches', async () => {
  const run = await runPipeline([{ dedupe: { cache: 'seen', key: '${! this.id }' } }], ['{"id":1,"v":"a"}', '{"id":2,"v":"b"}', '{"id":1,"v":"c"}', '{"id":2,"v":"d"}', '{"id":3,"v":"e"}'], {
    batchSize: 2,
    config: caches,
  });
  assert.deepEqual(run.delivered, ['{"id":1,"v":"a"}', '{"id":2,"v":"b"}', '{"id":3,"v":"e"}']);
  assert.equal(run.exitCode, 0);
});

test('dedupe with strategy LIFO keeps the last message of a batch with a key', async () => {
  const run = await runPipeline([{ dedupe: { cache: 'seen', key: '${! this.id }', strategy: 'LIFO' } }], ['{"id":1,"v":"a"}', '{"id":2,"v":"b"}', '{"id":1,"v":"c"}'], {
    config: caches,
  });
  assert.deepEqual(run.delivered, ['{"id":2,"v":"b"}', '{"id":1,"v":"c"}']);
});

test('dedupe refuses a cache that is not declared', async () => {
  await assert.rejects(runPipeline([{ dedupe: { cache: 'nope', key: '${! content() }' } }], ['a']), /cache resource 'nope' was not found/);
});
