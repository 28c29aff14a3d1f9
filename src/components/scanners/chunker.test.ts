import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStreamConfig } from '../../library.js';
import { scanAll, texts } from '../_shared/scanner_testing.js';

test('chunker: fixed-size chunks, the last one holding the rest, whatever the read sizes', async () => {
  for (const chunkSize of [1, 3, 4, 7, 65536]) {
    const got = await scanAll({ chunker: { size: 4 } }, 'abcdefghij', { chunkSize });
    assert.deepEqual(texts(got), ['abcd', 'efgh', 'ij'], `read size ${chunkSize}`);
  }
});

test('chunker: an exact multiple gives no empty tail, an empty stream gives nothing', async () => {
  assert.deepEqual(texts(await scanAll({ chunker: { size: 4 } }, 'abcdefgh', { chunkSize: 3 })), ['abcd', 'efgh']);
  assert.deepEqual(await scanAll({ chunker: { size: 4 } }, ''), []);
});

test('chunker: a 1 MiB stream in 100,000-byte chunks', async () => {
  const data = Buffer.alloc(1 << 20);
  for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
  const got = await scanAll({ chunker: { size: 100_000 } }, data);
  assert.equal(got.length, 11);
  assert.deepEqual(
    got.map((m) => m.asBytes().length),
    [...Array(10).fill(100_000), 48_576],
  );
  assert.ok(Buffer.concat(got.map((m) => m.asBytes())).equals(data));
});

test('chunker: size is required and must be positive', () => {
  const missing = parseStreamConfig({ input: { stdin: { scanner: { chunker: {} } } }, output: { drop: {} } });
  assert.ok(missing.diagnostics.some((d) => d.severity === 'error' && /size/.test(d.message)));
  const zero = parseStreamConfig({ input: { stdin: { scanner: { chunker: { size: 0 } } } }, output: { drop: {} } });
  assert.ok(zero.diagnostics.some((d) => d.severity === 'error' && /at least 1/.test(d.message)));
});
