import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJson, SHOW_ERROR } from '../_shared/flow_test_util.js';

const FAIL_EVEN = { mapping: 'root = if this.n % 2 == 0 { throw("even") } else { this }' };

test('catch: only errored messages go through its processors, and leave with the error cleared', async () => {
  const out = await runJson(
    [FAIL_EVEN, { catch: [{ mapping: 'root = this\nroot.caught = errored()\nroot.why = error().contains("even")' }] }, SHOW_ERROR],
    [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }],
    { batchSize: 4 },
  );
  assert.deepEqual(out, [
    { doc: { n: 1 }, errored: false },
    { doc: { n: 2, caught: true, why: true }, errored: false },
    { doc: { n: 3 }, errored: false },
    { doc: { n: 4, caught: true, why: true }, errored: false },
  ]);
});

test('catch: an empty catch just clears errors', async () => {
  const out = await runJson([FAIL_EVEN, { catch: [] }, SHOW_ERROR], [{ n: 2 }]);
  assert.deepEqual(out, [{ doc: { n: 2 }, errored: false }]);
});

test('catch: a try nested in a catch does not run unless errors are cleared first (docs: Nesting within a catch block)', async () => {
  const tryBlock = { try: [{ mapping: 'root = this\nroot.tried = true' }] };
  // Benthos lints the blocked form as an error.
  await assert.rejects(runJson([FAIL_EVEN, { catch: [{ mapping: 'root = this' }, tryBlock] }, SHOW_ERROR], [{ n: 2 }]), /`catch` block contains a `try` block which will never execute/);
  const cleared = await runJson([FAIL_EVEN, { catch: [{ catch: [] }, tryBlock] }, SHOW_ERROR], [{ n: 2 }]);
  assert.deepEqual(cleared, [{ doc: { n: 2, tried: true }, errored: false }]);
});

test('catch: children see each message as a batch of its own, and the result is one batch', async () => {
  const out = await runJson(
    [FAIL_EVEN, { catch: [{ mapping: 'root = this\nroot.size = batch_size()' }] }, { mapping: 'root = this\nroot.after = batch_size()' }],
    [{ n: 2 }, { n: 4 }, { n: 5 }],
    { batchSize: 3 },
  );
  assert.deepEqual(out, [
    { n: 2, size: 1, after: 3 },
    { n: 4, size: 1, after: 3 },
    { n: 5, after: 3 },
  ]);
});
