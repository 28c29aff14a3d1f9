import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJson, SHOW_ERROR } from '../_shared/flow_test_util.js';

const FAIL_EVEN = { mapping: 'root = if this.n % 2 == 0 { throw("even") } else { this }' };
const MARK = (name: string) => ({ mapping: `root = this\nroot.${name} = true` });

test('try: a message that fails a processor skips the following ones and keeps its error', async () => {
  const out = await runJson([{ try: [MARK('bar'), FAIL_EVEN, MARK('baz')] }, SHOW_ERROR], [{ n: 1 }, { n: 2 }], { batchSize: 2 });
  assert.deepEqual(out, [
    { doc: { n: 1, bar: true, baz: true }, errored: false },
    { doc: { n: 2, bar: true }, errored: true },
  ]);
});

test('try: a message that failed before the try skips all of it', async () => {
  const out = await runJson([FAIL_EVEN, { try: [MARK('bar')] }, SHOW_ERROR], [{ n: 2 }, { n: 3 }], { batchSize: 2 });
  assert.deepEqual(out, [
    { doc: { n: 2 }, errored: true },
    { doc: { n: 3, bar: true }, errored: false },
  ]);
});

test('try followed by catch: the documented error handling pattern', async () => {
  const out = await runJson([{ try: [FAIL_EVEN, MARK('ok')] }, { catch: [MARK('recovered')] }, SHOW_ERROR], [{ n: 1 }, { n: 2 }]);
  assert.deepEqual(out, [
    { doc: { n: 1, ok: true }, errored: false },
    { doc: { n: 2, recovered: true }, errored: false },
  ]);
});
