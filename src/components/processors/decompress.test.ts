import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPipeline } from '../_shared/proc_test_support.js';

const TEXT = 'hello world, hello world, hello sluice\n';

/**
 * The same text compressed by other implementations: gzip, zlib and flate by Go's standard
 * library (as Benthos writes them), zstd, lz4 (frame) and bzip2 by their reference command line
 * tools. The snappy block is written out by hand from the format description.
 */
const FIXTURES: Record<string, string> = {
  gzip: 'H4sIAAAAAAAA/8pIzcnJVyjPL8pJ0VHAwinOKc1MTuUCBAAA//8j2cmVJwAAAA==',
  pgzip: 'H4sIAAAAAAAA/8pIzcnJVyjPL8pJ0VHAwinOKc1MTuUCBAAA//8j2cmVJwAAAA==',
  zlib: 'eJzKSM3JyVcozy/KSdFRwMIpzinNTE7lAgQAAP//H4wOFA==',
  flate: 'ykjNyclXKM8vyknRUcDCKc4pzUxO5QIEAAD//w==',
  zstd: 'KLUv/QRY1QAAoGhlbGxvIHdvcmxkLCBzbHVpY2UKAQCQzC/2VdbH',
  lz4: 'BCJNGGRApxkAAADfaGVsbG8gd29ybGQsIA0AAHBzbHVpY2UKAAAAAHEjzHE=',
  bzip2: 'QlpoOTFBWSZTWaMDBugAAAjRgAAQQAQOZJqAIAAhJQDamQQAANYGtkMhpjqSVxVZeKIxY+LuSKcKEhRgYN0A',
};

for (const [algorithm, b64] of Object.entries(FIXTURES)) {
  test(`${algorithm}: decompresses data written by another implementation`, async () => {
    const run = await runPipeline([{ decompress: { algorithm } }], [b64], { base64: true });
    assert.equal(run.batches[0]![0]!.error, null);
    assert.deepEqual(run.delivered, [TEXT]);
  });
}

test('snappy: decodes the block format, literals and back-references', async () => {
  // "abc" as a literal, then a 1-byte-offset copy of 9 bytes from 3 back: "abcabcabcabc".
  const block = Buffer.from([0x0c, 0x08, 0x61, 0x62, 0x63, 0x15, 0x03]).toString('base64');
  const run = await runPipeline([{ decompress: { algorithm: 'snappy' } }], [block], { base64: true });
  assert.deepEqual(run.delivered, ['abcabcabcabc']);
});

test('gzip: concatenated members decompress to the concatenated contents', async () => {
  const two = 'H4sIAAAAAAAA/8pIzcnJVyjPL8pJ0VHAwinOKc1MTuUCBAAA//8j2cmVJwAAAB+LCAAAAAAAAP8qTk3Oz0tRyE3NTUot4gIEAAD//zYYSw4OAAAA';
  const run = await runPipeline([{ decompress: { algorithm: 'gzip' } }], [two], { base64: true });
  assert.deepEqual(run.delivered, [`${TEXT}second member\n`]);
});

test('data that is not in the format flags that message only; it passes on unchanged with its metadata', async () => {
  for (const algorithm of ['gzip', 'zlib', 'flate', 'snappy', 'lz4', 'zstd', 'bzip2']) {
    const good = FIXTURES[algorithm] ?? Buffer.from([0x05, 0x10, 0x68, 0x65, 0x6c, 0x6c, 0x6f]).toString('base64');
    const run = await runPipeline([{ decompress: { algorithm } }], [Buffer.from('not compressed at all').toString('base64'), good], {
      base64: true,
      meta: { k: 'v{i}' },
    });
    const [bad, ok] = run.batches[0]!;
    assert.ok(bad!.error, `${algorithm}: the bad message is flagged`);
    assert.equal(bad!.asString(), 'not compressed at all');
    assert.equal(bad!.getMeta('k'), 'v0');
    assert.equal(ok!.error, null, `${algorithm}: the good message is not`);
    assert.equal(ok!.getMeta('k'), 'v1');
    assert.deepEqual(run.source.acked.length, 2);
  }
});

test('a truncated gzip stream is an error, not a short result', async () => {
  const cut = Buffer.from(FIXTURES.gzip!, 'base64').subarray(0, 20).toString('base64');
  const run = await runPipeline([{ decompress: { algorithm: 'gzip' } }], [cut], { base64: true });
  assert.ok(run.batches[0]![0]!.error);
});
