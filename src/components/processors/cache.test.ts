import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline, texts } from '../_shared/proc_test_support.js';

const caches = { cache_resources: [{ label: 'c', memory: {} }] };

test('cache: set stores the content (or value), get replaces the content, exists answers true/false', async () => {
  const run = await runPipeline(
    [
      { cache: { resource: 'c', operator: 'set', key: 'k-${! content() }' } },
      { cache: { resource: 'c', operator: 'set', key: 'v-${! content() }', value: 'value of ${! content() }' } },
      { cache: { resource: 'c', operator: 'get', key: 'v-${! content() }' } },
      { mapping: 'root = content().string() + " / " + meta("x").or("")' },
    ],
    ['a', 'b'],
    { config: caches, meta: { x: 'm{i}' } },
  );
  assert.deepEqual(run.delivered, ['value of a / m0', 'value of b / m1'], 'metadata is kept by get');
  const check = await runPipeline(
    [
      { cache: { resource: 'c', operator: 'set', key: 'present', value: '1' } },
      { cache: { resource: 'c', operator: 'exists', key: '${! content() }' } },
    ],
    ['present', 'absent'],
    { config: caches },
  );
  assert.deepEqual(check.delivered, ['true', 'false']);
});

test('cache: add on an existing key and get of a missing key flag the message with Benthos wording', async () => {
  const run = await runPipeline(
    [
      { cache: { resource: 'c', operator: 'add', key: '${! content() }', value: 'x' } },
      { test_capture: { id: 'unused' } },
    ],
    ['dup', 'dup', 'other'],
    { config: caches, batchSize: 3 },
  );
  const errs = run.batches[0]!.map((m) => m.error?.message ?? null);
  assert.deepEqual(errs, [null, 'key already exists', null]);
  const miss = await runPipeline([{ cache: { resource: 'c', operator: 'get', key: 'missing' } }], ['orig'], { config: caches });
  assert.equal(miss.batches[0]![0]!.error?.message, 'key does not exist');
  assert.deepEqual(texts(miss), [['orig']], 'content unchanged on error');
});

test('cache: delete removes a key, a ttl expires it', async () => {
  const run = await runPipeline(
    [
      { cache: { resource: 'c', operator: 'set', key: 'gone', value: 'v' } },
      { cache: { resource: 'c', operator: 'delete', key: 'gone' } },
      { cache: { resource: 'c', operator: 'set', key: 'short', value: 'v', ttl: '30ms' } },
      { sleep: { duration: '60ms' } },
      { cache: { resource: 'c', operator: 'exists', key: 'gone' } },
      { mapping: 'root = content().string()' },
    ],
    ['x'],
    { config: { cache_resources: [{ label: 'c', memory: { compaction_interval: '1ms' } }] } },
  );
  assert.deepEqual(run.delivered, ['false']);
});
