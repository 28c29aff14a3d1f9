import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignmentTargets, queryTargets } from './flow_targets.js';
import { resolveOrder, verifyOrder } from './flow_dag.js';

const sorted = (t: string[][]) => t.map((p) => p.join('.')).sort();

test('targets: the docs example request and result maps', () => {
  assert.deepEqual(sorted(queryTargets('root = ""')), []);
  assert.deepEqual(sorted(queryTargets('root = this.body')), ['path.body']);
  assert.deepEqual(sorted(queryTargets('root.fooid = this.foo.id\nroot.barstuff = this.bar.content')), ['path.bar.content', 'path.foo.id']);
  assert.deepEqual(sorted(assignmentTargets('root.foo = this')), ['path.foo']);
  assert.deepEqual(sorted(assignmentTargets('root.fooid = this.foo.id\nroot.barstuff = this.bar.content')), ['path.barstuff', 'path.fooid']);
});

test('targets: methods, strings, comments, lambdas and metadata', () => {
  assert.deepEqual(
    sorted(queryTargets('# this.ignored\nroot.x = this.a.b.uppercase() + "this.not"\nroot.y = this.list.map_each(ele -> ele.name)\nroot.z = @key + metadata("other")')),
    ['metadata.key', 'metadata.other', 'path.a.b', 'path.list'],
  );
  assert.deepEqual(sorted(queryTargets('root = if this.document.type != "foo" {\n  deleted()\n}')), ['path.document.type']);
  assert.deepEqual(sorted(queryTargets('root = this')), ['path']);
  assert.deepEqual(sorted(queryTargets('root.id = json("doc.id")')), ['path.doc.id']);
  assert.deepEqual(sorted(queryTargets('root = thing.(article | comment)')), ['path.article', 'path.comment', 'path.thing']);
  assert.deepEqual(sorted(queryTargets('let x = this.a\nroot = $x')), ['path.a']);
  assert.deepEqual(sorted(assignmentTargets('meta foo_code = metadata("code")\nroot.foo_result = this')), ['metadata.foo_code', 'path.foo_result']);
  assert.deepEqual(sorted(assignmentTargets('meta = metadata()\nroot.bar.body = this.body\nroot."a.b" = 1\nbare.path = 2')), ['metadata', 'path.a.b', 'path.bar.body', 'path.bare.path']);
  assert.deepEqual(sorted(assignmentTargets('if this.x == 1 {\n  root.a = 1\n} else {\n  root.b = 2\n}')), ['path.a', 'path.b']);
});

test('dag: independent branches share a tier, dependents come after', () => {
  const tiers = resolveOrder(
    new Map([
      ['foo', { used: [], provided: [['path', 'foo']] }],
      ['bar', { used: [['path', 'body']], provided: [['path', 'bar']] }],
      ['baz', { used: [['path', 'foo', 'id'], ['path', 'bar', 'content']], provided: [] }],
    ]),
  );
  assert.deepEqual(tiers, [['bar', 'foo'], ['baz']]);
});

test('dag: a wanted path above a provided one is not a dependency (as in Benthos)', () => {
  const tiers = resolveOrder(
    new Map([
      ['a', { used: [['path']], provided: [] }],
      ['b', { used: [], provided: [['path', 'x']] }],
    ]),
  );
  assert.deepEqual(tiers, [['a', 'b']]);
});

test('dag: cycles and bad explicit orders are errors with Benthos wording', () => {
  assert.throws(
    () =>
      resolveOrder(
        new Map([
          ['a', { used: [['path', 'b']], provided: [['path', 'a']] }],
          ['b', { used: [['path', 'a']], provided: [['path', 'b']] }],
          ['c', { used: [], provided: [] }],
        ]),
      ),
    /failed to automatically resolve DAG, circular dependencies detected for branches: \[a b\]/,
  );
  assert.throws(() => verifyOrder([['a'], []], ['a']), /explicit order tier '1' was empty/);
  assert.throws(() => verifyOrder([['a'], ['a']], ['a']), /listed multiple times: a/);
  assert.throws(() => verifyOrder([['a']], ['a', 'b']), /the following branches were missing from order: \[b\]/);
});
