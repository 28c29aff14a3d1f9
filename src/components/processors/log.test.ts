import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline, customLogs } from '../_shared/proc_test_support.js';
import { parseStreamConfig } from '../../library.js';

test('prints one event per message with the interpolated message, at INFO by default, and passes messages unchanged', async () => {
  const run = await runPipeline([{ log: { message: 'got ${! content() } #${! meta("n") }' } }], ['a', 'b'], { meta: { n: '{i}' } });
  const events = customLogs(run);
  assert.deepEqual(
    events.map((e) => [e.level, e.msg]),
    [
      ['info', 'got a #0'],
      ['info', 'got b #1'],
    ],
  );
  assert.deepEqual(run.delivered, ['a', 'b']);
  assert.deepEqual(run.batches[0]!.map((m) => m.getMeta('n')), ['0', '1']);
});

test('events carry the component path like every other log line', async () => {
  const run = await runPipeline([{ log: { message: 'x' } }], ['a']);
  assert.equal(customLogs(run)[0]!.path, 'root.pipeline.processors.0');
});

test('level picks the log level; lower case works too', async () => {
  for (const [level, want] of [
    ['DEBUG', 'debug'],
    ['warn', 'warn'],
    ['ERROR', 'error'],
    ['TRACE', 'trace'],
  ]) {
    const run = await runPipeline([{ log: { level, message: 'm' } }], ['a']);
    assert.deepEqual(customLogs(run).map((e) => e.level), [want], level);
  }
});

test('nothing is printed when the logger level is above the processor level', async () => {
  const run = await runPipeline([{ log: { level: 'DEBUG', message: 'hidden' } }], ['a'], { logLevel: 'info' });
  assert.deepEqual(customLogs(run), []);
  assert.deepEqual(run.delivered, ['a']);
});

test('fields_mapping adds structured fields from the mapping result (the documented example)', async () => {
  const run = await runPipeline(
    [
      {
        log: {
          level: 'DEBUG',
          message: 'hello world',
          fields_mapping: 'root.reason = "cus I wana"\nroot.id = this.id\nroot.age = this.user.age\nroot.kafka_topic = meta("kafka_topic")',
        },
      },
    ],
    ['{"id":"foo","user":{"age":42}}'],
    { meta: { kafka_topic: 'orders' } },
  );
  const [e] = customLogs(run);
  assert.equal(e!.msg, 'hello world');
  assert.equal(e!.level, 'debug');
  assert.equal(e!.reason, 'cus I wana');
  assert.equal(e!.id, 'foo');
  assert.equal(e!.age, 42);
  assert.equal(e!.kafka_topic, 'orders');
  assert.deepEqual(run.delivered, ['{"id":"foo","user":{"age":42}}']);
});

test('fields (deprecated) are interpolated and override fields_mapping keys', async () => {
  const run = await runPipeline(
    [{ log: { message: 'm', fields_mapping: 'root.a = "from mapping"\nroot.b = "kept"', fields: { a: 'from fields ${! content() }' } } }],
    ['x'],
  );
  const [e] = customLogs(run);
  assert.equal(e!.a, 'from fields x');
  assert.equal(e!.b, 'kept');
});

test('a fields mapping that fails or gives a non-object logs an error, skips the event and keeps the message', async () => {
  const run = await runPipeline([{ log: { message: 'm', fields_mapping: 'root = this.missing.number()' } }, { log: { message: 'n', fields_mapping: 'root = [1, 2]' } }], ['{}']);
  const events = customLogs(run);
  assert.equal(events.length, 2);
  assert.ok(String(events[0]!.msg).startsWith('Failed to execute fields mapping'), String(events[0]!.msg));
  assert.equal(events[0]!.level, 'error');
  assert.ok(String(events[1]!.msg).startsWith('Fields mapping yielded a non-object result'), String(events[1]!.msg));
  assert.deepEqual(run.delivered, ['{}']);
  assert.equal(run.batches[0]![0]!.error, null);
});

test('an unknown level is a config error', () => {
  const parsed = parseStreamConfig({ pipeline: { processors: [{ log: { level: 'LOUD' } }] }, output: { drop: {} } });
  assert.equal(parsed.config, undefined);
  assert.ok(parsed.diagnostics.some((d) => d.message.includes('log level not recognised: LOUD')), JSON.stringify(parsed.diagnostics));
});
