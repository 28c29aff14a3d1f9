import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCodec } from './codec_writer.js';
import { Message } from '../../plugin/index.js';

const batch = (...xs: string[]): Message[] => xs.map((x) => Message.fromString(x));

test('codec: lines ends each message with a line break, and a batch of several with one more', () => {
  const c = makeCodec('lines');
  assert.equal(c.encode(batch('a')).toString(), 'a\n');
  assert.equal(c.encode(batch('a', 'b')).toString(), 'a\nb\n\n');
});

test('codec: encodeMany writes the same bytes as encoding each batch in turn', () => {
  const groups = [batch('a'), batch('b', 'c'), batch(''), batch('d'), batch('e', 'f', 'g')];
  for (const name of ['lines', 'delim:||', 'delim:\t', 'append', 'all-bytes']) {
    const c = makeCodec(name);
    const one = Buffer.concat(groups.map((g) => c.encode(g)));
    assert.deepEqual(c.encodeMany(groups), one, name);
  }
  assert.equal(makeCodec('lines').encodeMany(groups).toString(), 'a\nb\nc\n\n\nd\ne\nf\ng\n\n');
  assert.equal(makeCodec('delim:||').encodeMany([batch('x'), batch('y', 'z')]).toString(), 'x||y||z||||');
});
