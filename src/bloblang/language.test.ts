import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../core/message.js';
import { parseInterpolation, parseMapping, type Mapping } from './index.js';

function compile(src: string): Mapping {
  const r = parseMapping(src);
  assert.ok(r.mapping, r.diagnostics.map((d) => d.message).join('\n'));
  return r.mapping;
}

function run(src: string, input: unknown = {}, meta?: Record<string, unknown>): unknown {
  const r = compile(src).execValue(input, meta);
  assert.equal(r.deleted, false);
  return (r as { value: unknown }).value;
}

function runError(src: string, input: unknown = {}): string {
  try {
    compile(src).execValue(input);
  } catch (err) {
    return (err as Error).message;
  }
  assert.fail('expected the mapping to fail');
}

function mapBytes(src: string, input: string): string | null {
  const out = compile(src).mapPart([Message.fromString(input)], 0);
  return out === null ? null : out.asString();
}

test('arithmetic precedence follows Benthos: * / % before + -, then comparisons, then && ||', () => {
  assert.deepEqual(run('root = 2 + 3 * 4 - 1'), 13);
  assert.deepEqual(run('root = 10 - 4 - 3'), 3);
  assert.deepEqual(run('root = 7 / 2'), 3.5); // `/` always yields a float
  assert.deepEqual(run('root = 7 % 3'), 1);
  assert.deepEqual(run('root = 1 + 2 == 3 && 2 > 1'), true);
  assert.deepEqual(run('root = false || 1 < 2'), true);
  assert.deepEqual(run('root = "foo" + "bar"'), 'foobar');
  assert.deepEqual(run('root = !(this.a > 1)', { a: 5 }), false);
  assert.deepEqual(run('root = -this.a', { a: 3 }), -3);
});

test('operator type errors use Benthos wording', () => {
  assert.equal(
    runError('root.a = this.a + 1', { a: 'x' }),
    'failed assignment (line 1): cannot add types string (from field `this.a`) and number (from number literal)',
  );
  assert.equal(
    runError('root.in_trouble = this.angry > this.guards', { angry: 'lots', guards: 10 }),
    'failed assignment (line 1): cannot compare types string (from field `this.angry`) and number (from field `this.guards`)',
  );
  assert.equal(runError('root = this.a / 0', { a: 1 }), 'failed assignment (line 1): number literal: attempted to divide by zero');
  assert.match(runError('root = this.a && true', { a: 'x' }), /expected bool value, got string/);
});

test('equality compares numbers by value and never mixes types', () => {
  assert.equal(run('root = 1 == 1.0'), true);
  assert.equal(run('root = "1" == 1'), false);
  assert.equal(run('root = {"a":[1,2]} == {"a":[1,2]}'), true);
  assert.equal(run('root = null != null'), false);
});

test('coalescing with | skips null and errors', () => {
  assert.equal(run('root = this.a | this.b | "c"', { b: null }), 'c');
  assert.equal(run('root = this.a.uppercase() | "fallback"', { a: 5 }), 'fallback');
  assert.equal(run('root = this.thing.(article | comment).type', { thing: { comment: { type: 'x' } } }), 'x');
});

test('if expressions and statements', () => {
  assert.equal(run('root = if this.v > 1 { "big" } else if this.v > 0 { "small" } else { "none" }', { v: 1 }), 'small');
  // No branch taken and no else: the assignment is skipped.
  assert.deepEqual(run('root = this\nroot.b = if this.a > 5 { "x" }', { a: 1 }), { a: 1 });
  assert.deepEqual(run('if this.a == 1 {\n  root.x = "one"\n} else {\n  root.x = "other"\n}', { a: 1 }), { x: 'one' });
  assert.match(runError('root = if this.a { 1 }', { a: 'str' }), /expected bool value/);
});

test('match with subject, literal patterns, boolean cases and _', () => {
  const src = 'root = match this.v { 1 => "one", "two" => 2, _ => "many" }';
  assert.equal(run(src, { v: 1 }), 'one');
  assert.equal(run(src, { v: 'two' }), 2);
  assert.equal(run(src, { v: [] }), 'many');
  // `this` is rebound to the subject inside cases.
  assert.equal(run('root = match this.doc { this.type == "a" => this.a, _ => "none" }', { doc: { type: 'a', a: 'A' } }), 'A');
  // Without a subject and no match the assignment is skipped.
  assert.deepEqual(run('root.x = 1\nroot.y = match { this.q == 1 => 2 }', { q: 0 }), { x: 1 });
});

test('let variables and $ references', () => {
  assert.deepEqual(run('let x = this.a\nlet y = $x * 2\nroot.v = $y', { a: 4 }), { v: 8 });
  assert.equal(runError('root = $missing'), "failed assignment (line 1): variable 'missing' undefined");
});

test('metadata: meta assignments, @ reads, meta = object and deletion', () => {
  const m = compile('meta foo = "bar"\nmeta gone = deleted()\nroot.foo = @foo\nroot.all = @\nroot.in = metadata("gone")');
  const r = m.execValue({}, { gone: 'x', keep: 1 });
  assert.deepEqual(r, {
    deleted: false,
    value: { foo: 'bar', all: { foo: 'bar', keep: 1 }, in: 'x' },
    meta: { foo: 'bar', keep: 1 },
  });
  const r2 = compile('meta = {"only": "this"}').execValue({}, { a: 1 });
  assert.deepEqual(r2, { deleted: false, value: {}, meta: { only: 'this' } });
  const r3 = compile('meta = deleted()').execValue({}, { a: 1 });
  assert.deepEqual(r3, { deleted: false, value: {}, meta: {} });
  assert.equal(run('root = meta("n")', {}, { n: 5 }), '5');
});

test('deleted() removes fields, array elements and whole messages; nothing() skips', () => {
  assert.deepEqual(run('root = this\nroot.b = deleted()', { a: 1, b: 2 }), { a: 1 });
  assert.deepEqual(run('root = [1, deleted(), 3]'), [1, 3]);
  assert.deepEqual(run('root = {"a": 1, "b": deleted()}'), { a: 1 });
  assert.deepEqual(run('root.a = 1\nroot.a = nothing()'), { a: 1 });
  assert.deepEqual(compile('root = deleted()').execValue({}), { deleted: true });
  assert.equal(mapBytes('root = deleted()', '{}'), null);
});

test('a string root yields raw bytes, anything else JSON', () => {
  assert.equal(mapBytes('root = this.s', '{"s":"hello world"}'), 'hello world');
  assert.equal(mapBytes('root = this.n', '{"n":5}'), '5');
  assert.equal(mapBytes('root.a = "x"', '{}'), '{"a":"x"}');
});

test('a mapping that never reads this does not parse the content', () => {
  assert.equal(mapBytes('root.a = "x"', 'not json at all'), '{"a":"x"}');
  assert.equal(mapBytes('root = content().string() + "!"', 'not json'), 'not json!');
  assert.match(
    (() => {
      try {
        mapBytes('root = this.a', 'not json');
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })(),
    /^failed assignment \(line 1\): unable to reference message as structured/,
  );
});

test('root left untouched keeps the original content', () => {
  assert.equal(mapBytes('meta foo = "bar"', 'raw text'), 'raw text');
});

test('mapping never modifies the input document', () => {
  const input = Message.fromString('{"a":{"b":1}}');
  const doc = input.asStructured();
  const out = compile('root = this\nroot.a.c = 2\nroot.z = 1').mapPart([input], 0)!;
  assert.deepEqual(JSON.parse(out.asString()), { a: { b: 1, c: 2 }, z: 1 });
  assert.deepEqual(doc, { a: { b: 1 } });
  assert.equal(input.asString(), '{"a":{"b":1}}');
});

test('mutation modifies the message in place and sees its own writes through this', () => {
  const msg = Message.fromString('{"a":1}');
  assert.equal(compile('root.b = this.a + 1\nroot.c = this.b').mutatePart([msg], 0), true);
  assert.deepEqual(JSON.parse(msg.asString()), { a: 1, b: 2, c: 2 });
  assert.equal(compile('root = deleted()').mutatePart([msg], 0), false);
});

test('prototype pollution: __proto__ paths and JSON keys stay plain data', () => {
  const v = run('root.__proto__.polluted = "yes"\nroot.constructor.prototype.x = 1') as Record<string, unknown>;
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).x, undefined);
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
  assert.deepEqual(Object.keys(v), ['__proto__', 'constructor']);
  const out = compile('root = this\nroot.__proto__.polluted = "yes"').mapPart([Message.fromString('{"__proto__":{"a":1}}')], 0)!;
  assert.deepEqual(JSON.parse(out.asString()), { ['__proto__']: { a: 1, polluted: 'yes' } });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.deepEqual(run('root = {"__proto__": 1}'), JSON.parse('{"__proto__": 1}'));
});

test('runaway apply recursion is an error, not a stack overflow', () => {
  const msg = runError('map loop {\n  root = this.apply("loop")\n}\nroot = this.apply("loop")');
  assert.match(msg, /^failed assignment \(line \d+\): .*maximum map recursion depth/);
});

test('named maps recurse over structures', () => {
  const src = [
    'map walk {',
    '  root = match {',
    '    this.type() == "object" => this.map_each(kv -> kv.value.apply("walk")),',
    '    this.type() == "number" => this + 1,',
    '    _ => this,',
    '  }',
    '}',
    'root = this.apply("walk")',
  ].join('\n');
  assert.deepEqual(run(src, { a: 1, b: { c: 2, d: 'x' } }), { a: 2, b: { c: 3, d: 'x' } });
});

test('lambdas, context capture and this rebinding in method arguments', () => {
  assert.deepEqual(run('root = this.xs.map_each(x -> x * this.k)', { xs: [1, 2], k: 3 }), [3, 6]);
  assert.deepEqual(run('root = this.xs.map_each(this * 2)', { xs: [1, 2] }), [2, 4]);
  assert.deepEqual(run('root = this.v.(x -> x + 1)', { v: 1 }), 2);
});

test('catch and or recover failures', () => {
  assert.equal(run('root = this.a.uppercase().catch("bad")', { a: 1 }), 'bad');
  assert.equal(run('root = this.a.uppercase().catch(e -> e)', { a: 1 }), 'expected string value, got number from field `this.a` (1)');
  assert.equal(run('root = this.missing.or("default")', {}), 'default');
  assert.equal(mapBytes('root = this.catch(deleted())', 'not json'), null);
});

test('indexing and slicing strings and arrays', () => {
  const input = { s: 'hello world', xs: ['a', 'b', 'c', 'd', 'e', 'f'] };
  assert.equal(run('root = this.s[0]', input), 'h');
  assert.equal(run('root = this.s[-1]', input), 'd');
  assert.equal(run('root = this.s[1:4]', input), 'ell');
  assert.equal(run('root = this.s[::-1]', input), 'dlrow olleh');
  assert.deepEqual(run('root = this.xs[1:5:2]', input), ['b', 'd']);
  assert.deepEqual(run('root = this.xs.1', input), 'b');
});

test('literals: objects with dynamic keys, triple-quoted and escaped strings, quoted paths', () => {
  assert.deepEqual(run('root = {this.k: this.v, "n": [1, 2.5, true, null]}', { k: 'key', v: 1 }), {
    key: 1,
    n: [1, 2.5, true, null],
  });
  assert.equal(run('root = """a\n"b"\\n"""'), 'a\n"b"\\n');
  assert.equal(run('root = "tab\\there \\u00e9 \\"q\\""'), 'tab\there é "q"');
  assert.deepEqual(run('root."foo.bar".baz = this."buz bev"', { 'buz bev': 1 }), { 'foo.bar': { baz: 1 } });
  assert.deepEqual(run('foo = bar', { bar: 2 }), { foo: 2 });
});

test('queryPart returns the value of root', () => {
  const m = compile('root = this.n > 1');
  assert.equal(m.queryPart([Message.fromString('{"n":2}')], 0), true);
});

test('interpolation renders queries, escapes ${{! and is static when it can be', () => {
  const msg = Message.fromString('{"name":"bob","n":3}', new Map([['k', 'v']]));
  const r = parseInterpolation('hi ${! this.name } #${! this.n + 1 } ${! @k } ${{!raw}');
  assert.ok(r.interp);
  assert.equal(r.interp.isStatic, false);
  assert.equal(r.interp.render([msg], 0), 'hi bob #4 v ${!raw}');
  const s = parseInterpolation('plain');
  assert.equal(s.interp!.isStatic, true);
  assert.equal(s.interp!.render([msg], 0), 'plain');
  assert.match(parseInterpolation('x ${! this.a ').diagnostics[0]!.message, /^line 1 char 14: expected '}'/);
});

test('compiled mappings keep state between runs (counter)', () => {
  const m = compile('root = counter()');
  assert.deepEqual([m.execValue({}), m.execValue({})].map((r) => (r as { value: unknown }).value), [1, 2]);
});

test('batch-aware functions and from()', () => {
  const batch = [Message.fromString('{"v":1}'), Message.fromString('{"v":2}')];
  const m = compile('root.i = batch_index()\nroot.n = batch_size()\nroot.other = json("v").from(1)\nroot.all = json("v").from_all()');
  assert.deepEqual(JSON.parse(m.mapPart(batch, 0)!.asString()), { i: 0, n: 2, other: 2, all: [1, 2] });
});

test('error() and errored() read the message error flag', () => {
  const msg = Message.fromString('{}');
  msg.error = new Error('boom');
  const out = compile('root.e = error()\nroot.f = errored()').mapPart([msg], 0)!;
  assert.deepEqual(JSON.parse(out.asString()), { e: 'boom', f: true });
});
