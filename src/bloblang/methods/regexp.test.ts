import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, call, errorOf } from './strings_test_util.js';

test('find methods follow Go regexp results', () => {
  assert.deepEqual(call('re_find_all', { pattern: 'a.' }, 'paranormal'), ['ar', 'an', 'al']);
  assert.deepEqual(call('re_find_all', { pattern: 'a*' }, 'baaac'), ['', 'aaa', '']);
  assert.deepEqual(call('re_find_all_submatch', { pattern: 'a(x*)b(c)?' }, '-axxb-ab-'), [['axxb', 'xx', ''], ['ab', '', '']]);
  assert.deepEqual(call('re_find_object', { pattern: 'a(?P<foo>x*)b' }, '-axxb-ab-'), { 0: 'axxb', foo: 'xx' });
  assert.deepEqual(call('re_find_object', { pattern: 'z' }, 'abc'), {});
  assert.deepEqual(
    call('re_find_all_object', { pattern: '(?m)(?P<key>\\w+):\\s+(?P<value>\\w+)$' }, 'option1: value1\noption2: value2'),
    [{ 0: 'option1: value1', key: 'option1', value: 'value1' }, { 0: 'option2: value2', key: 'option2', value: 'value2' }],
  );
  assert.equal(call('re_match', { pattern: '[0-9]' }, bytes('there are 10 puppies')), true);
  assert.equal(call('re_match', { pattern: '[0-9]' }, 'there are ten puppies'), false);
});

test('re_replace_all expands $1, ${name} and $$ like Go', () => {
  assert.equal(call('re_replace_all', { pattern: 'ADD ([0-9]+)', value: '+($1)' }, 'foo ADD 70'), 'foo +(70)');
  assert.equal(call('re_replace_all', { pattern: '(\\w{2})\\w+@', value: '$1***@' }, 'alice@example.com'), 'al***@example.com');
  assert.equal(call('re_replace_all', { pattern: '(?P<w>\\w+)', value: '<${w}>$$' }, 'ab cd'), '<ab>$ <cd>$');
  // `$1x` names group "1x", which does not exist, so it expands to nothing.
  assert.equal(call('re_replace_all', { pattern: '(a)', value: '$1x' }, 'a'), '');
});

test('syntax errors use Go wording and RE2 rejects backreferences', () => {
  assert.equal(errorOf(() => call('re_match', { pattern: '(a' }, 'a')), 'error parsing regexp: missing closing ): `(a`');
  assert.match(errorOf(() => call('re_match', { pattern: '(a)\\1' }, 'aa')), /invalid escape sequence/);
});

test('no catastrophic backtracking', () => {
  const input = `${'a'.repeat(30)}!`;
  call('re_match', { pattern: '(a+)+$' }, input); // warm up the engine
  const start = performance.now();
  assert.equal(call('re_match', { pattern: '(a+)+$' }, input), false);
  assert.ok(performance.now() - start < 10, 'must finish in under 10 ms');
});
