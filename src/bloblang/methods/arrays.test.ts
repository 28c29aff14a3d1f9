import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseError, run, runJson } from './arrays_testkit.test.js';

test('all/any: empty arrays are false, non-bool results are errors', () => {
  assert.deepEqual(runJson('root = this.all(x -> x > 0)', '[]'), false);
  assert.deepEqual(runJson('root = this.any(x -> x > 0)', '[]'), false);
  assert.match(run('root = this.all(x -> "yes")', '[1]'), /element 0: expected bool value, got string/);
  assert.match(run('root = this.any(x -> x > 0)', '{"a":1}'), /expected array value, got object/);
});

test('append, concat and zip', () => {
  assert.deepEqual(runJson('root = this.append([1], 2)', '[0]'), [0, [1], 2]);
  assert.deepEqual(runJson('root = this.a.concat(this.b)', '{"a":[1],"b":[2,3]}'), [1, 2, 3]);
  assert.match(run('root = this.a.zip(this.b)', '{"a":[1,2],"b":[3]}'), /can't zip different length array values/);
  assert.match(run('root = this.zip()', '[1]'), /zip requires at least one argument/);
});

test('zero-argument methods reject arguments', () => {
  assert.match(parseError('root = this.flatten(1)'), /wrong number of arguments, expected 0, got 1/);
});

test('enumerated, flatten (one level only)', () => {
  assert.deepEqual(runJson('root = this.enumerated()', '["a"]'), [{ index: 0, value: 'a' }]);
  assert.deepEqual(runJson('root = this.flatten()', '[[1,[2]],3]'), [1, [2], 3]);
});

test('filter and map_each on objects see key and value', () => {
  assert.deepEqual(runJson('root = this.filter(kv -> kv.key != "b")', '{"a":1,"b":2}'), { a: 1 });
  assert.deepEqual(runJson('root = this.map_each(kv -> kv.key + "=" + kv.value.string())', '{"a":1}'), { a: 'a=1' });
  assert.deepEqual(runJson('root = this.map_each(x -> deleted())', '{"a":1}'), {});
  assert.deepEqual(runJson('root = this.filter(x -> "true")', '[1,2]'), [], 'non-bool removes the element');
});

test('find/find_all compare numbers by value', () => {
  assert.deepEqual(runJson('root = this.find(2)', '[1, 2.0, 2]'), 1);
  assert.deepEqual(runJson('root = this.find_all(2)', '[1, 2.0, 2]'), [1, 2]);
  assert.deepEqual(runJson('root = this.find("x")', '[1]'), -1);
  assert.match(run('root = this.find_by(v -> 1)', '[1]'), /query returned a non-boolean value for index 0/);
});

test('fold starts from a copy of the initial value', () => {
  assert.deepEqual(runJson('root = this.fold([], t -> t.tally.append(t.value * 2))', '[1,2]'), [2, 4]);
  assert.deepEqual(runJson('root = this.fold(10, t -> t.tally + t.value)', '[]'), 10);
});

test('index: negative indexes and bounds', () => {
  assert.deepEqual(runJson('root = this.index(-2)', '[1,2,3]'), 2);
  assert.match(run('root = this.index(5)', '[1]'), /index '5' was out of bounds for array size: 1/);
});

test('join needs strings', () => {
  assert.equal(run('root = this.join("-")', '["a","b"]'), 'a-b');
  assert.match(run('root = this.join()', '["a",1]'), /expected string value, got number/);
});

test('sort and sort_by', () => {
  assert.deepEqual(runJson('root = this.sort()', '[3,1,2]'), [1, 2, 3]);
  assert.match(run('root = this.sort()', '[1,"a"]'), /sort element \d: expected (number|string) value, got (string|number)/);
  assert.match(run('root = this.sort()', '[{},{}]'), /expected number or string value, got object/);
  assert.deepEqual(runJson('root = this.sort(p -> p.left > p.right)', '[1,3,2]'), [3, 2, 1]);
  assert.deepEqual(runJson('root = this.sort_by(x -> x.n)', '[{"n":2},{"n":1}]'), [{ n: 1 }, { n: 2 }]);
});

test('squash merges like merge()', () => {
  assert.deepEqual(runJson('root = this.squash()', '[{"a":1},{"a":2,"b":{"c":1}},{"b":{"d":2}}]'), { a: [1, 2], b: { c: 1, d: 2 } });
});

test('sum returns a float total and rejects non-numbers', () => {
  assert.deepEqual(runJson('root = this.sum()', '[1, 2.5]'), 3.5);
  assert.deepEqual(runJson('root = this.sum()', '[]'), 0);
  assert.match(run('root = this.sum()', '[1,"a"]'), /index 1: expected number value, got string/);
});

test('unique keeps first occurrences; numbers and strings are distinct', () => {
  assert.deepEqual(runJson('root = this.unique()', '[1,"1",1.0,"a","a"]'), [1, '1', 'a']);
  assert.match(run('root = this.unique()', '[{}]'), /index 0: expected string or number value, got object/);
});

test('input arrays are not mutated', () => {
  assert.deepEqual(runJson('root.a = this.append(9)\nroot.b = this', '[1]'), { a: [1, 9], b: [1] });
});
