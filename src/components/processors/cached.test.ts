import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline } from '../_shared/proc_test_support.js';
import { encodeBatch, decodeBatch } from '../_shared/cache_batch_codec.js';

test('cached: runs the processors once per key and serves later messages from the cache', async () => {
  // count("calls") goes up only when the processors really run.
  const run = await runPipeline(
    [
      {
        cached: {
          cache: 'c',
          key: '${! content() }',
          processors: [{ mapping: 'root = content().string() + "-" + count("calls").string()' }],
        },
      },
    ],
    ['a', 'b', 'a', 'a', 'b'],
    { config: { cache_resources: [{ label: 'c', memory: {} }] }, batchSize: 1 },
  );
  assert.deepEqual(run.delivered, ['a-1', 'b-2', 'a-1', 'a-1', 'b-2']);
});

test('cached: skip_on keeps failed results out of the cache', async () => {
  const run = await runPipeline(
    [
      {
        cached: {
          cache: 'c',
          key: 'same',
          skip_on: 'errored()',
          processors: [{ mapping: 'root = if count("tries") < 2 { throw("flaky") } else { "ok" }' }],
        },
      },
      { catch: [{ mapping: 'root = "failed"' }] },
    ],
    ['x', 'x', 'x'],
    { config: { cache_resources: [{ label: 'c', memory: {} }] }, batchSize: 1 },
  );
  assert.deepEqual(run.delivered, ['failed', 'ok', 'ok']);
});

test('cached: the stored format is Benthos v1 (version, count, then length-prefixed contents)', () => {
  const enc = encodeBatch([Buffer.from('hi'), Buffer.from('')]);
  assert.deepEqual([...enc], [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 104, 105, 0, 0, 0, 0]);
  assert.deepEqual(decodeBatch(enc).map((b) => b.toString()), ['hi', '']);
  assert.throws(() => decodeBatch(Buffer.from([0, 0, 0, 9])), /invalid format version: 9/);
});
