import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanAll, texts } from '../_shared/scanner_testing.js';

const bytes = (...parts: (number[] | string)[]): Buffer => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

test('skip_bom: a UTF-8 byte order mark is removed, even when read a byte at a time', async () => {
  for (const chunkSize of [1, 2, 65536]) {
    const got = await scanAll({ skip_bom: {} }, bytes([0xef, 0xbb, 0xbf], 'hello'), { chunkSize });
    assert.deepEqual(texts(got), ['hello']);
  }
});

test('skip_bom: UTF-16 and UTF-32 marks are removed too; other data is untouched', async () => {
  const bomOf = async (b: Buffer): Promise<Buffer> => (await scanAll({ skip_bom: {} }, b))[0]!.asBytes();
  assert.deepEqual([...(await bomOf(bytes([0xfe, 0xff], [0, 0x41])))], [0, 0x41]);
  assert.deepEqual([...(await bomOf(bytes([0xff, 0xfe], [0x41, 0])))], [0x41, 0]);
  assert.deepEqual([...(await bomOf(bytes([0xff, 0xfe, 0, 0], [0x41, 0, 0, 0])))], [0x41, 0, 0, 0]);
  assert.deepEqual([...(await bomOf(bytes([0, 0, 0xfe, 0xff], [0, 0, 0, 0x41])))], [0, 0, 0, 0x41]);
  assert.equal((await bomOf(bytes('plain text'))).toString(), 'plain text');
  assert.equal((await bomOf(bytes('ab'))).toString(), 'ab');
});

test('skip_bom: feeds the child scanner named in `into`', async () => {
  const got = await scanAll({ skip_bom: { into: { lines: {} } } }, bytes([0xef, 0xbb, 0xbf], 'a\nb\n'), { chunkSize: 1 });
  assert.deepEqual(texts(got), ['a', 'b']);
});
