import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { compress as zstdCompress } from 'zstd-napi';
import { Compressor as SnappyCompressor } from 'snappy';
import { compressFrameSync } from 'lz4-napi';
import { scanAll, texts } from '../_shared/scanner_testing.js';

const text = 'first line\nsecond line\n\nthird line\n';
const lines = ['first line', 'second line', '', 'third line'];

async function snappyFramed(data: Buffer): Promise<Buffer> {
  const c = new SnappyCompressor();
  return Buffer.concat([c.update(data), await c.finish()]);
}

test('decompress: gzip, pgzip, zlib, flate, zstd, snappy and lz4 into lines', async () => {
  const raw = Buffer.from(text);
  const cases: [string, Buffer][] = [
    ['gzip', gzipSync(raw)],
    ['pgzip', gzipSync(raw)],
    ['zlib', deflateSync(raw)],
    ['flate', deflateRawSync(raw)],
    ['zstd', zstdCompress(raw)],
    ['snappy', await snappyFramed(raw)],
    ['lz4', compressFrameSync(raw)],
  ];
  for (const [algorithm, data] of cases) {
    for (const chunkSize of [1, 65536]) {
      const got = await scanAll({ decompress: { algorithm, into: { lines: {} } } }, data, { chunkSize });
      // The lines scanner decides about the empty line; compare with what it gives uncompressed.
      const plain = await scanAll({ lines: {} }, raw);
      assert.deepEqual(texts(got), texts(plain), `${algorithm}, read size ${chunkSize}`);
      assert.ok(texts(got).every((l) => lines.includes(l)));
    }
  }
});

test('decompress: into defaults to to_the_end', async () => {
  assert.deepEqual(texts(await scanAll({ decompress: { algorithm: 'gzip' } }, gzipSync(text))), [text]);
});

test('decompress: concatenated gzip members are read one after the other', async () => {
  const data = Buffer.concat([gzipSync('a\n'), gzipSync('b\n')]);
  assert.deepEqual(texts(await scanAll({ decompress: { algorithm: 'gzip' } }, data)), ['a\nb\n']);
});

test('decompress: fixtures made by the reference bzip2, lz4 (linked blocks) and zstd tools', async () => {
  const bz2 = Buffer.from('QlpoOTFBWSZTWcP2zJ8AAAXZgAAQQAAQAB5lyBAgACKYmammNQpgACGoXD3rKnCA3ipUH4u5IpwoSGH7Zk+A', 'base64');
  assert.deepEqual(texts(await scanAll({ decompress: { algorithm: 'bzip2' } }, bz2, { chunkSize: 3 })), ['hello bzip2\nsecond line\n']);
  const lz4 = Buffer.from('BCJNGGRApxYAAIBoZWxsbyBsejQKc2Vjb25kIGxpbmUKAAAAAJkPwsM=', 'base64');
  assert.deepEqual(texts(await scanAll({ decompress: { algorithm: 'lz4' } }, lz4, { chunkSize: 3 })), ['hello lz4\nsecond line\n']);
  const zst = Buffer.from('KLUv/QRYWQAAaGVsbG8genN0ZApsV/lR', 'base64');
  assert.deepEqual(texts(await scanAll({ decompress: { algorithm: 'zstd' } }, zst, { chunkSize: 3 })), ['hello zstd\n']);
});

/** Several MB with long runs and random text: many bzip2 blocks, lz4 back references across blocks. */
function sample(): Buffer {
  const parts: Buffer[] = [];
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (let i = 0; i < 40_000; i++) parts.push(Buffer.from(`${i} ${rnd().toString(36)} ${'z'.repeat(rnd() % 40)}\n`));
  parts.push(Buffer.alloc(300_000, 'a'));
  for (let i = 0; i < 20_000; i++) parts.push(Buffer.from(`${rnd().toString(16)}\n`));
  return Buffer.concat(parts);
}

function tool(cmd: string, args: string[], input: Buffer): Buffer | undefined {
  const r = spawnSync(cmd, args, { input, maxBuffer: 64 << 20 });
  return r.status === 0 ? r.stdout : undefined;
}

test('decompress: multi-block bzip2 and linked-block lz4 from the command-line tools, chunked', async (t) => {
  const data = sample();
  const bz = tool('bzip2', ['-c', '-1'], data);
  const lz = tool('lz4', ['-c', '-q', '-BD', '-B4'], data);
  if (!bz || !lz) return t.skip('bzip2 / lz4 tools not installed');
  const viaBz = await scanAll({ decompress: { algorithm: 'bzip2', into: { chunker: { size: 1 << 20 } } } }, bz, { chunkSize: 7000 });
  assert.ok(Buffer.concat(viaBz.map((m) => m.asBytes())).equals(data), 'bzip2');
  const viaLz = await scanAll({ decompress: { algorithm: 'lz4', into: { chunker: { size: 1 << 20 } } } }, lz, { chunkSize: 7000 });
  assert.ok(Buffer.concat(viaLz.map((m) => m.asBytes())).equals(data), 'lz4');
  // Two bzip2 streams back to back read as one.
  const twice = Buffer.concat([tool('bzip2', ['-c'], Buffer.from('x\n'))!, tool('bzip2', ['-c'], Buffer.from('y\n'))!]);
  assert.deepEqual(texts(await scanAll({ decompress: { algorithm: 'bzip2' } }, twice)), ['x\ny\n']);
});

test('decompress: corrupt input is an error, not a crash', async () => {
  await assert.rejects(scanAll({ decompress: { algorithm: 'gzip' } }, Buffer.from('not gzip at all')));
  await assert.rejects(scanAll({ decompress: { algorithm: 'bzip2' } }, Buffer.from('BZh9garbage-garbage-garbage')), /bzip2/);
  await assert.rejects(scanAll({ decompress: { algorithm: 'lz4' } }, Buffer.from('nope')), /lz4: bad magic/);
  await assert.rejects(scanAll({ decompress: { algorithm: 'snappy' } }, Buffer.from([0, 1, 0, 0, 0])), /snappy/);
  const bz = Buffer.from('QlpoOTFBWSZTWcP2zJ8AAAXZgAAQQAAQAB5lyBAgACKYmammNQpgACGoXD3rKnCA3ipUH4u5IpwoSGH7Zk+A', 'base64');
  const flipped = Buffer.from(bz);
  flipped[30]! ^= 0x10;
  await assert.rejects(scanAll({ decompress: { algorithm: 'bzip2' } }, flipped), /bzip2/);
  await assert.rejects(scanAll({ decompress: { algorithm: 'bzip2' } }, bz.subarray(0, 40)), /bzip2/);
});

test('decompress: an unknown algorithm is a config error', async () => {
  await assert.rejects(scanAll({ decompress: { algorithm: 'rar' } }, 'x'));
});
