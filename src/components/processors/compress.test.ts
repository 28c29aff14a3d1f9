import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { runPipeline } from '../_shared/proc_test_support.js';
import { parseStreamConfig } from '../../library.js';

const TEXT = 'hello world, hello world, héllo sluice ✓\n';
const BIG = 'the quick brown fox jumps over the lazy dog. '.repeat(5000);

/** Magic bytes each format starts with (snappy blocks start with the varint length instead). */
const MAGIC: Record<string, number[]> = {
  gzip: [0x1f, 0x8b],
  pgzip: [0x1f, 0x8b],
  zlib: [0x78],
  zstd: [0x28, 0xb5, 0x2f, 0xfd],
  lz4: [0x04, 0x22, 0x4d, 0x18],
};

for (const algorithm of ['gzip', 'pgzip', 'zlib', 'flate', 'snappy', 'lz4', 'zstd']) {
  test(`${algorithm}: compress then decompress gives the original bytes back`, async () => {
    const run = await runPipeline([{ compress: { algorithm } }, { decompress: { algorithm } }], [TEXT, BIG, ''], { batchSize: 1 });
    assert.deepEqual(run.delivered, [TEXT, BIG, '']);
    assert.ok(run.batches.flat().every((m) => m.error === null));
  });

  test(`${algorithm}: the output is in the expected format and smaller for compressible data`, async () => {
    const run = await runPipeline([{ compress: { algorithm } }], [BIG]);
    const out = run.batches[0]![0]!.asBytes();
    assert.ok(out.length < Buffer.byteLength(BIG) / 10, `${out.length} bytes`);
    const magic = MAGIC[algorithm];
    if (magic) assert.deepEqual([...out.subarray(0, magic.length)], magic);
  });
}

test('gzip output is standard gzip: zlib.gunzipSync reads it', async () => {
  const run = await runPipeline([{ compress: { algorithm: 'gzip' } }], [TEXT]);
  assert.equal(zlib.gunzipSync(run.batches[0]![0]!.asBytes()).toString('utf8'), TEXT);
});

test('zlib and flate outputs are standard zlib (RFC 1950) and raw deflate (RFC 1951)', async () => {
  const z = await runPipeline([{ compress: { algorithm: 'zlib' } }], [TEXT]);
  assert.equal(zlib.inflateSync(z.batches[0]![0]!.asBytes()).toString('utf8'), TEXT);
  const f = await runPipeline([{ compress: { algorithm: 'flate' } }], [TEXT]);
  assert.equal(zlib.inflateRawSync(f.batches[0]![0]!.asBytes()).toString('utf8'), TEXT);
});

test('snappy writes the block format: a varint of the length, then literal/copy elements', async () => {
  // "hello" is too short to compress: length 5, then one literal tag ((5-1)<<2) and the bytes.
  const run = await runPipeline([{ compress: { algorithm: 'snappy' } }], ['hello']);
  assert.deepEqual([...run.batches[0]![0]!.asBytes()], [0x05, 0x10, 0x68, 0x65, 0x6c, 0x6c, 0x6f]);
});

test('level applies to gzip: level 0 stores the data uncompressed, level 9 compresses', async () => {
  const stored = await runPipeline([{ compress: { algorithm: 'gzip', level: 0 } }], [BIG]);
  const storedBytes = stored.batches[0]![0]!.asBytes();
  assert.ok(storedBytes.length > Buffer.byteLength(BIG), `${storedBytes.length}`);
  assert.equal(zlib.gunzipSync(storedBytes).toString('utf8'), BIG);
  const best = await runPipeline([{ compress: { algorithm: 'gzip', level: 9 } }], [BIG]);
  assert.ok(best.batches[0]![0]!.asBytes().length < Buffer.byteLength(BIG) / 10);
  // Huffman-only (-2) is accepted too, as Go accepts it.
  const huff = await runPipeline([{ compress: { algorithm: 'flate', level: -2 } }], [BIG]);
  assert.equal(zlib.inflateRawSync(huff.batches[0]![0]!.asBytes()).toString('utf8'), BIG);
});

test('an out-of-range level flags each message with the error and leaves it unchanged; the stream goes on', async () => {
  const run = await runPipeline([{ compress: { algorithm: 'gzip', level: 12 } }], ['a', 'b']);
  assert.deepEqual(run.delivered, ['a', 'b']);
  for (const m of run.batches[0]!) assert.equal(m.error?.message, 'gzip: invalid compression level: 12');
  assert.deepEqual(run.source.acked, ['a', 'b']);
});

test('metadata is kept on compressed messages', async () => {
  const run = await runPipeline([{ compress: { algorithm: 'zstd' } }], ['a'], { meta: { k: 'v' } });
  assert.equal(run.batches[0]![0]!.getMeta('k'), 'v');
});

test('an unknown algorithm is a config error; bzip2 can be read but not written', () => {
  for (const algorithm of ['brotli', 'bzip2']) {
    const parsed = parseStreamConfig({ pipeline: { processors: [{ compress: { algorithm } }] }, output: { drop: {} } });
    assert.equal(parsed.config, undefined, algorithm);
  }
});
