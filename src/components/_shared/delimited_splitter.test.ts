import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DelimitedSplitter } from './delimited_splitter.js';

/**
 * Feed `data` in pieces of the given sizes (cycled) and collect every record, tail included,
 * with `push` (every record of a chunk at once) or `feed`/`nextPart` (one record at a time).
 */
function split(data: string, delim: string, sizes: number[], pull = false, max = 0): string[] {
  const s = new DelimitedSplitter(Buffer.from(delim), max);
  const out: Buffer[] = [];
  const buf = Buffer.from(data);
  for (let at = 0, i = 0; at < buf.length; i++) {
    const n = sizes[i % sizes.length]!;
    const chunk = buf.subarray(at, at + n);
    if (pull) {
      s.feed(chunk);
      for (let p = s.nextPart(); p !== null; p = s.nextPart()) out.push(p);
    } else s.push(chunk, out);
    at += n;
  }
  const tail = s.end();
  if (tail) out.push(tail);
  return out.map((b) => b.toString());
}

test('delimited splitter: records come out whole however the stream is chunked', () => {
  const records = ['', 'a', 'bb', 'a record much longer than any chunk of the stream', '', 'end'];
  for (const delim of ['\n', '||', 'XYZ']) {
    const data = records.join(delim) + delim + 'tail';
    const want = [...records, 'tail'];
    for (const sizes of [[1], [2], [3], [5, 1, 7], [1000]]) {
      for (const pull of [false, true]) {
        assert.deepEqual(split(data, delim, sizes, pull), want, `delimiter ${JSON.stringify(delim)}, chunks ${sizes.join(',')}, ${pull ? 'pull' : 'push'}`);
      }
    }
  }
});

test('delimited splitter: a record that spans chunks is joined; the others stay views of their chunk', () => {
  const s = new DelimitedSplitter(Buffer.from('\n'), 0);
  const out: Buffer[] = [];
  s.push(Buffer.from('one\ntw'), out);
  const second = Buffer.from('o\nthree\nfour\n');
  s.push(second, out);
  assert.deepEqual(
    out.map((b) => b.toString()),
    ['one', 'two', 'three', 'four'],
  );
  assert.equal(out[2]!.buffer, second.buffer, 'a record inside one chunk is not copied');
});

test('delimited splitter: an unterminated record longer than max_buffer_size is an error', () => {
  const s = new DelimitedSplitter(Buffer.from('\n'), 8);
  const out: Buffer[] = [];
  s.push(Buffer.from('ok\n12345'), out);
  assert.throws(() => s.push(Buffer.from('67890'), out), /longer than max_buffer_size \(8 bytes\)/);
});

test('delimited splitter (pull): records before an oversized one come out, then the error, every time it is asked', () => {
  const s = new DelimitedSplitter(Buffer.from('\n'), 8);
  s.feed(Buffer.from('ok\n1234'));
  assert.equal(s.nextPart()!.toString(), 'ok');
  assert.equal(s.nextPart(), null);
  s.feed(Buffer.from('567890'));
  assert.throws(() => s.nextPart(), /longer than max_buffer_size \(8 bytes\)/);
  assert.throws(() => s.nextPart(), /longer than max_buffer_size/);
});
