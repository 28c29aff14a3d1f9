import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { decompressBzip2 } from './proc_bzip2.js';

/** Compress with the reference bzip2 tool, when it is installed. */
function bzip2(data: Buffer, level = 9): Buffer | undefined {
  const r = spawnSync('bzip2', [`-${level}`, '-c'], { input: data, maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout : undefined;
}
const haveTool = bzip2(Buffer.from('x')) !== undefined;

// "hello\n" as written by `bzip2 -9`.
const HELLO = 'QlpoOTFBWSZTWcHAgOIAAAFBAAAQAkSgADDNAMNGKZcXckU4UJDBwIDi';

test('decodes a stream written by the reference bzip2', () => {
  assert.equal(decompressBzip2(Buffer.from(HELLO, 'base64')).toString('utf8'), 'hello\n');
});

test('rejects data that is not bzip2, truncated streams and corrupted blocks', () => {
  assert.throws(() => decompressBzip2(Buffer.from('hello')), /bzip2 data invalid: bad magic value/);
  assert.throws(() => decompressBzip2(Buffer.alloc(0)), /bzip2 data invalid/);
  const good = Buffer.from(HELLO, 'base64');
  assert.throws(() => decompressBzip2(good.subarray(0, good.length - 6)), /bzip2 data invalid/);
  const flipped = Buffer.from(good);
  flipped[20]! ^= 0x10;
  assert.throws(() => decompressBzip2(flipped), /bzip2 data invalid/);
});

test('round trips through the bzip2 tool: several blocks, long runs, random bytes, concatenated streams', { skip: !haveTool && 'bzip2 is not installed' }, () => {
  const text = Buffer.from(Array.from({ length: 30000 }, (_, i) => `line ${i} ${'ab'.repeat(i % 7)}\n`).join(''));
  const runs = Buffer.concat([Buffer.alloc(70000, 0x61), Buffer.from('b'), Buffer.alloc(3, 0x63), Buffer.alloc(4, 0x64), Buffer.alloc(5, 0x65), Buffer.alloc(260, 0x66)]);
  const random = randomBytes(250_000);
  for (const [name, data, level] of [
    ['text, 100k blocks', text, 1],
    ['runs', runs, 9],
    ['random', random, 2],
    ['empty', Buffer.alloc(0), 9],
  ] as const) {
    assert.ok(decompressBzip2(bzip2(data, level)!).equals(data), name);
  }
  const two = Buffer.concat([bzip2(Buffer.from('one\n'))!, bzip2(Buffer.from('two\n'))!]);
  assert.equal(decompressBzip2(two).toString('utf8'), 'one\ntwo\n');
});
