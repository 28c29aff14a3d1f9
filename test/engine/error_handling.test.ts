/** error_handling strategies: none (Benthos default), reject (nack at the source), drop (ack and count). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../src/library.js';
import { TestSink, TestSource, sinks, sources } from '../../src/testing/test_components.js';
import { silentLogger } from '../../src/core/logger.js';
import { waitFor } from '../../src/testing/wait.js';

const MAPPING = 'root = if content() == "bad" { throw("bad input") } else { content().uppercase() }';

function config(id: string, strategy: string) {
  return {
    http: { enabled: false },
    input: { test_source: { id } },
    pipeline: { threads: 1, processors: [{ mapping: MAPPING }, { mapping: 'root = content() + "!"' }] },
    output: { test_sink: { id } },
    error_handling: { strategy },
  };
}

test('strategy none: the errored message goes on through later processors to the output, as in Benthos', async () => {
  const source = new TestSource(['a', 'bad', 'b']);
  const sink = new TestSink();
  sources.set('eh-none', source);
  sinks.set('eh-none', sink);
  const h = await runStream(config('eh-none', 'none'), { logger: silentLogger });
  assert.equal(await h.done, 0);
  assert.deepEqual(sink.delivered, ['A!', 'bad!', 'B!']);
  assert.equal(source.acked.length, 3);
});

test('strategy drop: the errored message skips the rest, is not written, and is acknowledged', async () => {
  const source = new TestSource(['a', 'bad', 'b']);
  const sink = new TestSink();
  sources.set('eh-drop', source);
  sinks.set('eh-drop', sink);
  const h = await runStream(config('eh-drop', 'drop'), { logger: silentLogger });
  assert.equal(await h.done, 0);
  assert.deepEqual(sink.delivered, ['A!', 'B!']);
  assert.deepEqual(source.acked.sort(), ['a', 'b', 'bad']);
  assert.equal(h.metrics.sum('pipeline_errored_messages'), 1);
});

test('strategy reject: the errored message is nacked at the source (for redelivery) and never written', async () => {
  const source = new TestSource(['a', 'bad', 'b'], false);
  const sink = new TestSink();
  sources.set('eh-reject', source);
  sinks.set('eh-reject', sink);
  const h = await runStream(config('eh-reject', 'reject'), { logger: silentLogger });
  await waitFor(() => source.nacked.length >= 1 && sink.delivered.length >= 2, 5000, 'a nack');
  source.end();
  await h.stop();
  assert.ok(source.nacked.every((m) => m === 'bad'), `only the bad message is nacked: ${source.nacked}`);
  assert.ok(!sink.delivered.some((d) => d.startsWith('bad')), 'the errored message is never written');
  assert.deepEqual([...new Set(sink.delivered)].sort(), ['A!', 'B!']);
  assert.ok(!source.acked.includes('bad'));
});
