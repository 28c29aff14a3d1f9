import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getMethod, type ExecContext } from '../registry.js';
import { run, runJson } from './arrays_testkit.test.js';

const ctx = { batch: [], index: 0, vars: {} } as unknown as ExecContext;
const call = (name: string, args: Record<string, unknown>, target: unknown) => getMethod(name)!.build(args)(target, ctx);

test('format_json: sorted keys, Go indentation, HTML escaping', () => {
  assert.equal(
    run('root = this.format_json("  ")', '{"b":[1,{"c":true}],"a":null}'),
    '{\n  "a": null,\n  "b": [\n    1,\n    {\n      "c": true\n    }\n  ]\n}',
  );
  assert.equal(run('root = this.format_json(no_indent: true)', '{"b":[],"a":{}}'), '{"a":{},"b":[]}');
  assert.equal(run('root = this.format_json(no_indent: true)', '["<\\u2028&"]'), '["\\u003c\\u2028\\u0026"]');
});

test('parse_json: errors, exact big integers with use_number, __proto__ as data', () => {
  assert.match(run('root = this.s.parse_json()', '{"s":"{nope"}'), /failed to parse value as JSON/);
  assert.equal(call('parse_json', { use_number: true }, '[12345678901234567890, 1.5]') instanceof Array, true);
  assert.deepEqual(call('parse_json', { use_number: true }, '[12345678901234567890, 1.5]'), [12345678901234567890n, 1.5]);
  const obj = call('parse_json', { use_number: true }, '{"__proto__":{"x":1}}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(obj), Object.prototype);
  assert.deepEqual(Object.keys(obj), ['__proto__']);
});

test('parse_yaml / format_yaml', () => {
  assert.deepEqual(runJson('root = this.s.parse_yaml()', '{"s":"a: 1\\nb: [x, y]\\nc: true\\nd: null"}'), { a: 1, b: ['x', 'y'], c: true, d: null });
  assert.deepEqual(runJson('root = this.s.parse_yaml()', '{"s":"a: 1\\n---\\nb: 2"}'), { a: 1 });
  assert.equal(run('root = this.format_yaml()', '{"b":[1,2],"a":{"c":"x"}}'), 'a:\n    c: x\nb:\n    - 1\n    - 2\n');
});

test('parse_csv: quoting, lazy quotes and field counts', () => {
  assert.deepEqual(runJson('root = this.s.parse_csv(false)', '{"s":"a\\n\\"x,y\\""}'), [['a'], ['x,y']]);
  assert.match(run('root = this.s.parse_csv()', '{"s":"a,b\\n1"}'), /record on line 2: wrong number of fields/);
  assert.match(run('root = this.s.parse_csv(delimiter: this.d)', '{"s":"a","d":"ab"}'), /delimiter value must be exactly one character/);
});

test('parse_url mirrors net/url', () => {
  assert.deepEqual(runJson('root = this.u.parse_url()', '{"u":"https://user:pa%20ss@example.com:8080/a%20b/c?x=1&y=2#frag%21"}'), {
    scheme: 'https',
    opaque: '',
    user: { name: 'user', password: 'pa ss' },
    host: 'example.com:8080',
    path: '/a b/c',
    raw_path: '',
    raw_query: 'x=1&y=2',
    fragment: 'frag!',
    raw_fragment: 'frag%21',
  });
  assert.deepEqual((runJson('root = this.u.parse_url()', '{"u":"mailto:joe@example.com"}') as Record<string, unknown>).opaque, 'joe@example.com');
  assert.match(run('root = this.u.parse_url()', '{"u":"invalid %&# url"}'), /parse "invalid %&": invalid URL escape "%&"/);
});

test('parse_form_url_encoded and parse_logfmt', () => {
  assert.deepEqual(runJson('root = this.s.parse_form_url_encoded()', '{"s":"a=1&a=2&b=x+y%21"}'), { a: ['1', '2'], b: 'x y!' });
  assert.deepEqual(runJson('root = this.s.parse_logfmt()', '{"s":"a=1 b=\\"x \\\\\\"y\\\\\\"\\" c"}'), { a: '1', b: 'x "y"', c: '' });
});

test('parse_xml: attributes, repeats, comments, entities, CDATA', () => {
  assert.deepEqual(runJson('root = this.s.parse_xml()', '{"s":"<?xml version=\\"1.0\\"?><a x=\\"1\\"><b>t &lt; u</b><b><![CDATA[<u>]]></b><!-- c --><c/></a>"}'), {
    a: { '-x': '1', b: ['t < u', '<u>'], c: '' },
  });
  assert.deepEqual(runJson('root = this.s.parse_xml(cast: true)', '{"s":"<a><n>1.5</n><f>false</f><s>x</s></a>"}'), { a: { n: 1.5, f: false, s: 'x' } });
  assert.match(run('root = this.s.parse_xml()', '{"s":"<a><b></a>"}'), /XML syntax error/);
});

test('format_xml: attributes, text, repeats and a <doc> wrapper for several roots', () => {
  assert.equal(run('root = this.format_xml(no_indent: true)', '{"a":{"-id":"1","#text":"hi"}}'), '<a id="1">hi</a>');
  assert.equal(run('root = this.format_xml(no_indent: true)', '{"a":1,"b":["x","y"]}'), '<doc><a>1</a><b>x</b><b>y</b></doc>');
  assert.equal(run('root = this.format_xml(no_indent: true)', '{"a":"<&>"}'), '<a>&lt;&amp;&gt;</a>');
});

test('msgpack round trip and known encoding', () => {
  assert.equal(run('root = this.format_msgpack().encode("hex")', '[1,-1,1.5,"a",null,true]'), '9601ffcb3ff8000000000000a161c0c3');
  assert.deepEqual(runJson('root = this.format_msgpack().parse_msgpack()', '{"a":[1,-200,70000,-1.25,{"b":"c"}],"d":false}'), {
    a: [1, -200, 70000, -1.25, { b: 'c' }],
    d: false,
  });
});

test('parse_big_decimal', () => {
  assert.equal(call('parse_big_decimal', { scale: 3 }, new Uint8Array([1, 0])), '0.256');
  assert.equal(call('parse_big_decimal', { scale: 0 }, new Uint8Array([0xff, 0x00])), '-256');
});

test('bloblang runs a dynamic mapping on the target', () => {
  assert.deepEqual(runJson('root = this.v.bloblang("root = this.a + 1")', '{"v":{"a":1}}'), 2);
  assert.match(run('root = this.v.bloblang(this.m)', '{"v":{},"m":"root = ("}'), /failed to parse mapping/);
});

test('parse_json reads the first value like json.Decoder; empty CSV is an error', () => {
  assert.deepEqual(runJson('root = this.s.parse_json()', '{"s":"{\\"a\\":1} trailing"}'), { a: 1 });
  assert.match(run('root = this.s.parse_json()', '{"s":"  "}'), /failed to parse value as JSON/);
  assert.match(run('root = this.s.parse_csv()', '{"s":""}'), /zero records were parsed/);
});
