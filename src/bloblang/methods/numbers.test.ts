import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, errorOf } from './strings_test_util.js';

test('rounding keeps integers and rounds half away from zero', () => {
  assert.equal(call('round', {}, 87.5), 88);
  assert.equal(call('round', {}, -2.5), -3);
  assert.equal(call('ceil', {}, -5.9), -5);
  assert.equal(call('floor', {}, -3.2), -4);
  assert.equal(call('round', {}, 12n), 12n);
  assert.equal(errorOf(() => call('round', {}, '5')), 'expected number value, got string ("5")');
});

test('math functions', () => {
  assert.deepEqual([9, -18, 1.23, -4.56].map((n) => call('abs', {}, n)), [9, 18, 1.23, 4.56]);
  assert.equal(call('abs', {}, -(2n ** 63n)), 2n ** 63n - 1n);
  assert.equal(call('log', {}, 10), 2.302585092994046);
  assert.equal(call('log10', {}, 1000), 3);
  assert.equal(call('pow', { exponent: -2 }, 2), 0.25);
  assert.equal(call('sin', {}, 0), 0);
  assert.equal(call('cos', {}, 0), 1);
  assert.equal(call('max', {}, [0, 3, 2.5, 7, 5]), 7);
  assert.equal(call('min', {}, [0, 3, -2.5, 7, 5]), -2.5);
  assert.equal(errorOf(() => call('max', {}, [])), 'the array was empty');
  assert.equal(errorOf(() => call('min', {}, [1, 'x'])), 'index 1 of array: expected number value, got string ("x")');
});

test('sized integer casts parse Go syntax and check ranges', () => {
  assert.equal(call('int64', {}, '0xDEADBEEF'), 3735928559);
  assert.equal(call('int8', {}, '0xD'), 13);
  assert.equal(call('uint16', {}, '0xDE'), 222);
  assert.equal(call('int32', {}, '-0o17'), -15);
  assert.equal(call('int64', {}, '9223372036854775807'), 9223372036854775807n);
  assert.equal(errorOf(() => call('uint8', {}, -12)), 'signed integer value is negative and cannot be cast as an unsigned integer');
  assert.equal(errorOf(() => call('int8', {}, 200)), 'value is too large to be cast as an 8-bit signed integer');
  assert.equal(errorOf(() => call('int16', {}, -40000)), 'value is too small to be cast as a 16-bit signed integer');
  assert.equal(errorOf(() => call('uint32', {}, 2 ** 32)), 'value is too large to be cast as a 32-bit unsigned integer');
  assert.match(errorOf(() => call('int64', {}, 12.34)), /^float value contains decimals and therefore cannot be cast as a signed integer/);
  assert.equal(errorOf(() => call('int64', {}, 'abc')), 'strconv.ParseInt: parsing "abc": invalid syntax');
  assert.equal(errorOf(() => call('int8', {}, '9223372036854775808')), 'strconv.ParseInt: parsing "9223372036854775808": value out of range');
});

test('float casts', () => {
  assert.equal(call('float64', {}, '6.674282313423543523453425345e-11'), 6.674282313423544e-11);
  assert.equal(call('float32', {}, '6.674282313423543523453425345e-11'), 6.674283e-11);
  assert.equal(call('float32', {}, 0.1), 0.1);
});

test('bitwise operations on int64', () => {
  assert.equal(call('bitwise_and', { value: 6 }, 12), 4);
  assert.equal(call('bitwise_and', { value: 6 }, -4), 4);
  assert.equal(call('bitwise_or', { value: 6 }, -2), -2);
  assert.equal(call('bitwise_xor', { value: 6 }, -2), -8);
});
