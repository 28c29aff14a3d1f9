import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { scanAll, texts } from '../_shared/scanner_testing.js';

async function makeTar(entries: { name: string; body?: string; type?: 'file' | 'directory' }[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) =>
      e.type === 'directory' ? pack.entry({ name: e.name, type: 'directory' }, (err) => (err ? reject(err) : resolve())) : pack.entry({ name: e.name }, e.body ?? '', (err) => (err ? reject(err) : resolve())),
    );
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

test('tar: each file of the archive is a message with tar_name, read across small chunks', async () => {
  const big = 'x'.repeat(70_000);
  const archive = await makeTar([
    { name: 'a.txt', body: 'hello' },
    { name: 'dir/b.txt', body: 'world\n' },
    { name: 'big.bin', body: big },
    { name: 'empty.txt', body: '' },
  ]);
  for (const chunkSize of [100, 65536]) {
    const got = await scanAll({ tar: {} }, archive, { chunkSize });
    assert.deepEqual(texts(got), ['hello', 'world\n', big, '']);
    assert.deepEqual(
      got.map((m) => m.getMeta('tar_name')),
      ['a.txt', 'dir/b.txt', 'big.bin', 'empty.txt'],
    );
  }
});

test('tar: a directory entry is an empty message, as in Benthos', async () => {
  const got = await scanAll({ tar: {} }, await makeTar([{ name: 'd/', type: 'directory' }, { name: 'd/f', body: 'F' }]));
  assert.deepEqual(texts(got), ['', 'F']);
  assert.deepEqual(
    got.map((m) => m.getMeta('tar_name')),
    ['d/', 'd/f'],
  );
});

test('tar: a gzipped archive through decompress', async () => {
  const archive = gzipSync(await makeTar([{ name: 'one', body: '1' }, { name: 'two', body: '2' }]));
  const got = await scanAll({ decompress: { algorithm: 'gzip', into: { tar: {} } } }, archive, { chunkSize: 10 });
  assert.deepEqual(texts(got), ['1', '2']);
});

test('tar: an archive cut short is an error', async () => {
  const archive = await makeTar([{ name: 'a.txt', body: 'y'.repeat(5000) }]);
  await assert.rejects(scanAll({ tar: {} }, archive.subarray(0, 2000)));
});
