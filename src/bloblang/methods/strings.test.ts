import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytes, call, errorOf, text } from './strings_test_util.js';

test('case changes and capitalize (cases.Title lowers the rest of each word)', () => {
  assert.equal(call('uppercase', {}, 'hello world'), 'HELLO WORLD');
  assert.equal(call('lowercase', {}, 'User@Example.COM'), 'user@example.com');
  assert.equal(call('capitalize', {}, 'the foo bar'), 'The Foo Bar');
  assert.equal(call('capitalize', {}, 'hELLO wORLD'), 'Hello World');
  assert.equal(text(call('uppercase', {}, bytes('abc'))), 'ABC');
  assert.equal(errorOf(() => call('uppercase', {}, 5)), 'expected string value, got number (5)');
});

test('html and url escaping follow Go', () => {
  assert.equal(call('escape_html', {}, `<script>alert('xss')</script>`), '&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;');
  assert.equal(call('unescape_html', {}, '&lt;p&gt;Hello &amp; goodbye&lt;/p&gt; &aacute;&#225;&#xE1; &amp'), '<p>Hello & goodbye</p> ááá &');
  assert.equal(call('escape_url_query', {}, 'hello world!'), 'hello+world%21');
  assert.equal(call('unescape_url_query', {}, 'foo+%26+bar'), 'foo & bar');
  assert.equal(call('escape_url_path', {}, 'my document.pdf/x'), 'my%20document.pdf%2Fx');
  assert.equal(call('unescape_url_path', {}, 'a+b%20c'), 'a+b c');
  assert.equal(errorOf(() => call('unescape_url_query', {}, '%zz')), 'invalid URL escape "%zz"');
});

test('strip_html keeps text and preserved elements', () => {
  assert.equal(call('strip_html', {}, '<p>the plain <strong>old text</strong></p>'), 'the plain old text');
  assert.equal(
    call('strip_html', { preserve: ['article'] }, '<article><p>the plain <strong>old text</strong></p></article>'),
    '<article>the plain old text</article>',
  );
  assert.equal(call('strip_html', {}, 'a<script>evil()</script>b'), 'ab');
});

test('quote and unquote use strconv rules', () => {
  assert.equal(call('quote', {}, 'foo\nbar'), '"foo\\nbar"');
  assert.equal(call('quote', {}, 'tab\there\u0001é'), '"tab\\there\\x01é"');
  assert.equal(call('unquote', {}, '"hello\\tworld"'), 'hello\tworld');
  assert.equal(call('unquote', {}, '"\\u00e9\\x41\\101"'), 'éAA');
  assert.equal(call('unquote', {}, '`raw\\n`'), 'raw\\n');
  assert.equal(errorOf(() => call('unquote', {}, 'nope')), 'invalid syntax');
});

test('format implements Go verbs', () => {
  assert.equal(call('format', { args: ['lance', 37, 13] }, '%s(%v): %v'), 'lance(37): 13');
  assert.equal(call('format', { args: [0] }, '%f'), '0.000000');
  assert.equal(call('format', { args: [3.14159, 42, 255, 'a"b'] }, '%5.2f|%-4d|%x|%q'), ' 3.14|42  |ff|"a\\"b"');
  assert.equal(call('format', { args: [123456.789, 1.5] }, '%e %g'), '1.234568e+05 1.5');
  assert.equal(call('format', { args: [[1, 'x', null], { b: 1, a: 'z' }] }, '%v %v'), '[1 x <nil>] map[a:z b:1]');
  assert.equal(call('format', { args: [1] }, '%d %d'), '1 %!d(MISSING)');
  assert.equal(call('format', { args: [1, 'x'] }, '%d'), '1%!(EXTRA string=x)');
  assert.equal(call('format', { args: ['x', true] }, '%d %T %%'), '%!d(string=x) bool %');
});

test('prefix, suffix, index_of (byte offsets), trim', () => {
  assert.equal(call('has_prefix', { value: 'foo' }, 'foobar'), true);
  assert.equal(call('has_suffix', { value: 'foo' }, 'foobar'), false);
  assert.equal(call('has_suffix', { value: 'bar' }, bytes('foobar')), true);
  assert.equal(call('index_of', { value: 'meow' }, bytes('the cat meowed')), 8);
  assert.equal(call('index_of', { value: 'b' }, 'éb'), 2);
  assert.equal(call('index_of', { value: 'z' }, 'abc'), -1);
  assert.equal(call('trim', { cutset: '!?' }, '!!!watch out!?'), 'watch out');
  assert.equal(call('trim', {}, '  something \n'), 'something');
  assert.equal(call('trim_prefix', { prefix: 'foobar_' }, 'foobar_blobton'), 'blobton');
  assert.equal(call('trim_suffix', { suffix: '_foobar' }, 'unchanged'), 'unchanged');
});

test('replace, repeat, slug, file paths', () => {
  assert.equal(call('replace_all', { old: '  ', new: ' ' }, 'hello  world  foo'), 'hello world foo');
  assert.equal(call('replace_all_many', { values: ['<b>', '&lt;b&gt;', '</b>', '&lt;/b&gt;'] }, '<b>x</b>'), '&lt;b&gt;x&lt;/b&gt;');
  assert.match(errorOf(() => call('replace_all_many', { values: ['a'] }, 'x')), /must therefore be even/);
  assert.equal(call('repeat', { count: 3 }, 'bob'), 'bobbobbob');
  assert.equal(call('repeat', { count: -1 }, 'bob'), '');
  assert.equal(call('slug', {}, 'Gopher & Bento'), 'gopher-and-bento');
  assert.equal(call('slug', { lang: 'fr' }, "Gaufre & Poisson d'Eau Profonde"), 'gaufre-et-poisson-deau-profonde');
  assert.equal(call('slug', {}, 'Café  déjà-vu!'), 'cafe-deja-vu');
  assert.equal(call('filepath_join', {}, ['/foo/', 'bar.txt']), '/foo/bar.txt');
  assert.equal(call('filepath_join', {}, ['a', '..', 'b', '']), 'b');
  assert.deepEqual(call('filepath_split', {}, '/foo/bar.txt'), ['/foo/', 'bar.txt']);
  assert.deepEqual(call('filepath_split', {}, 'baz.txt'), ['', 'baz.txt']);
});

test('dual methods on strings, bytes, arrays and objects', () => {
  assert.equal(call('contains', { value: 'foo' }, 'this foo that'), true);
  assert.equal(call('contains', { value: 20 }, [10.3, 20.0, 'huh', 3]), true);
  assert.equal(call('contains', { value: 'x' }, { a: 'x' }), true);
  assert.equal(call('length', {}, 'héllo'), 6);
  assert.equal(call('length', {}, { a: 1, b: 2 }), 2);
  assert.equal(call('slice', { low: -4 }, 'foo bar'), ' bar');
  assert.equal(call('slice', { low: 0, high: -4 }, 'foo bar'), 'foo');
  assert.equal(call('slice', { low: 10 }, 'foo'), '');
  assert.deepEqual(call('slice', { low: -2 }, ['foo', 'bar', 'baz']), ['bar', 'baz']);
  assert.equal(call('reverse', {}, 'backwards'), 'sdrawkcab');
  assert.deepEqual(call('reverse', {}, [1, 2, 3]), [3, 2, 1]);
  assert.deepEqual(call('split', { delimiter: ',' }, 'foo,bar,baz'), ['foo', 'bar', 'baz']);
  assert.deepEqual(call('split', { delimiter: ',', empty_as_null: true }, 'foo,,qux'), ['foo', null, 'qux']);
  assert.deepEqual(call('split', { delimiter: 0 }, [1, 'a', 0, 'b']), [[1, 'a'], ['b']]);
  const isSpace = (_c: unknown, v: unknown) => v === ' ';
  assert.deepEqual(call('split_by', { predicate: isSpace }, 'Hello Bento!'), ['Hello', 'Bento!']);
  const big = (_c: unknown, v: unknown) => (v as number) > 50;
  assert.deepEqual(call('split_by', { predicate: big }, [1, 2, 100, 3, 4, 200, 5]), [[1, 2], [3, 4], [5]]);
});

test('compare_bcrypt and compare_argon2 verify the documented hashes', () => {
  const bcrypt = '$2y$10$Dtnt5NNzVtMCOZONT705tOcS8It6krJX8bEjnDJnwxiFKsz1C.3Ay';
  assert.equal(call('compare_bcrypt', { hashed_secret: bcrypt }, 'there-are-many-blobs-in-the-sea'), true);
  assert.equal(call('compare_bcrypt', { hashed_secret: bcrypt }, 'will-i-ever-find-love'), false);
  const argon = '$argon2id$v=19$m=4096,t=3,p=1$c2FsdHktbWNzYWx0ZmFjZQ$RMUMwgtS32/mbszd+ke4o4Ej1jFpYiUqY6MHWa69X7Y';
  assert.equal(call('compare_argon2', { hashed_secret: argon }, 'there-are-many-blobs-in-the-sea'), true);
  assert.equal(call('compare_argon2', { hashed_secret: argon }, 'will-i-ever-find-love'), false);
});
