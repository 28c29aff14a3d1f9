import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline } from '../_shared/proc_test_support.js';
import { waitFor } from '../../testing/wait.js';

test('rate_limit with local 10 per 100ms paces 50 messages over at least 400ms', async (t) => {
  const inputs = Array.from({ length: 50 }, (_, i) => String(i));
  const start = Date.now();
  const run = await runPipeline([{ rate_limit: { resource: 'tenth' } }], inputs, {
    batchSize: 1,
    config: { rate_limit_resources: [{ label: 'tenth', local: { count: 10, interval: '100ms' } }] },
  });
  const elapsed = Date.now() - start;
  t.diagnostic(`50 messages took ${elapsed}ms`);
  assert.equal(run.delivered.length, 50);
  // Windows open at 0, 100, 200, 300 and 400ms: the last ten wait for the fifth.
  assert.ok(elapsed >= 400, `took ${elapsed}ms`);
  assert.ok(elapsed < 2000, `took ${elapsed}ms`);
});

test('rate_limit: a shutdown cuts the wait short and the message still goes through', async () => {
  const start = Date.now();
  const run = await runPipeline([{ rate_limit: { resource: 'slow' } }], ['a', 'b'], {
    batchSize: 1,
    keepOpen: true,
    config: { rate_limit_resources: [{ label: 'slow', local: { count: 1, interval: '1h' } }] },
    whileRunning: async ({ sink, source, stop }) => {
      await waitFor(() => sink.delivered.length === 1 && source.read === 2, 5000, 'first message through, second waiting');
      await stop();
    },
  });
  assert.ok(Date.now() - start < 5000);
  assert.deepEqual(run.delivered, ['a', 'b']);
});

test('rate_limit refuses an undeclared resource', async () => {
  await assert.rejects(runPipeline([{ rate_limit: { resource: 'nope' } }], ['a']), /rate limit resource 'nope' was not found/);
});
