import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Message, serialiseValue } from './message.js';

test('serialiseValue writes bytes anywhere inside a value as their text, and bigints as digits', () => {
  assert.equal(serialiseValue({ a: Buffer.from('hi'), b: [new Uint8Array([0x6f, 0x6b])], c: { d: Buffer.from('x') } }), '{"a":"hi","b":["ok"],"c":{"d":"x"}}');
  assert.equal(serialiseValue({ id: 9007199254740993n, n: [1, 2.5, null, true], s: 'é"\n' }), '{"id":9007199254740993,"n":[1,2.5,null,true],"s":"é\\"\\n"}');
  assert.equal(serialiseValue({ id: 9007199254740993n, raw: Buffer.from('r') }), '{"id":9007199254740993,"raw":"r"}');
  assert.equal(serialiseValue(Buffer.from('top')), 'top');
  assert.equal(serialiseValue('plain'), 'plain');
  assert.equal(serialiseValue(undefined), 'null');
});

test('serialiseValue keeps insertion order and writes values with toJSON through it', () => {
  class Stamp {
    constructor(readonly s: string) {}
    toJSON(): string {
      return `T${this.s}`;
    }
  }
  assert.equal(serialiseValue({ z: 1, a: new Stamp('1'), m: [new Stamp('2')] }), '{"z":1,"a":"T1","m":["T2"]}');
});

test('asStructuredMut on a shared value edits a deep copy: instances kept, bytes copied, __proto__ stays data', () => {
  class Stamp {
    constructor(readonly s: string) {}
  }
  const stamp = new Stamp('t');
  const bytes = Buffer.from('b');
  const shared = JSON.parse('{"__proto__":{"x":1},"list":[{"y":2}]}') as Record<string, unknown>;
  shared.when = stamp;
  shared.raw = bytes;
  const m = Message.fromStructured(null);
  m.setStructuredShared(shared);
  const doc = m.asStructuredMut() as Record<string, any>;
  assert.notEqual(doc, shared);
  doc.list[0].y = 3;
  assert.deepEqual(shared.list, [{ y: 2 }]);
  assert.equal(doc.when, stamp);
  assert.ok(Buffer.isBuffer(doc.raw) && doc.raw !== bytes && doc.raw.toString() === 'b');
  assert.equal(Object.getPrototypeOf(doc), Object.prototype);
  assert.deepEqual(Object.keys(doc), ['__proto__', 'list', 'when', 'raw']);
  assert.deepEqual(doc['__proto__'], { x: 1 });
  // Once copied the message owns its value: no second copy.
  assert.equal(m.asStructuredMut(), doc);
});

test('markStructuredShared makes the next in-place edit copy; forgetStructured re-parses the bytes', () => {
  const m = Message.fromString('{"a":{"b":1}}');
  const parsed = m.asStructured() as { a: { b: number } };
  m.markStructuredShared();
  const mut = m.asStructuredMut() as { a: { b: number } };
  assert.notEqual(mut, parsed);
  mut.a.b = 2;
  assert.equal(parsed.a.b, 1);

  const n = Message.fromString('{"a":1}');
  const first = n.asStructured() as { a: number };
  first.a = 99;
  n.forgetStructured();
  assert.deepEqual(n.asStructured(), { a: 1 });

  // A structured (bytes-less) value is the only truth: forgetting it would lose it.
  const s = Message.fromStructured({ k: 1 });
  s.forgetStructured();
  assert.deepEqual(s.asStructured(), { k: 1 });
});

test('metaObject keeps a __proto__ metadata key as a plain key', () => {
  const m = Message.fromString('{}');
  m.setMeta('__proto__', 'v');
  m.setMeta('a', 1);
  const o = m.metaObject();
  assert.equal(Object.getPrototypeOf(o), Object.prototype);
  assert.deepEqual(Object.keys(o), ['__proto__', 'a']);
  assert.equal(o['__proto__'], 'v');
});
