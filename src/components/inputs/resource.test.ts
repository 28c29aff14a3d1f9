import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';

test('resource input: reads from the labelled input resource, acks included', async () => {
  const source = new TestSource(['a', 'b']);
  sources.set('ri', source);
  const out = new TestSink();
  sinks.set('ri', out);
  const handle = await runStream(
    { http: { enabled: false }, input: { resource: 'foo' }, input_resources: [{ label: 'foo', test_source: { id: 'ri' } }], output: { test_sink: { id: 'ri' } } },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(out.delivered, ['a', 'b']);
  assert.deepEqual(source.acked, ['a', 'b']);
});

test('resource input: an unknown label fails at build time', async () => {
  await assert.rejects(runStream({ http: { enabled: false }, input: { resource: 'nope' }, output: { drop: {} } }, { logger: silentLogger }), /nope/);
});
