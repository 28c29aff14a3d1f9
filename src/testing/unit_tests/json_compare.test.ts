import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonContains, jsonEqual } from './json_compare.js';
import { toSortedJson, yamlValueAsJsonText } from './definition.js';

describe('unit test JSON comparison', () => {
  it('ignores key order and number spelling in json_equals', () => {
    assert.equal(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1.0, { c: 2 }], a: 1 }), true);
    assert.equal(jsonEqual(9007199254740993n, 9007199254740993n), true);
    assert.equal(jsonEqual(10n ** 20n, 1e20), true);
    assert.equal(jsonEqual({ a: 1 }, { a: 1, b: 2 }), false);
    assert.equal(jsonEqual([1, 2], [2, 1]), false);
    assert.equal(jsonEqual('1', 1), false);
  });

  it('lets json_contains match a superset', () => {
    assert.equal(jsonContains({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } }), true);
    assert.equal(jsonContains({ a: [1, 2, 3] }, { a: [1, 2] }), true);
    assert.equal(jsonContains({ a: [1] }, { a: [1, 2] }), false);
    assert.equal(jsonContains({ a: 1 }, { b: 1 }), false);
    assert.equal(jsonContains({ a: null }, { a: null }), true);
  });

  it('serialises json_content like Go: object keys sorted, scalars as written', () => {
    assert.equal(toSortedJson({ foo: 'foo value', bar: ['element1', 10] }), '{"bar":["element1",10],"foo":"foo value"}');
    assert.equal(yamlValueAsJsonText('{"raw": true}'), '{"raw": true}');
    assert.equal(yamlValueAsJsonText(null), 'null');
  });
});
