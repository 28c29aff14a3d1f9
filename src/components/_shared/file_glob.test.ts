import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandGlobs } from './file_glob.js';

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'sluice-glob-'));
  for (const f of ['a.txt', 'b.txt', 'c.log', '.hidden.txt', 'sub/d.txt', 'sub/deep/e.txt', 'sub/deep/f.log', 'other/g.txt']) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), f);
  }
  mkdirSync(join(root, 'dir.txt'));
  return root;
}

test('glob: `*` matches files of one directory in name order (dot files too, as Go does; directories never)', async () => {
  const r = tree();
  assert.deepEqual(await expandGlobs([`${r}/*.txt`]), [`${r}/.hidden.txt`, `${r}/a.txt`, `${r}/b.txt`]);
});

test('glob: `**` spans any number of directories, including none', async () => {
  const r = tree();
  assert.deepEqual(await expandGlobs([`${r}/**/*.txt`]), [
    `${r}/.hidden.txt`,
    `${r}/a.txt`,
    `${r}/b.txt`,
    `${r}/other/g.txt`,
    `${r}/sub/d.txt`,
    `${r}/sub/deep/e.txt`,
  ]);
  assert.deepEqual(await expandGlobs([`${r}/sub/**`]), [`${r}/sub/d.txt`, `${r}/sub/deep/e.txt`, `${r}/sub/deep/f.log`]);
  assert.deepEqual(await expandGlobs([`${r}/**/deep/*.log`]), [`${r}/sub/deep/f.log`]);
});

test('glob: ?, classes, negated classes and alternatives', async () => {
  const r = tree();
  assert.deepEqual(await expandGlobs([`${r}/?.txt`]), [`${r}/a.txt`, `${r}/b.txt`]);
  assert.deepEqual(await expandGlobs([`${r}/[ab].*`]), [`${r}/a.txt`, `${r}/b.txt`]);
  assert.deepEqual(await expandGlobs([`${r}/[!a].txt`]), [`${r}/b.txt`]);
  assert.deepEqual(await expandGlobs([`${r}/{a,c}.*`]), [`${r}/a.txt`, `${r}/c.log`]);
  assert.deepEqual(await expandGlobs([`${r}/s*/d.txt`]), [`${r}/sub/d.txt`]);
});

test('glob: patterns keep their order, a file appears once, a plain path is kept as written', async () => {
  const r = tree();
  assert.deepEqual(await expandGlobs([`${r}/b.txt`, `${r}/*.txt`, `${r}/missing.txt`, `${r}/*.none`]), [
    `${r}/b.txt`,
    `${r}/.hidden.txt`,
    `${r}/a.txt`,
    `${r}/missing.txt`,
  ]);
});

test('glob: `**` does not follow directory links (no loops)', async () => {
  const r = tree();
  symlinkSync(r, join(r, 'sub', 'loop'));
  assert.deepEqual(await expandGlobs([`${r}/sub/**/*.txt`]), [`${r}/sub/d.txt`, `${r}/sub/deep/e.txt`]);
  assert.deepEqual(await expandGlobs([`${r}/sub/**`]), [`${r}/sub/d.txt`, `${r}/sub/deep/e.txt`, `${r}/sub/deep/f.log`]);
});
