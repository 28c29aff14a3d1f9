import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJson, check } from '../_shared/flow_test_util.js';
import { runStream } from '../../library.js';
import { silentLogger } from '../../core/logger.js';

const INC = { mapping: 'root = this\nroot.n = this.n + 1' };

test('while: runs the children for as long as the check holds', async () => {
  // Separate batches may finish in any order: compare sorted.
  const out = (await runJson([{ while: { check: check('this.n < 3'), processors: [INC] } }], [{ n: 0 }, { n: 5 }])) as Array<{ n: number }>;
  assert.deepEqual(out.sort((a, b) => a.n - b.n), [{ n: 3 }, { n: 5 }]);
});

test('while: at_least_once runs the children once even when the check is false', async () => {
  assert.deepEqual(await runJson([{ while: { at_least_once: true, check: check('this.n < 3'), processors: [INC] } }], [{ n: 5 }]), [{ n: 6 }]);
});

test('while: max_loops caps the number of loops', async () => {
  assert.deepEqual(await runJson([{ while: { max_loops: 2, check: check('true'), processors: [INC] } }], [{ n: 0 }]), [{ n: 2 }]);
});

test('while: the check applies to the first message of the batch, the children to all', async () => {
  assert.deepEqual(await runJson([{ while: { check: check('this.n < 3'), processors: [INC] } }], [{ n: 0 }, { n: 10 }], { batchSize: 2 }), [{ n: 3 }, { n: 13 }]);
});

test('while: the loop ends when the children drop every message', async () => {
  const drop = { mapping: 'root = if this.n >= 2 { deleted() } else { this }' };
  assert.deepEqual(await runJson([{ while: { check: check('true'), processors: [INC, drop] } }, { mapping: 'root = this' }], [{ n: 0 }, { n: 7 }]), []);
});

test('while: a check that fails counts as false', async () => {
  assert.deepEqual(await runJson([{ while: { check: check('this.n.uppercase() == "X"'), processors: [INC] } }], [{ n: 0 }]), [{ n: 0 }]);
});

test('while: a check is required', async () => {
  await assert.rejects(
    runStream(
      { http: { enabled: false }, input: { generate: { count: 1, mapping: 'root = 1' } }, pipeline: { processors: [{ while: { processors: [INC] } }] }, output: { drop: {} } },
      { logger: silentLogger },
    ),
    /a check query is required/,
  );
});

test('while: the check in its documented form (a bare query)', async () => {
  assert.deepEqual(await runJson([{ while: { check: 'this.n < 3', processors: [INC] } }], [{ n: 0 }]), [{ n: 3 }]);
});
