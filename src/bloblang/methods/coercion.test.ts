import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Timestamp } from '../value.js';
import { bytes, call, errorOf, text } from './strings_test_util.js';

test('string() formats like Benthos (Go numbers, sorted HTML-safe JSON)', () => {
  assert.equal(call('string', {}, { foo: 'bar' }), '{"foo":"bar"}');
  assert.equal(call('string', {}, { b: '<x>', a: [1, 2.5, null, true] }), '{"a":[1,2.5,null,true],"b":"\\u003cx\\u003e"}');
  assert.equal(call('string', {}, 5), '5');
  assert.equal(call('string', {}, 1234567.5), '1.2345675e+06');
  assert.equal(call('string', {}, 0.1), '0.1');
  assert.equal(call('string', {}, 228930314431312345n), '228930314431312345');
  assert.equal(call('string', {}, null), 'null');
  assert.equal(call('string', {}, bytes('hi')), 'hi');
});

test('number(), bool() and their defaults', () => {
  assert.equal(call('number', {}, '12.5'), 12.5);
  assert.equal(call('number', { default: 5 }, 'nope'), 5);
  assert.equal(errorOf(() => call('number', {}, 'nope')), 'strconv.ParseFloat: parsing "nope": invalid syntax');
  assert.equal(call('bool', {}, 'T'), true);
  assert.equal(call('bool', {}, 0), false);
  assert.equal(call('bool', { default: true }, 'maybe'), true);
  assert.equal(errorOf(() => call('bool', {}, 'maybe')), 'expected bool value, got string ("maybe")');
});

test('array, bytes, type', () => {
  assert.deepEqual(call('array', {}, 'foobar bazson'), ['foobar bazson']);
  assert.deepEqual(call('array', {}, [1]), [1]);
  assert.equal(text(call('bytes', {}, { a: 1 })), '{"a":1}');
  assert.equal((call('bytes', {}, 'foobar') as Uint8Array)[0], 102);
  assert.deepEqual(
    ['x', 1, false, [], {}, null, bytes('x'), new Timestamp(0n)].map((v) => call('type', {}, v)),
    ['string', 'number', 'bool', 'array', 'object', 'null', 'bytes', 'timestamp'],
  );
});

test('not_null and not_empty', () => {
  assert.equal(call('not_null', {}, 'foobar'), 'foobar');
  assert.equal(errorOf(() => call('not_null', {}, null)), 'value is null');
  assert.equal(errorOf(() => call('not_empty', {}, '')), 'string value is empty');
  assert.equal(errorOf(() => call('not_empty', {}, [])), 'array value is empty');
  assert.equal(errorOf(() => call('not_empty', {}, {})), 'object value is empty');
  assert.deepEqual(call('not_empty', {}, { b: 'foo' }), { b: 'foo' });
});

test('timestamp() reads Unix seconds and RFC 3339', () => {
  assert.equal((call('timestamp', {}, 1234567890) as Timestamp).epochNs, 1234567890000000000n);
  assert.equal((call('timestamp', {}, 1.5) as Timestamp).epochNs, 1500000000n);
  assert.equal((call('timestamp', {}, '2009-02-13T23:31:30.5Z') as Timestamp).epochNs, 1234567890500000000n);
  assert.equal((call('timestamp', {}, '2009-02-14T00:31:30+01:00') as Timestamp).epochNs, 1234567890000000000n);
  assert.match(errorOf(() => call('timestamp', {}, 'nope')), /cannot parse "nope" as RFC 3339/);
});
