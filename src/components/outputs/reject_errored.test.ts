import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';

test('reject_errored: messages without errors reach the child; errored ones are rejected (here into a fallback tier)', async () => {
  const good = new TestSink();
  const dlq = new TestSink();
  sinks.set('rje-good', good);
  sinks.set('rje-dlq', dlq);
  const source = new TestSource(['1', 'x', '3', 'y']);
  sources.set('rje', source);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'rje' } },
      pipeline: { processors: [{ mapping: 'root = if content() == "x" || content() == "y" { throw("bad input") } else { content() }' }] },
      output: { fallback: [{ reject_errored: { test_sink: { id: 'rje-good' } } }, { test_sink: { id: 'rje-dlq' } }] },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(good.delivered, ['1', '3']);
  assert.deepEqual(dlq.delivered, ['x', 'y']);
  assert.equal(source.acked.length, 4);
});

test('reject_errored: in a mixed batch the good messages are delivered once even though the batch is written again', async () => {
  const good = new TestSink();
  const dlq = new TestSink();
  sinks.set('rjm-good', good);
  sinks.set('rjm-dlq', dlq);
  sources.set('rjm', new TestSource(['1', 'x', '3'], true));
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'rjm', batch_size: 3 } },
      pipeline: { processors: [{ mapping: 'root = if content() == "x" { throw("bad input") } else { content() }' }] },
      // The whole batch fails the first tier, so the second tier gets all of it.
      output: { fallback: [{ reject_errored: { test_sink: { id: 'rjm-good' } } }, { test_sink: { id: 'rjm-dlq' } }] },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(good.delivered, ['1', '3']);
  assert.deepEqual(dlq.delivered, ['1', 'x', '3']);
});
