/**
 * Processors that fail in ways a plugin can: a synchronous throw and a rejected promise are
 * counted in processor_error and flag their batch (the stream goes on); a promise that never
 * settles is bounded by `pipeline.processing_timeout`, without which it would hold its thread
 * forever (Benthos waits forever too, which stays the default).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../src/library.js';
import { registerProcessor, objectConfig, field } from '../../src/plugin/index.js';
import type { Batch } from '../../src/core/message.js';
import { TestSink, TestSource, sinks, sources } from '../../src/testing/test_components.js';
import { silentLogger } from '../../src/core/logger.js';

// `fail: throw | reject | hang` on messages whose content is "x"; others pass unchanged.
registerProcessor(
  { name: 'test_failing', summary: 'Fails on messages "x" (tests only).', config: objectConfig([field.string('fail', 'How to fail.')]) },
  (conf: { fail: string }) => ({
    processBatch(batch: Batch): Batch[] | Promise<Batch[]> {
      const hit = batch.some((m) => m.asString() === 'x');
      if (!hit) return conf.fail === 'throw' ? [batch] : Promise.resolve([batch]);
      if (conf.fail === 'throw') throw new Error('thrown by the processor');
      if (conf.fail === 'reject') return Promise.reject(new Error('rejected by the processor'));
      return new Promise<Batch[]>(() => {}); // never settles
    },
  }),
);

function config(id: string, fail: string, timeout?: string) {
  return {
    http: { enabled: false },
    input: { test_source: { id } },
    pipeline: { threads: 1, ...(timeout ? { processing_timeout: timeout } : {}), processors: [{ test_failing: { fail } }] },
    output: { test_sink: { id } },
  };
}

for (const fail of ['throw', 'reject']) {
  test(`a processor that ${fail}s: its message is flagged and counted, the others pass`, async () => {
    const id = `pf-${fail}`;
    const source = new TestSource(['a', 'x', 'b']);
    const sink = new TestSink();
    sources.set(id, source);
    sinks.set(id, sink);
    const h = await runStream(config(id, fail), { logger: silentLogger });
    assert.equal(await h.done, 0);
    assert.deepEqual(sink.delivered, ['a', 'x', 'b']);
    assert.equal(h.metrics.sum('processor_error'), 1);
    assert.equal(source.acked.length, 3);
  });
}

test('a processor that never settles is cut off by processing_timeout and the stream goes on', async () => {
  const id = 'pf-hang';
  const source = new TestSource(['a', 'x', 'b']);
  const sink = new TestSink();
  sources.set(id, source);
  sinks.set(id, sink);
  const started = Date.now();
  const h = await runStream(config(id, 'hang', '150ms'), { logger: silentLogger });
  assert.equal(await h.done, 0);
  assert.deepEqual(sink.delivered, ['a', 'x', 'b'], 'the stuck message is flagged and delivered, the one after it is not held');
  assert.equal(h.metrics.sum('processor_error'), 1);
  assert.ok(Date.now() - started < 10_000);
});
