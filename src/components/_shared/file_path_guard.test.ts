import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PathGuard, PathRejectedError, textualProblem } from './file_path_guard.js';

function setup(): { root: string; base: string; outside: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-guard-')));
  const base = join(root, 'base');
  const outside = join(root, 'outside');
  mkdirSync(base);
  mkdirSync(outside);
  symlinkSync(outside, join(base, 'link'));
  mkdirSync(join(base, 'sub'));
  return { root, base, outside };
}

/** The 12 payloads of RELIABILITY.md §3.4 item 6, each with the reason it must be refused. */
function payloads(): [string, string, RegExp][] {
  return [
    ['parent segment', '../x', /outside base_dir/],
    ['nested parent segments', 'a/../../x', /outside base_dir/],
    ['backslash parent', '..\\x', /disguises/],
    ['URL-encoded parent left undecoded', '..%2fx', /disguises/],
    ['absolute path to a system file', '/etc/passwd', /outside base_dir/],
    ['NUL byte', 'good\0.txt', /NUL byte/],
    ['symlink inside base_dir pointing outside', 'link/escaped.txt', /symbolic link/],
    ['5,000-character name', 'n'.repeat(5000), /longer than 4096/],
    ['Unicode dot look-alike', '\u2024\u2024/x', /disguises/],
    ['trailing separator', 'sub/', /ends with a separator/],
    ['empty string', '', /empty/],
    ['dot', '.', /base_dir itself/],
  ];
}

test('path guard: all 12 traversal payloads are refused with a reason', async () => {
  const { base } = setup();
  const guard = await PathGuard.create(base);
  const list = payloads();
  assert.equal(list.length, 12);
  for (const [what, payload, reason] of list) {
    await assert.rejects(guard.resolve(payload), (e: Error) => {
      assert.ok(e instanceof PathRejectedError, what);
      assert.match(e.message, reason, what);
      assert.match(e.message, /^file output: refusing to write path /, what);
      return true;
    });
  }
});

test('path guard: more disguises (fullwidth dots and solidus, encoded dots, mixed case)', async () => {
  const { base } = setup();
  const guard = await PathGuard.create(base);
  for (const p of ['\uff0e\uff0e/x', '..\uff0fx', '%2e%2e/x', '%2E%2E%2Fx', 'a/..%5c..%5cx', '\u2025/x', 'ok/..\\..\\x']) {
    await assert.rejects(guard.resolve(p), PathRejectedError, JSON.stringify(p));
  }
});

test('path guard: ordinary paths resolve inside base_dir', async () => {
  const { base } = setup();
  const guard = await PathGuard.create(base);
  assert.equal(await guard.resolve('a.txt'), join(base, 'a.txt'));
  assert.equal(await guard.resolve('new/dirs/b.txt'), join(base, 'new/dirs/b.txt'));
  assert.equal(await guard.resolve('sub/../c.txt'), join(base, 'c.txt'));
  assert.equal(await guard.resolve(join(base, 'sub', 'd.txt')), join(base, 'sub', 'd.txt'));
  assert.equal(await guard.resolve('x%20y.txt'), join(base, 'x%20y.txt'));
  assert.equal(await guard.resolve('caf\u00e9.txt'), join(base, 'caf\u00e9.txt'));
  assert.equal(await guard.resolve('..foo'), join(base, '..foo'));
});

test('path guard: a symbolic link that stays inside base_dir is fine', async () => {
  const { base } = setup();
  symlinkSync(join(base, 'sub'), join(base, 'alias'));
  const guard = await PathGuard.create(base);
  assert.equal(await guard.resolve('alias/e.txt'), join(base, 'sub', 'e.txt'));
});

test('path guard: base_dir given through a symbolic link', async () => {
  const { root, base } = setup();
  symlinkSync(base, join(root, 'base-link'));
  const guard = await PathGuard.create(join(root, 'base-link'));
  assert.equal(await guard.resolve('f.txt'), join(base, 'f.txt'));
  await assert.rejects(guard.resolve('link/f.txt'), /symbolic link/);
});

test('path guard: textual checks alone', () => {
  assert.equal(textualProblem('a/b.txt'), undefined);
  assert.equal(textualProblem('x'.repeat(4096)), undefined);
  assert.match(textualProblem('x'.repeat(4097))!, /longer than 4096/);
});
