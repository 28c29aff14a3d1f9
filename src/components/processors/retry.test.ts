import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJson, runThrough, flakyAttempts } from '../_shared/flow_test_util.js';

const FAST = { initial_interval: '1ms', max_interval: '5ms', max_elapsed_time: '10s' };
const SHOW = { mapping: 'root.doc = content().string()\nroot.errored = errored()\nroot.retries = metadata("retry_count")' };

test('retry: re-runs the processors on the original message until no error; changes of failed attempts are discarded', async () => {
  const out = await runJson(
    [{ retry: { backoff: FAST, processors: [{ mapping: 'root = content().string() + "+"' }, { flow_test_flaky: { fail_times: 2 } }] } }, SHOW],
    ['ra', 'rb'],
    { batchSize: 2 },
  );
  assert.deepEqual(out, [
    { doc: 'ra+', errored: false, retries: 2 },
    { doc: 'rb+', errored: false, retries: 2 },
  ]);
  assert.equal(flakyAttempts.get('ra+'), 3);
});

test('retry: max_retries gives up and lets the errored result through', async () => {
  const out = await runJson([{ retry: { backoff: FAST, max_retries: 1, processors: [{ flow_test_flaky: { fail_times: 5 } }] } }, SHOW], ['mx']);
  assert.deepEqual(out, [{ doc: 'mx', errored: true, retries: 1 }]);
  assert.equal(flakyAttempts.get('mx'), 2);
});

test('retry: max_elapsed_time gives up too', async () => {
  const out = await runJson(
    [{ retry: { backoff: { initial_interval: '20ms', max_interval: '20ms', max_elapsed_time: '30ms' }, processors: [{ flow_test_flaky: { fail_times: 100 } }] } }, SHOW],
    ['el'],
  );
  assert.equal((out[0] as { errored: boolean }).errored, true);
  assert.ok((flakyAttempts.get('el') ?? 0) < 10);
});

test('retry: an error a message carries in is cleared first', async () => {
  const out = await runJson([{ mapping: 'root = throw("before")' }, { retry: { backoff: FAST, processors: [{ mapping: 'root = content()' }] } }, SHOW], ['pre']);
  assert.deepEqual(out, [{ doc: 'pre', errored: false, retries: 0 }]);
});

test('retry: parallel processes the messages of a batch at once, results in order', async () => {
  const started = performance.now();
  const r = await runThrough([{ retry: { backoff: FAST, parallel: true, processors: [{ flow_test_sleep: { ms: 80 } }] } }], ['p1', 'p2', 'p3', 'p4'], { batchSize: 4 });
  assert.deepEqual(r.delivered, ['p1', 'p2', 'p3', 'p4']);
  assert.ok(performance.now() - started < 300, 'four 80ms messages in parallel');
});
