import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline } from '../_shared/proc_test_support.js';
import { parseStreamConfig } from '../../library.js';

test('counter increments by exactly 1 per message and ignores value; messages pass unchanged', async () => {
  const run = await runPipeline([{ metric: { type: 'counter', name: 'Foos', value: '${! content() }' } }], ['5', '6', 'x']);
  assert.equal(run.metrics.sum('Foos'), 3);
  assert.deepEqual(run.delivered, ['5', '6', 'x']);
  assert.ok(run.batches[0]!.every((m) => m.error === null));
});

test('labels are interpolated per message: one series per label combination (the documented counter example)', async () => {
  const run = await runPipeline(
    [
      {
        metric: {
          name: 'Foos',
          type: 'counter',
          labels: { topic: '${! meta("kafka_topic") }', type: '${! json("document.type").or("unknown") }' },
        },
      },
    ],
    ['{"document":{"type":"a"}}', '{"document":{"type":"b"}}', '{"document":{"type":"a"}}', '{}'],
    { meta: { kafka_topic: 't1' } },
  );
  assert.equal(run.metrics.sum('Foos', { topic: 't1', type: 'a' }), 2);
  assert.equal(run.metrics.sum('Foos', { topic: 't1', type: 'b' }), 1);
  assert.equal(run.metrics.sum('Foos', { topic: 't1', type: 'unknown' }), 1);
  assert.equal(run.metrics.sum('Foos'), 4);
});

test('counter_by adds integer and float values; negative or non-numeric values are logged and skipped', async () => {
  const run = await runPipeline([{ metric: { type: 'counter_by', name: 'CountCustomField', value: '${! json("field.some.value") }' } }], [
    '{"field":{"some":{"value":3}}}',
    '{"field":{"some":{"value":4}}}',
    '{"field":{"some":{"value":-1}}}',
    '{"field":{"some":{"value":"nope"}}}',
    '{"field":{"some":{"value":1.5}}}',
  ]);
  assert.equal(run.metrics.sum('CountCustomField'), 8.5);
  const errors = run.logs.filter((l) => l.level === 'error').map((l) => String(l.msg));
  assert.equal(errors.length, 2);
  assert.ok(errors[0]!.includes('value -1 is negative'), errors[0]);
  assert.ok(errors[1]!.startsWith('Handler error'), errors[1]);
  // Errors in the metric never flag the messages.
  assert.equal(run.delivered.length, 5);
  assert.ok(run.batches[0]!.every((m) => m.error === null));
});

test('gauge is set to the latest value of its series (the documented gauge example)', async () => {
  const run = await runPipeline(
    [{ metric: { name: 'FooSize', type: 'gauge', labels: { topic: '${! meta("kafka_topic") }' }, value: '${! json("foo.size") }' } }],
    ['{"foo":{"size":5}}', '{"foo":{"size":7}}', '{"foo":{"size":2.5}}'],
    { batchSize: 1, meta: { kafka_topic: 'orders' } },
  );
  assert.equal(run.metrics.sum('FooSize', { topic: 'orders' }), 2.5);
});

test('timing records integer values as nanosecond timings; floats are refused', async () => {
  const run = await runPipeline([{ metric: { type: 'timing', name: 'took', value: '${! content() }' } }], ['1000', '2000', '1.5', '-3']);
  const text = run.metrics.render();
  assert.match(text, /^# TYPE took summary$/m);
  assert.match(text, /^took_sum 3000$/m);
  assert.match(text, /^took_count 2$/m);
  assert.equal(run.logs.filter((l) => l.level === 'error').length, 2);
});

test('custom metrics are visible in the Prometheus text of /metrics with their labels', async () => {
  const run = await runPipeline([{ metric: { type: 'gauge', name: 'FooSize', labels: { topic: 'orders' }, value: '${! content() }' } }], ['42']);
  const text = run.metrics.render();
  assert.match(text, /^# TYPE FooSize gauge$/m);
  assert.match(text, /^FooSize\{topic="orders"\} 42$/m);
});

test('type and name are required, and type must be one of the documented types', () => {
  const bad = parseStreamConfig({ pipeline: { processors: [{ metric: { type: 'histogram', name: 'x' } }] }, output: { drop: {} } });
  assert.equal(bad.config, undefined);
  assert.ok(bad.diagnostics.some((d) => d.message.includes('histogram')));
  const missing = parseStreamConfig({ pipeline: { processors: [{ metric: { type: 'counter' } }] }, output: { drop: {} } });
  assert.equal(missing.config, undefined);
});
