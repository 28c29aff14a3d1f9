/**
 * The delivery promise: an input batch is acknowledged only after the output confirmed every
 * message derived from it, and a failing output is retried until each message arrives once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../src/library.js';
import { TestSink, TestSource, sinks, sources } from '../../src/testing/test_components.js';
import { silentLogger } from '../../src/core/logger.js';

function items(n: number, prefix = 'm'): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i}`);
}

test('an output that fails its first writes still gets every message exactly once, and acks follow delivery', async () => {
  const source = new TestSource(items(200));
  const sink = new TestSink();
  sink.failFirst = 5;
  sources.set('retry-src', source);
  sinks.set('retry-sink', sink);
  // Every ack must find its messages already delivered.
  const ackedBeforeDelivery: string[] = [];
  const origNext = source.next.bind(source);
  source.next = (n, onAck) =>
    origNext(n, (msgs, err) => {
      if (!err) for (const m of msgs) if (!sink.delivered.includes(m)) ackedBeforeDelivery.push(m);
      onAck(msgs, err);
    });

  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'retry-src' } },
      output: { test_sink: { id: 'retry-sink', max_in_flight: 4 } },
      shutdown_timeout: '10s',
    },
    { logger: silentLogger },
  );
  const code = await handle.done;
  assert.equal(code, 0);
  assert.equal(sink.failures, 5);
  assert.deepEqual([...sink.delivered].sort(), items(200).sort());
  assert.equal(new Set(sink.delivered).size, 200, 'no duplicates');
  assert.deepEqual(ackedBeforeDelivery, []);
  assert.equal(source.acked.length, 200);
  assert.equal(source.nacked.length, 0);
  assert.equal(handle.metrics.sum('output_error'), 5);
  assert.equal(handle.metrics.sum('output_sent'), 200);
});

test('with max_in_flight 1 and one thread, order is preserved', async () => {
  const source = new TestSource(items(500));
  const sink = new TestSink();
  sources.set('order-src', source);
  sinks.set('order-sink', sink);
  const handle = await runStream(
    { http: { enabled: false }, input: { test_source: { id: 'order-src' } }, pipeline: { threads: 1 }, output: { test_sink: { id: 'order-sink' } } },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(sink.delivered, items(500));
});

test('output batching groups messages from many input batches and acks each source batch after its flush', async () => {
  const source = new TestSource(items(95));
  const sink = new TestSink();
  const batchSizes: number[] = [];
  sink.beforeWrite = (b) => void batchSizes.push(b.length);
  sources.set('batch-src', source);
  sinks.set('batch-sink', sink);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'batch-src' } },
      output: { test_sink: { id: 'batch-sink', max_in_flight: 2, batching: { count: 10 } } },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  // 9 full batches, and the remaining 5 flushed when the input ended.
  assert.deepEqual(batchSizes.slice(0, 9), Array(9).fill(10));
  assert.equal(batchSizes.reduce((a, b) => a + b, 0), 95);
  assert.equal(source.acked.length, 95);
});

test('a processor that drops messages acknowledges them at the source', async () => {
  const source = new TestSource(items(20));
  const sink = new TestSink();
  sources.set('drop-src', source);
  sinks.set('drop-sink', sink);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'drop-src' } },
      pipeline: { processors: [{ mapping: 'root = if content().string().trim_prefix("m").number() % 2 == 0 { deleted() } else { content() }' }] },
      output: { test_sink: { id: 'drop-sink' } },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.equal(sink.delivered.length, 10);
  assert.equal(source.acked.length, 20);
});

test('a processor error flags only that message; the stream goes on and error metrics count it', async () => {
  const source = new TestSource(['{"x":"a"}', 'not json', '{"x":"c"}']);
  const sink = new TestSink();
  sources.set('err-src', source);
  sinks.set('err-sink', sink);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'err-src' } },
      pipeline: {
        threads: 1,
        processors: [{ mapping: 'root = this.x.uppercase()' }, { mapping: 'root = if errored() { "failed: " + error() } else { content() }' }],
      },
      output: { test_sink: { id: 'err-sink' } },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.equal(sink.delivered.length, 3);
  assert.equal(sink.delivered[0], 'A');
  assert.match(sink.delivered[1]!, /^failed: /);
  assert.equal(sink.delivered[2], 'C');
  assert.equal(handle.metrics.sum('processor_error', { path: 'root.pipeline.processors.0' }), 1);
  assert.equal(source.acked.length, 3);
});
