import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message } from '../core/message.js';
import { editsInputInPlace } from './in_place.js';
import { parseProgram } from './parser.js';
import { parseMapping, type Mapping } from './index.js';
import './builtins.js';

const qualifies = (src: string): boolean => editsInputInPlace(parseProgram(src));

function compile(src: string): Mapping {
  const r = parseMapping(src);
  assert.ok(r.mapping, r.diagnostics.map((d) => d.message).join('\n'));
  return r.mapping;
}

/** Map one message given as JSON text (so the run parses it) and return output and input. */
function mapText(src: string, input: string): { out: Message | null; input: Message } {
  const msg = Message.fromString(input);
  return { out: compile(src).mapPart([msg], 0), input: msg };
}

test('in place: edits of fields no other statement reads qualify', () => {
  assert.equal(
    qualifies('root = this\nroot.user.name = this.user.name.uppercase()\nroot.tags = this.tags.filter(t -> t != "spam")\nroot.total = this.price * this.qty'),
    true,
  );
  assert.equal(qualifies('let x = this.a\nmeta k = this.b\nroot = this\nroot.c = $x + @k'), true);
  assert.equal(qualifies('root = this\nif this.kind == "a" { root.x = 1 } else { root.y = 2 }'), true);
  assert.equal(qualifies('root = this\nroot.a = this.a.b'), true, 'reading below the written path is safe');
  assert.equal(qualifies('root = this\nroot.a = deleted()'), true);
});

test('in place: anything that could observe or alias an edit falls back to copy-on-write', () => {
  const cases: Record<string, string> = {
    'no edits': 'root = this',
    'not starting from this': 'root = this.a\nroot.b = 1',
    'a later read of an edited field': 'root = this\nroot.a = 1\nroot.b = this.a',
    'an earlier read of an edited field (aliasing)': 'root = this\nroot.b = this.a\nroot.a.c = 1',
    'a read above the edit': 'root = this\nroot.a.b = this.a',
    'a read of the whole document': 'root = this\nroot.n = this.keys().length()',
    'overlapping writes': 'root = this\nroot.a = {"b": 1}\nroot.a.c = 2',
    'reading root': 'root = this\nroot.a = 1\nroot.b = root.a',
    'another message': 'root = this\nroot.a = this.x.from(0)',
    'the parsed content': 'root = this\nroot.a = json("b")',
    'named maps': 'map m { root = this }\nroot = this\nroot.a = this.b.apply("m")',
    'this inside a query argument': 'root = this\nroot.a = this.b.map_each(x -> this.c)',
    'a second whole-root assignment': 'root = this\nroot.a = 1\nroot = this',
    'an if before root = this': 'if true { root.a = 1 }\nroot = this\nroot.b = 2',
  };
  for (const [why, src] of Object.entries(cases)) assert.equal(qualifies(src), false, why);
});

test('in place: the output is the edited document and the input message still reads as it came', () => {
  const src = 'root = this\nroot.user.name = this.user.name.uppercase()\nroot.tags = this.tags.filter(t -> t != "spam")\nroot.total = this.price * this.qty';
  const text = '{"user":{"name":"ada","id":"u1"},"tags":["a","spam"],"price":2.5,"qty":4,"big":9007199254740993}';
  const { out, input } = mapText(src, text);
  assert.equal(out!.asString(), '{"user":{"name":"ADA","id":"u1"},"tags":["a"],"price":2.5,"qty":4,"big":9007199254740993,"total":10}');
  assert.equal(input.asString(), text);
  assert.deepEqual(input.asStructured(), { user: { name: 'ada', id: 'u1' }, tags: ['a', 'spam'], price: 2.5, qty: 4, big: 9007199254740993n });
});

test('in place: a mapping failing half way leaves the input document unedited', () => {
  const src = 'root = this\nroot.a = "edited"\nroot.b = this.c.uppercase()';
  const msg = Message.fromString('{"a":"orig","c":5}');
  assert.throws(() => compile(src).mapPart([msg], 0), /uppercase|expected string/);
  assert.deepEqual(msg.asStructured(), { a: 'orig', c: 5 });
});

test('in place is only used for content parsed by the run: an already parsed input is copied', () => {
  const src = 'root = this\nroot.a.b = 2';
  const msg = Message.fromString('{"a":{"b":1}}');
  const before = msg.asStructured() as { a: { b: number } };
  const out = compile(src).mapPart([msg], 0)!;
  assert.equal(out.asString(), '{"a":{"b":2}}');
  assert.equal(before.a.b, 1);
  assert.equal(msg.asStructured(), before);
});

test('copy-on-write mappings still keep later reads and aliases apart from edits', () => {
  assert.equal(mapText('root = this\nroot.a = 1\nroot.b = this.a', '{"a":{"x":0}}').out!.asString(), '{"a":1,"b":{"x":0}}');
  assert.equal(mapText('root = this\nroot.b = this.a\nroot.a.c = 1', '{"a":{"x":0}}').out!.asString(), '{"a":{"x":0,"c":1},"b":{"x":0}}');
  assert.equal(mapText('root = this\nroot.a.b = this.a', '{"a":{"x":0}}').out!.asString(), '{"a":{"x":0,"b":{"x":0}}}');
});

test('a __proto__ key edited in place stays data and never reaches Object.prototype', () => {
  const { out } = mapText('root = this\nroot.x = 1', '{"__proto__":{"polluted":true},"y":2}');
  const doc = out!.asStructuredMut() as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(doc), Object.prototype);
  assert.deepEqual(Object.keys(doc), ['__proto__', 'y', 'x']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(out!.asString(), '{"__proto__":{"polluted":true},"y":2,"x":1}');
});

test('a mapping output sharing a constant is copied before a later in-place change', () => {
  const m = compile('root = this\nroot.k = {"fixed": [1, 2]}');
  const first = m.mapPart([Message.fromString('{"a":1}')], 0)!;
  const doc = first.asStructuredMut() as { k: { fixed: number[] } };
  doc.k.fixed.push(3);
  const second = m.mapPart([Message.fromString('{"a":2}')], 0)!;
  assert.equal(second.asString(), '{"a":2,"k":{"fixed":[1,2]}}');
});

test('an output sharing the input document: editing either side in place leaves the other alone', () => {
  // Copy-on-write runs (the first mapping reads what it edits; the second input is parsed
  // before the run) leave the untouched `c` shared between input and output.
  const setups: Array<[string, boolean]> = [
    ['root = this\nroot.a.b = 2\nroot.e = this.a.b', false],
    ['root = this\nroot.a.b = 2\nroot.e = 1', true],
  ];
  for (const [src, parseFirst] of setups) {
    const input = Message.fromString('{"a":{"b":1},"c":{"d":1}}');
    if (parseFirst) input.asStructured();
    const out = compile(src).mapPart([input], 0)!;
    (input.asStructuredMut() as { c: { d: number } }).c.d = 7;
    assert.deepEqual(out.asStructured(), { a: { b: 2 }, c: { d: 1 }, e: 1 }, src);
    (out.asStructuredMut() as { c: { d: number } }).c.d = 9;
    assert.deepEqual(input.asStructured(), { a: { b: 1 }, c: { d: 7 } }, src);
  }
});

test('a value read from another message with from() is not changed by editing that message later', () => {
  const m = compile('root.other = json("x").from(1)');
  const batch = [Message.fromString('{"x":0}'), Message.fromString('{"x":{"y":1}}')];
  const out = m.mapPart(batch, 0)!;
  (batch[1]!.asStructuredMut() as { x: { y: number } }).x.y = 5;
  assert.equal(out.asString(), '{"other":{"y":1}}');
});

test('assigning root, or in a mutation this, into itself copies the value instead of making a cycle', () => {
  const mapped = (src: string): string => compile(src).mapPart([Message.fromString('{"x":1}')], 0)!.asString();
  const mutated = (src: string): string => {
    const batch = [Message.fromString('{"x":1}')];
    compile(src).mutatePart(batch, 0);
    return batch[0]!.asString();
  };
  assert.equal(mapped('root.a = 1\nroot.self = root'), '{"a":1,"self":{"a":1}}');
  assert.equal(mapped('root.a.b = 1\nroot.a.c = [root.a]'), '{"a":{"b":1,"c":[{"b":1}]}}');
  assert.equal(mapped('root.a = 1\nlet r = root\nroot.self = $r'), '{"a":1,"self":{"a":1}}');
  assert.equal(mutated('root.original = this'), '{"x":1,"original":{"x":1}}');
  assert.equal(mutated('root.self = root'), '{"x":1,"self":{"x":1}}');
  assert.equal(mutated('root.j = json()'), '{"x":1,"j":{"x":1}}');
  // A value that cannot hold the target is not copied: reading below the target is fine.
  assert.equal(mutated('root.y = this.x'), '{"x":1,"y":1}');
});
