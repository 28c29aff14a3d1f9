import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJson, runThrough, check } from '../_shared/flow_test_util.js';
import { runStream } from '../../library.js';
import { silentLogger } from '../../core/logger.js';

const MARK = (name: string) => ({ mapping: `root = this\nroot.${name} = true` });

test('switch: the docs example (George): other messages are counted, his are dropped, order kept', async () => {
  const out = await runJson(
    [
      {
        switch: [
          { check: check('this.user.name.first != "George"'), processors: [MARK('counted')] },
          { processors: [{ mapping: 'root = deleted()' }] },
        ],
      },
    ],
    [{ user: { name: { first: 'Ann' } } }, { user: { name: { first: 'George' } } }, { user: { name: { first: 'Bo' } } }],
    { batchSize: 3 },
  );
  assert.deepEqual(out, [
    { user: { name: { first: 'Ann' } }, counted: true },
    { user: { name: { first: 'Bo' } }, counted: true },
  ]);
});

test('switch: messages matched by different cases come out in the order they came in, as one batch', async () => {
  const r = await runThrough(
    [
      {
        switch: [
          { check: check('this.t == "y"'), processors: [{ mapping: 'root = this.id + ":y"' }] },
          { check: check('this.t == "x"'), processors: [{ mapping: 'root = this.id + ":x"' }] },
        ],
      },
    ],
    ['{"id":"a","t":"x"}', '{"id":"b","t":"y"}', '{"id":"c","t":"x"}', '{"id":"d","t":"z"}'],
    { batchSize: 4 },
  );
  assert.deepEqual(r.delivered, ['a:x', 'b:y', 'c:x', '{"id":"d","t":"z"}']);
  assert.equal(r.writes, 1);
});

test('switch: only the first passing case runs, unless it falls through (the next case then runs without its check)', async () => {
  const out = await runJson(
    [
      {
        switch: [
          { check: check('this.n > 1'), processors: [MARK('first')], fallthrough: true },
          { check: check('false'), processors: [MARK('second')] },
          { processors: [MARK('third')] },
        ],
      },
    ],
    [{ n: 1 }, { n: 2 }],
    { batchSize: 2 },
  );
  assert.deepEqual(out, [
    { n: 1, third: true },
    { n: 2, first: true, second: true },
  ]);
});

test('switch: a check that fails flags the message, which is not tested against other cases', async () => {
  const r = await runThrough(
    [
      { switch: [{ check: check('this.n > 1'), processors: [{ mapping: 'root = "big"' }] }, { processors: [{ mapping: 'root = "default"' }] }] },
      { mapping: 'root = content().string() + "|" + errored().string()' },
    ],
    ['{"n":5}', 'not json'],
    { batchSize: 2 },
  );
  // The unparseable message kept its content, carries the error and skipped the default case.
  assert.deepEqual(r.delivered, ['big|false', 'not json|true']);
});

test('switch: checks see the batch of messages not yet matched', async () => {
  const out = await runJson(
    [
      {
        switch: [
          { check: check('batch_index() == 0'), processors: [MARK('one')] },
          { check: check('batch_index() == 0'), processors: [MARK('two')] },
        ],
      },
    ],
    [{ n: 1 }, { n: 2 }, { n: 3 }],
    { batchSize: 3 },
  );
  assert.deepEqual(out, [
    { n: 1, one: true },
    { n: 2, two: true },
    { n: 3 },
  ]);
});

test('switch: a case without processors is a config error', async () => {
  await assert.rejects(
    runStream(
      { http: { enabled: false }, input: { generate: { count: 1, mapping: 'root = 1' } }, pipeline: { processors: [{ switch: [{ check: check('true') }] }] }, output: { drop: {} } },
      { logger: silentLogger },
    ),
    /case \[0\] has no processors/,
  );
});

test('switch: checks in their documented form (bare queries)', async () => {
  const out = await runJson(
    [{ switch: [{ check: 'this.user.name.first != "George"', processors: [MARK('counted')] }, { processors: [{ mapping: 'root = deleted()' }] }] }],
    [{ user: { name: { first: 'Ann' } } }, { user: { name: { first: 'George' } } }],
    { batchSize: 2 },
  );
  assert.deepEqual(out, [{ user: { name: { first: 'Ann' } }, counted: true }]);
});
