import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline } from '../_shared/proc_test_support.js';
import { waitFor } from '../../testing/wait.js';

test('sleeps for the duration once per message of a batch, then passes the batch unchanged', async () => {
  const start = Date.now();
  let deliveredAt = 0;
  const run = await runPipeline([{ sleep: { duration: '100ms' } }], ['a', 'b'], {
    keepOpen: true,
    meta: { n: '{i}' },
    whileRunning: async ({ sink, stop }) => {
      await waitFor(() => sink.delivered.length === 2, 5000, 'delivery');
      deliveredAt = Date.now();
      await stop();
    },
  });
  // Two messages in one batch: two sleeps of 100ms in a row (timers may fire a hair early).
  assert.ok(deliveredAt - start >= 195, `delivered after ${deliveredAt - start}ms`);
  assert.deepEqual(run.delivered, ['a', 'b']);
  assert.deepEqual(run.batches[0]!.map((m) => m.getMeta('n')), ['0', '1']);
  assert.ok(run.batches[0]!.every((m) => m.error === null));
});

test('the duration is interpolated per message', async () => {
  const start = Date.now();
  let elapsed = 0;
  await runPipeline([{ sleep: { duration: '${! content() }' } }], ['60ms', '90ms'], {
    keepOpen: true,
    whileRunning: async ({ sink, stop }) => {
      await waitFor(() => sink.delivered.length === 2, 5000, 'delivery');
      elapsed = Date.now() - start;
      await stop();
    },
  });
  assert.ok(elapsed >= 145, `took ${elapsed}ms`);
});

test('with one pipeline thread a finite input still sleeps for every message', async () => {
  const start = Date.now();
  const run = await runPipeline([{ sleep: { duration: '80ms' } }], ['a', 'b'], { batchSize: 1, threads: 1 });
  assert.ok(Date.now() - start >= 155, `took ${Date.now() - start}ms`);
  assert.deepEqual(run.delivered, ['a', 'b']);
});

test('a duration that does not parse is logged and the message passes without waiting or error', async () => {
  const start = Date.now();
  const run = await runPipeline([{ sleep: { duration: '${! content() }' } }], ['soon']);
  assert.ok(Date.now() - start < 1000);
  assert.deepEqual(run.delivered, ['soon']);
  assert.equal(run.batches[0]![0]!.error, null);
  assert.ok(run.logs.some((l) => l.level === 'error' && String(l.msg).startsWith('Failed to parse duration')));
});

test('shutdown cuts a long sleep short: the stream stops promptly and the message is still delivered', async () => {
  const start = Date.now();
  const run = await runPipeline([{ sleep: { duration: '1h' } }], ['a'], {
    keepOpen: true,
    whileRunning: async ({ source, stop }) => {
      await waitFor(() => source.read === 1, 5000, 'the read');
      await new Promise((r) => setTimeout(r, 50));
      await stop();
    },
  });
  assert.ok(Date.now() - start < 3000, `took ${Date.now() - start}ms`);
  assert.equal(run.exitCode, 0);
  assert.deepEqual(run.delivered, ['a']);
  assert.deepEqual(run.source.acked, ['a']);
});
