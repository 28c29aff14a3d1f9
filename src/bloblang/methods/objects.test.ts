import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getMethod, type ExecContext } from '../registry.js';
import { parseError, run, runJson } from './arrays_testkit.test.js';

const ctx = { batch: [], index: 0, vars: {} } as unknown as ExecContext;

test('keys are sorted; values and key_values follow key order', () => {
  assert.deepEqual(runJson('root = this.keys()', '{"b":1,"a":2,"c":3}'), ['a', 'b', 'c']);
  assert.deepEqual(runJson('root = this.values()', '{"b":1,"a":2}'), [2, 1]);
  assert.deepEqual(runJson('root = this.key_values()', '{"b":1,"a":2}'), [
    { key: 'a', value: 2 },
    { key: 'b', value: 1 },
  ]);
  assert.match(run('root = this.keys()', '[1]'), /expected object value, got array/);
});

test('get/exists follow dot paths through objects and arrays', () => {
  assert.deepEqual(runJson('root = this.get("a.1.b")', '{"a":[{},{"b":"x"}]}'), 'x');
  assert.deepEqual(runJson('root = this.get("a.z")', '{"a":{}}'), null);
  assert.deepEqual(runJson('root = this.exists("a~1b")', '{"a.b":null}'), true);
  assert.deepEqual(runJson('root = this.exists("constructor")', '{}'), false, 'inherited names are not fields');
});

test('set writes nested paths without touching the input', () => {
  assert.deepEqual(runJson('root.a = this.set("x.y", 1)\nroot.b = this', '{"x":{"z":2}}'), {
    a: { x: { y: 1, z: 2 } },
    b: { x: { z: 2 } },
  });
  assert.deepEqual(runJson('root = this.set("x.y", deleted())', '{"x":{"y":1,"z":2}}'), { x: { z: 2 } });
});

test('with / without', () => {
  assert.deepEqual(runJson('root = this.with("a.b", "c")', '{"a":{"b":1,"x":2},"c":3,"d":4}'), { a: { b: 1 }, c: 3 });
  assert.deepEqual(runJson('root = this.without("a.b", "c")', '{"a":{"b":1,"x":2},"c":3,"d":4}'), { a: { x: 2 }, d: 4 });
  assert.deepEqual(runJson('root = this.without("a.b")', '{"a":"str"}'), { a: 'str' }, 'non-objects are left alone');
});

test('merge and assign', () => {
  assert.deepEqual(runJson('root = this.a.merge(this.b)', '{"a":{"x":[1],"y":{"p":1}},"b":{"x":2,"y":{"q":2}}}'), {
    x: [1, 2],
    y: { p: 1, q: 2 },
  });
  assert.deepEqual(runJson('root = this.a.assign(this.b)', '{"a":{"x":1,"y":{"p":1}},"b":{"x":2,"y":{"q":2}}}'), {
    x: 2,
    y: { p: 1, q: 2 },
  });
  assert.deepEqual(runJson('root = this.a.merge(this.b)', '{"a":[1],"b":2}'), [1, 2]);
  assert.match(run('root = this.a.merge(this.b)', '{"a":"s","b":2}'), /expected object or array value, got string/);
});

test('collapse: dot paths, empties only on request, scalars rejected', () => {
  assert.deepEqual(runJson('root = this.collapse()', '{"a":{"b":[1,{}]}}'), { 'a.b.0': 1 });
  assert.deepEqual(runJson('root = this.collapse(include_empty: true)', '{"a":{"b":[1,{}]}}'), { 'a.b.0': 1, 'a.b.1': {} });
  assert.match(run('root = this.collapse()', '5'), /not an object or array/);
});

test('explode errors on scalars at the path', () => {
  assert.match(run('root = this.explode("v")', '{"v":1}'), /expected array or object value at path 'v', found: number/);
});

test('map_each_key: non-string results are errors', () => {
  assert.match(run('root = this.map_each_key(k -> 5)', '{"a":1}'), /unexpected result from key mapping: expected string value, got number/);
});

test('json_path: definite paths return the value, others arrays', () => {
  assert.deepEqual(runJson('root = this.json_path("$.a.b")', '{"a":{"b":3}}'), 3);
  assert.deepEqual(runJson('root = this.json_path("$.a[*]")', '{"a":[1,2]}'), [1, 2]);
  assert.deepEqual(runJson('root = this.json_path("$.a[-1:]")', '{"a":[1,2,3]}'), [3]);
  assert.deepEqual(runJson('root = this.json_path("$..b")', '{"a":{"b":1},"b":2}'), [2, 1]);
  assert.deepEqual(runJson(`root = this.json_path("$.x[?(@.n > 1 && @.t == 'a')].n")`, '{"x":[{"n":1,"t":"a"},{"n":2,"t":"a"},{"n":3,"t":"b"}]}'), [2]);
});

test('json_schema reports every failure in gojsonschema words', () => {
  const schema = '{"type":"object","required":["id"],"properties":{"n":{"type":"number","minimum":3}}}';
  const out = run(`root = this.json_schema("""${schema}""")`, '{"n":1}');
  assert.match(out, /\(root\) id is required/);
  assert.match(out, /n must be greater than or equal to 3/);
  assert.match(parseError('root = this.json_schema("{")'), /failed to parse json schema definition/);
});

test('diff and patch round-trip', () => {
  assert.deepEqual(runJson('root = this.a.diff(this.b)', '{"a":{"x":1,"y":2},"b":{"x":1,"y":3,"z":4}}'), [
    { type: 'update', path: ['y'], from: 2, to: 3 },
    { type: 'create', path: ['z'], from: null, to: 4 },
  ]);
  assert.deepEqual(runJson('root = this.a.patch(this.a.diff(this.b))', '{"a":{"x":1,"y":2},"b":{"y":3}}'), { y: 3 });
});

test('__proto__ keys stay plain data and never reach Object.prototype', () => {
  const evil = JSON.parse('{"__proto__":{"polluted":true},"a":1}');
  const set = getMethod('set')!.build({ path: '__proto__.polluted', value: true })({}, ctx) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(set), Object.prototype);
  assert.deepEqual(Object.keys(set), ['__proto__']);
  const merged = getMethod('merge')!.build({ with: evil })({}, ctx) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  assert.ok(Object.prototype.hasOwnProperty.call(merged, '__proto__'));
  const keyed = getMethod('map_each_key')!.build({ query: () => '__proto__' })({ a: { polluted: true } }, ctx) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(keyed), Object.prototype);
  const collapsed = getMethod('collapse')!.build({})(evil, ctx) as Record<string, unknown>;
  assert.deepEqual(Object.keys(collapsed).sort(), ['__proto__.polluted', 'a']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('field paths: `*` queries every array element, `-` appends', () => {
  assert.deepEqual(runJson('root = this.get("a.*.b")', '{"a":[{"b":1},{"c":2},{"b":3}]}'), [1, 3]);
  assert.deepEqual(runJson('root = this.set("a.-", 3)', '{"a":[1,2]}'), { a: [1, 2, 3] });
  assert.deepEqual(runJson('root = this.set("a.-.b", 3)', '{"a":[1]}'), { a: [1, { b: 3 }] });
});
