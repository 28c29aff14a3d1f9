import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';

test('resource output: writes to the labelled output resource; a broker may refer to it as well', async () => {
  const source = new TestSource(['a', 'b']);
  sources.set('ro', source);
  const foo = new TestSink();
  const bar = new TestSink();
  sinks.set('ro-foo', foo);
  sinks.set('ro-bar', bar);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'ro' } },
      output: { broker: { pattern: 'fan_out', outputs: [{ resource: 'foo' }, { resource: 'bar' }] } },
      output_resources: [
        { label: 'foo', test_sink: { id: 'ro-foo' } },
        { label: 'bar', test_sink: { id: 'ro-bar' } },
      ],
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(foo.delivered, ['a', 'b']);
  assert.deepEqual(bar.delivered, ['a', 'b']);
  assert.deepEqual(source.acked, ['a', 'b']);
});

test('resource output: failures of the resource reach the referring output (here a fallback)', async () => {
  sources.set('rof', new TestSource(['a']));
  const failing = new TestSink();
  failing.failFirst = 1_000_000;
  const dlq = new TestSink();
  sinks.set('rof-a', failing);
  sinks.set('rof-b', dlq);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'rof' } },
      output: { fallback: [{ resource: 'main' }, { test_sink: { id: 'rof-b' } }] },
      output_resources: [{ label: 'main', test_sink: { id: 'rof-a' } }],
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.equal(failing.writes, 1);
  assert.deepEqual(dlq.delivered, ['a']);
});
