import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runJson, runThrough, SHOW_ERROR } from '../_shared/flow_test_util.js';
import { runStream } from '../../library.js';
import { silentLogger } from '../../core/logger.js';

test('branch: the docs HTTP Request example: an empty request, the result placed at image.pull_count', async () => {
  const out = await runJson(
    [
      {
        branch: {
          request_map: 'root = ""',
          // Stands in for the http processor: checks the request is empty, answers a document.
          processors: [{ mapping: 'root = if content().length() == 0 { {"pull_count": 1234} } else { throw("request not empty") }' }],
          result_map: 'root.image.pull_count = this.pull_count',
        },
      },
    ],
    [{ id: 'foo', some: 'pre-existing data' }],
  );
  assert.deepEqual(out, [{ id: 'foo', some: 'pre-existing data', image: { pull_count: 1234 } }]);
});

test('branch: the docs Non Structured Results example: the raw result set at a field', async () => {
  const out = await runJson(
    [
      {
        branch: {
          request_map: 'root = this.document.id',
          processors: [{ mapping: 'root = "description of " + content().string()' }],
          result_map: 'root.document.description = content().string()',
        },
      },
    ],
    [{ document: { id: 'foo', content: 'hello world' } }],
  );
  assert.deepEqual(out, [{ document: { id: 'foo', content: 'hello world', description: 'description of foo' } }]);
});

test('branch: the docs Lambda Function example: without a result_map the message is unchanged', async () => {
  const input = { doc: { id: 'foo', body: 'hello world' }, user: { name: 'fooey' } };
  const out = await runJson([{ branch: { request_map: 'root = {"id":this.doc.id,"username":this.user.name}', processors: [{ mapping: 'root = "replaced"' }] } }], [input]);
  assert.deepEqual(out, [input]);
});

test('branch: a request_map assigning deleted() skips the branch for that message (docs: Conditional Caching)', async () => {
  const out = await runJson(
    [
      {
        branch: {
          request_map: 'meta id = this.id\nroot = if this.type == "foo" {\n  this.document\n} else {\n  deleted()\n}',
          processors: [{ mapping: 'root = @id + ":" + content().string()' }],
          result_map: 'root.cached = content().string()',
        },
      },
    ],
    [
      { id: 'a', type: 'foo', document: 'doc a' },
      { id: 'b', type: 'bar', document: 'doc b' },
      { id: 'c', type: 'foo', document: 'doc c' },
    ],
    { batchSize: 3 },
  );
  assert.deepEqual(out, [
    { id: 'a', type: 'foo', document: 'doc a', cached: 'a:doc a' },
    { id: 'b', type: 'bar', document: 'doc b' },
    { id: 'c', type: 'foo', document: 'doc c', cached: 'c:doc c' },
  ]);
});

test('branch: metadata from the branch is only copied back by the result_map', async () => {
  const r = await runThrough(
    [
      { mapping: 'meta origin = "kept"' },
      {
        branch: {
          processors: [{ mapping: 'meta code = "200"\nmeta other = "x"\nroot = this' }],
          result_map: 'meta foo_code = metadata("code")\nroot.foo_result = this.v',
        },
      },
      { mapping: 'root = this\nroot.meta = metadata()' },
    ],
    ['{"v":1}'],
  );
  assert.deepEqual(JSON.parse(r.delivered[0]!), { v: 1, foo_result: 1, meta: { origin: 'kept', foo_code: '200' } });
});

test('branch: without a request_map the branch starts from an exact copy, metadata included', async () => {
  const out = await runJson(
    [{ mapping: 'meta m = "yes"' }, { branch: { processors: [{ mapping: 'root = {"seen": this.v, "meta": @m}' }], result_map: 'root.r = this' } }],
    [{ v: 7 }],
  );
  assert.deepEqual(out, [{ v: 7, r: { seen: 7, meta: 'yes' } }]);
});

test('branch: an error in the child processors flags the original, which stays unchanged', async () => {
  const out = await runJson(
    [{ branch: { processors: [{ mapping: 'root = if this.n == 2 { throw("boom") } else { this }' }], result_map: 'root.done = true' } }, SHOW_ERROR],
    [{ n: 1 }, { n: 2 }],
    { batchSize: 2 },
  );
  assert.deepEqual(out, [
    { doc: { n: 1, done: true }, errored: false },
    { doc: { n: 2 }, errored: true },
  ]);
});

test('branch: errors of the originals are not carried into the branch, and stay on the originals', async () => {
  const out = await runJson(
    [
      { mapping: 'root = if this.n == 1 { throw("before") } else { this }' },
      { branch: { processors: [{ mapping: 'root = errored()' }], result_map: 'root.inner_errored = this' } },
      { mapping: 'root = this\nroot.errored = errored()' },
    ],
    [{ n: 1 }],
  );
  assert.deepEqual(out, [{ n: 1, inner_errored: false, errored: true }]);
});

test('branch: a failing request_map or result_map flags the message and leaves it unchanged', async () => {
  const r = await runThrough(
    [
      {
        branch: {
          request_map: 'root = if this.n == 1 { throw("bad request") } else { this }',
          processors: [{ mapping: 'root = this' }],
          result_map: 'root.r = if this.n == 2 { throw("bad result") } else { this.n }',
        },
      },
      { mapping: 'root = content().string() + "|" + (error() | "none")' },
    ],
    ['{"n":1}', '{"n":2}', '{"n":3}'],
    { batchSize: 3 },
  );
  assert.equal(r.delivered.length, 3);
  assert.match(r.delivered[0]!, /^\{"n":1\}\|request mapping failed: .*bad request/);
  assert.match(r.delivered[1]!, /^\{"n":2\}\|result mapping failed: .*bad result/);
  assert.equal(r.delivered[2], '{"n":3,"r":3}|none');
});

test('branch: children that change the number of messages fail the whole batch', async () => {
  const r = await runThrough(
    [{ branch: { processors: [{ mapping: 'root = deleted()' }], result_map: 'root.r = 1' } }, { mapping: 'root = content().string() + "|" + error()' }],
    ['{"n":1}', '{"n":2}'],
    { batchSize: 2 },
  );
  assert.deepEqual(r.delivered, ['{"n":1}|child processors resulted in zero messages', '{"n":2}|child processors resulted in zero messages']);
});

test('branch: results are mapped back by index when some requests were skipped', async () => {
  const out = await runJson(
    [
      {
        branch: {
          request_map: 'root = if this.n % 2 == 0 { deleted() } else { this.n }',
          processors: [{ mapping: 'root = this * 100' }],
          result_map: 'root.r = this',
        },
      },
    ],
    [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }, { n: 5 }],
    { batchSize: 5 },
  );
  assert.deepEqual(out, [{ n: 1, r: 100 }, { n: 2 }, { n: 3, r: 300 }, { n: 4 }, { n: 5, r: 500 }]);
});

test('branch: at least one child processor is required', async () => {
  await assert.rejects(
    runStream(
      { http: { enabled: false }, input: { generate: { count: 1, mapping: 'root = 1' } }, pipeline: { processors: [{ branch: { processors: [] } }] }, output: { drop: {} } },
      { logger: silentLogger },
    ),
    /the branch processor requires at least one child processor/,
  );
});
