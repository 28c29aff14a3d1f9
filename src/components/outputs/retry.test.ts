import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';
import { waitFor } from '../../testing/wait.js';

function sink(id: string): TestSink {
  const s = new TestSink();
  sinks.set(id, s);
  return s;
}

const fastBackoff = { initial_interval: '1ms', max_interval: '5ms' };

test('retry: retries the child until it succeeds, without involving the source', async () => {
  const s = sink('rt-ok');
  s.failFirst = 3;
  const source = new TestSource(['a']);
  sources.set('rt-ok', source);
  const handle = await runStream(
    { http: { enabled: false }, input: { test_source: { id: 'rt-ok' } }, output: { retry: { backoff: fastBackoff, output: { test_sink: { id: 'rt-ok' } } } } },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.equal(s.writes, 4);
  assert.deepEqual(s.delivered, ['a']);
  assert.deepEqual(source.acked, ['a']);
  assert.deepEqual(source.nacked, []);
});

test('retry: gives up after max_retries (1 attempt + max_retries retries) and reports the child error upwards', async () => {
  const failing = sink('rt-max-a');
  failing.failFirst = 1_000_000;
  const dlq = sink('rt-max-b');
  const source = new TestSource(['a', 'b']);
  sources.set('rt-max', source);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'rt-max' } },
      // The fallback's second tier only gets a batch once retry gave up on it.
      output: { fallback: [{ retry: { max_retries: 2, backoff: fastBackoff, output: { test_sink: { id: 'rt-max-a' } } } }, { test_sink: { id: 'rt-max-b' } }] },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.equal(failing.writes, 6, 'three attempts per message');
  assert.deepEqual(dlq.delivered, ['a', 'b']);
  assert.deepEqual(source.acked, ['a', 'b']);
});

test('retry: max_elapsed_time ends the retries too', async () => {
  const failing = sink('rt-el-a');
  failing.failFirst = 1_000_000;
  const dlq = sink('rt-el-b');
  sources.set('rt-el', new TestSource(['a']));
  const started = Date.now();
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'rt-el' } },
      output: {
        fallback: [
          { retry: { backoff: { initial_interval: '10ms', max_interval: '20ms', max_elapsed_time: '100ms' }, output: { test_sink: { id: 'rt-el-a' } } } },
          { test_sink: { id: 'rt-el-b' } },
        ],
      },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(dlq.delivered, ['a']);
  assert.ok(failing.writes >= 3, `retried a few times (${failing.writes})`);
  assert.ok(Date.now() - started < 2000);
});

test('retry: once it gave up the failure reaches the source as a nack (the root output retries until shutdown is forced)', async () => {
  const failing = sink('rt-nack');
  failing.failFirst = 1_000_000;
  const source = new TestSource(['a'], false);
  sources.set('rt-nack', source);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'rt-nack' } },
      output: { retry: { max_retries: 1, backoff: fastBackoff, output: { test_sink: { id: 'rt-nack' } } } },
      shutdown_timeout: '100ms',
    },
    { logger: silentLogger },
  );
  await waitFor(() => failing.writes >= 2, 2000, 'retry to use up its attempts');
  assert.equal(await handle.stop(), 1);
  assert.deepEqual(failing.delivered, []);
  assert.deepEqual(source.acked, []);
  assert.deepEqual(source.nacked, ['a']);
});

test('retry around a fan_out_fail_fast broker: children that confirmed are not written again', async () => {
  const a = sink('rt-br-a');
  const b = sink('rt-br-b');
  b.failFirst = 2;
  sources.set('rt-br', new TestSource(['x', 'y']));
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'rt-br' } },
      output: {
        retry: {
          backoff: fastBackoff,
          output: { broker: { pattern: 'fan_out_fail_fast', outputs: [{ test_sink: { id: 'rt-br-a' } }, { test_sink: { id: 'rt-br-b' } }] } },
        },
      },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(a.delivered, ['x', 'y']);
  assert.equal(a.writes, 2);
  assert.deepEqual(b.delivered, ['x', 'y']);
});
