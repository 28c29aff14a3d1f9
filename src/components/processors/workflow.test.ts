import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJson, runThrough, sleepLog } from '../_shared/flow_test_util.js';
import { runStream } from '../../library.js';
import { silentLogger } from '../../core/logger.js';

const spansOf = (tag: string) => sleepLog.filter((s) => s.tag === tag);

test('workflow: the docs Automatic Ordering example: foo and bar run concurrently, baz after both', async () => {
  const out = await runJson(
    [
      {
        workflow: {
          meta_path: 'meta.workflow',
          branches: {
            foo: {
              request_map: 'root = ""',
              processors: [{ flow_test_sleep: { ms: 150, tag: 'auto-foo' } }, { mapping: 'root = {"id": "foo-id"}' }],
              result_map: 'root.foo = this',
            },
            bar: {
              request_map: 'root = this.body',
              processors: [{ flow_test_sleep: { ms: 150, tag: 'auto-bar' } }, { mapping: 'root = {"content": content().string().uppercase()}' }],
              result_map: 'root.bar = this',
            },
            baz: {
              request_map: 'root.fooid = this.foo.id\nroot.barstuff = this.bar.content',
              processors: [{ flow_test_sleep: { ms: 10, tag: 'auto-baz' } }],
              result_map: 'root.baz = this',
            },
          },
        },
      },
    ],
    [{ body: 'hello' }],
  );
  assert.deepEqual(out, [
    {
      body: 'hello',
      foo: { id: 'foo-id' },
      bar: { content: 'HELLO' },
      baz: { fooid: 'foo-id', barstuff: 'HELLO' },
      meta: { workflow: { succeeded: ['bar', 'baz', 'foo'] } },
    },
  ]);
  const [foo] = spansOf('auto-foo');
  const [bar] = spansOf('auto-bar');
  const [baz] = spansOf('auto-baz');
  // Overlapping intervals: each started before the other ended.
  assert.ok(foo!.start < bar!.end && bar!.start < foo!.end, 'foo and bar ran at the same time');
  assert.ok(baz!.start >= Math.max(foo!.end, bar!.end), 'baz ran after foo and bar');
});

const CONDITIONAL = {
  workflow: {
    branches: {
      A: {
        request_map: 'root = if this.document.type != "foo" {\n    deleted()\n}',
        processors: [{ mapping: 'root = {"from": "A"}' }],
        result_map: 'root.tmp.result = this',
      },
      B: {
        request_map: 'root = if this.document.type == "foo" {\n    deleted()\n}',
        processors: [{ mapping: 'root = {"from": "B"}' }],
        result_map: 'root.tmp.result = this',
      },
      C: {
        request_map: 'root = if this.tmp.result != null {\n    deleted()\n}',
        processors: [{ mapping: 'root = {"from": "C"}' }],
        result_map: 'root.tmp.result = this',
      },
    },
  },
};

test('workflow: the docs Conditional Branches example', async () => {
  const out = await runJson([CONDITIONAL], [{ document: { type: 'foo' } }, { document: { type: 'bar' } }], { batchSize: 2 });
  assert.deepEqual(out, [
    { document: { type: 'foo' }, tmp: { result: { from: 'A' } }, meta: { workflow: { skipped: ['B', 'C'], succeeded: ['A'] } } },
    { document: { type: 'bar' }, tmp: { result: { from: 'B' } }, meta: { workflow: { skipped: ['A', 'C'], succeeded: ['B'] } } },
  ]);
});

test('workflow: the docs Resources example: an explicit order mixing inline branches and branch resources', async () => {
  const out = await runJson(
    [
      {
        workflow: {
          order: [['foo', 'bar'], ['baz']],
          branches: {
            bar: { request_map: 'root = this.body', processors: [{ mapping: 'root = {"content": content().string() + "!"}' }], result_map: 'root.bar = this' },
          },
        },
      },
    ],
    [{ body: 'hi' }],
    {
      extra: {
        processor_resources: [
          { label: 'foo', branch: { request_map: 'root = ""', processors: [{ mapping: 'root = {"id": "f1"}' }], result_map: 'root.foo = this' } },
          {
            label: 'baz',
            branch: {
              request_map: 'root.fooid = this.foo.id\nroot.barstuff = this.bar.content',
              processors: [{ mapping: 'root = this' }],
              result_map: 'root.baz = this',
            },
          },
        ],
      },
    },
  );
  assert.deepEqual(out, [
    { body: 'hi', foo: { id: 'f1' }, bar: { content: 'hi!' }, baz: { fooid: 'f1', barstuff: 'hi!' }, meta: { workflow: { succeeded: ['bar', 'baz', 'foo'] } } },
  ]);
});

test('workflow: branch_resources join the automatic ordering', async () => {
  const out = await runJson(
    [
      {
        workflow: {
          branch_resources: ['first'],
          branches: { second: { request_map: 'root = this.first', processors: [{ mapping: 'root = this + 1' }], result_map: 'root.second = this' } },
        },
      },
    ],
    [{ n: 1 }],
    { extra: { processor_resources: [{ label: 'first', branch: { request_map: 'root = this.n', processors: [{ mapping: 'root = this * 10' }], result_map: 'root.first = this' } }] } },
  );
  assert.deepEqual(out, [{ n: 1, first: 10, second: 11, meta: { workflow: { succeeded: ['first', 'second'] } } }]);
});

test('workflow: a failing branch is recorded under failed; the others still succeed', async () => {
  const out = (await runJson(
    [
      {
        workflow: {
          branches: {
            ok: { processors: [{ mapping: 'root = "fine"' }], result_map: 'root.ok = content().string()' },
            bad: { processors: [{ mapping: 'root = throw("kaboom")' }], result_map: 'root.bad = this' },
          },
        },
      },
      { mapping: 'root = this\nroot.errored = errored()' },
    ],
    [{ n: 1 }],
  )) as Array<{ meta: { workflow: { failed: Record<string, string>; succeeded: string[] } }; ok: string; errored: boolean }>;
  const doc = out[0]!;
  assert.equal(doc.ok, 'fine');
  assert.deepEqual(doc.meta.workflow.succeeded, ['ok']);
  assert.deepEqual(Object.keys(doc.meta.workflow.failed), ['bad']);
  assert.match(doc.meta.workflow.failed.bad!, /^processors failed: .*kaboom/);
  // With structured metadata, failures are recorded, not flagged.
  assert.equal(doc.errored, false);
});

test('workflow: with meta_path empty, failed branches flag the message instead', async () => {
  const r = await runThrough(
    [
      {
        workflow: {
          meta_path: '',
          branches: {
            b2: { processors: [{ mapping: 'root = throw("x")' }] },
            a1: { processors: [{ mapping: 'root = throw("y")' }] },
            ok: { processors: [{ mapping: 'root = this' }] },
          },
        },
      },
      { mapping: 'root = content().string() + "|" + error()' },
    ],
    ['{"n":1}'],
  );
  assert.deepEqual(r.delivered, ['{"n":1}|workflow branches failed: [a1 b2]']);
});

test('workflow: branches a previous run recorded as succeeded or skipped are skipped, and the old record kept as previous', async () => {
  const branches = {
    foo: { processors: [{ mapping: 'root = "foo ran"' }], result_map: 'root.foo = content().string()' },
    bar: { processors: [{ mapping: 'root = "bar ran"' }], result_map: 'root.bar = content().string()' },
    baz: { processors: [{ mapping: 'root = "baz ran"' }], result_map: 'root.baz = content().string()' },
  };
  const previous = { succeeded: ['foo'], skipped: ['bar'], failed: { baz: 'the error message from the branch' } };
  const out = await runJson([{ workflow: { branches } }], [{ meta: { workflow: previous } }]);
  assert.deepEqual(out, [{ meta: { workflow: { previous, skipped: ['bar', 'foo'], succeeded: ['baz'] } }, baz: 'baz ran' }]);
});

test('workflow: <meta_path>.apply lists the only branches to run', async () => {
  const branches = {
    foo: { processors: [{ mapping: 'root = "foo ran"' }], result_map: 'root.foo = content().string()' },
    bar: { processors: [{ mapping: 'root = "bar ran"' }], result_map: 'root.bar = content().string()' },
  };
  const out = await runJson([{ workflow: { meta_path: 'wf', branches } }], [{ wf: { apply: ['bar'] } }]);
  assert.deepEqual(out, [{ wf: { previous: { apply: ['bar'] }, skipped: ['foo'], succeeded: ['bar'] }, bar: 'bar ran' }]);
});

test('workflow: branches of a tier all see the state the previous tier left', async () => {
  const out = await runJson(
    [
      {
        workflow: {
          order: [['a', 'b']],
          branches: {
            a: { request_map: 'root = this.x', processors: [{ mapping: 'root = this + 1' }], result_map: 'root.x = this' },
            b: { request_map: 'root = this.x', processors: [{ mapping: 'root = this * 10' }], result_map: 'root.y = this' },
          },
        },
      },
    ],
    [{ x: 1 }],
  );
  // b read x before a's result was mapped back.
  assert.deepEqual(out, [{ x: 2, y: 10, meta: { workflow: { succeeded: ['a', 'b'] } } }]);
});

async function buildFails(workflow: unknown, pattern: RegExp): Promise<void> {
  await assert.rejects(
    runStream(
      { http: { enabled: false }, input: { generate: { count: 1, mapping: 'root = 1' } }, pipeline: { processors: [{ workflow }] }, output: { drop: {} } },
      { logger: silentLogger },
    ),
    pattern,
  );
}

test('workflow: configuration errors', async () => {
  const mk = (req: string, res: string) => ({ request_map: req, processors: [{ mapping: 'root = this' }], result_map: res });
  await buildFails({ branches: { a: mk('root = this.b', 'root.a = this'), b: mk('root = this.a', 'root.b = this') } }, /circular dependencies detected for branches: \[a b\]/);
  await buildFails({ branches: { 'bad name': mk('', '') } }, /workflow branch name 'bad name' contains invalid characters/);
  await buildFails({ order: [['a']], branches: { a: mk('', ''), b: mk('', '') } }, /the following branches were missing from order: \[b\]/);
  await buildFails({ order: [['nope']] }, /processor resource 'nope' was not found/);
});
