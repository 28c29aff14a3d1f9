import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { compressSync } from 'snappy';
import { snappyCompress, snappyDecompress, lz4Compress, lz4Decompress, zstdCompress, zstdDecompress } from './kafka_codecs.js';

const data = Buffer.from(JSON.stringify(Array.from({ length: 500 }, (_, i) => ({ i, text: 'hello kafka '.repeat(3) }))));

test('snappy, lz4 and zstd round trip', async () => {
  assert.ok((await snappyDecompress(await snappyCompress(data))).equals(data));
  assert.ok((await lz4Decompress(await lz4Compress(data))).equals(data));
  assert.ok((await zstdDecompress(await zstdCompress(data))).equals(data));
});

test('lz4 uses the frame format (magic 0x184D2204) and zstd its frame magic (0xFD2FB528)', async () => {
  assert.equal((await lz4Compress(data)).readUInt32LE(0), 0x184d2204);
  assert.equal((await zstdCompress(data)).readUInt32LE(0), 0xfd2fb528);
});

test("snappy reads xerial's framing as the Java client writes it", async () => {
  // Magic, version 1, compatible version 1, then chunks of <int32 BE length><raw snappy block>.
  const halves = [data.subarray(0, 3000), data.subarray(3000)];
  const parts: Buffer[] = [Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])];
  for (const h of halves) {
    const block = compressSync(h);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(block.length);
    parts.push(len, block);
  }
  assert.ok((await snappyDecompress(Buffer.concat(parts))).equals(data));
});

test('the codecs do not accept garbage silently', async () => {
  await assert.rejects(lz4Decompress(zlib.gzipSync(data)));
});
