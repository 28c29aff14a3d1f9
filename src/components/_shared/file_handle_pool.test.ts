import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileHandlePool } from './file_handle_pool.js';
import { waitFor } from '../../testing/wait.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'sluice-pool-'));

test('handle pool: appends in call order, even when many writes are in flight', async () => {
  const d = dir();
  const pool = new FileHandlePool({ idleMs: 10_000, maxOpen: 4, noFollow: false });
  const big = Buffer.alloc(100_000, 'b'); // above the synchronous-write size
  await Promise.all([pool.append(join(d, 'f'), Buffer.from('1')), pool.append(join(d, 'f'), big), pool.append(join(d, 'f'), Buffer.from('2'))]);
  assert.equal(readFileSync(join(d, 'f'), 'latin1'), '1' + big.toString('latin1') + '2');
  await pool.close();
});

test('handle pool: a write has reached the file when it resolves', async () => {
  const d = dir();
  const pool = new FileHandlePool({ idleMs: 10_000, maxOpen: 4, noFollow: false });
  for (let i = 0; i < 50; i++) {
    await pool.append(join(d, 'g'), Buffer.from(`${i}\n`));
    assert.equal(readFileSync(join(d, 'g'), 'utf8').split('\n').length - 1, i + 1);
  }
  await pool.close();
});

test('handle pool: idle files are closed, and at most maxOpen stay open', async () => {
  const d = dir();
  const pool = new FileHandlePool({ idleMs: 60, maxOpen: 3, noFollow: false });
  for (let i = 0; i < 5; i++) await pool.append(join(d, `f${i}`), Buffer.from('x'));
  assert.equal(pool.openCount, 3);
  await waitFor(() => pool.openCount === 0, 3000, 'idle files to be closed');
  // Writing again reopens and appends.
  await pool.append(join(d, 'f0'), Buffer.from('y'));
  assert.equal(readFileSync(join(d, 'f0'), 'utf8'), 'xy');
  await pool.close();
});

test('handle pool: new directories get 0755 and new files 0644 (umask 0)', async () => {
  const old = process.umask(0);
  try {
    const d = dir();
    const pool = new FileHandlePool({ idleMs: 10_000, maxOpen: 4, noFollow: false });
    await pool.append(join(d, 'a', 'b', 'c.txt'), Buffer.from('x'));
    await pool.replace(join(d, 'r', 'all.txt'), Buffer.from('x'));
    assert.equal(statSync(join(d, 'a')).mode & 0o777, 0o755);
    assert.equal(statSync(join(d, 'a', 'b')).mode & 0o777, 0o755);
    assert.equal(statSync(join(d, 'a', 'b', 'c.txt')).mode & 0o777, 0o644);
    assert.equal(statSync(join(d, 'r', 'all.txt')).mode & 0o777, 0o644);
    await pool.close();
  } finally {
    process.umask(old);
  }
});

test('handle pool: replace truncates; noFollow refuses a final symbolic link', async () => {
  const d = dir();
  const pool = new FileHandlePool({ idleMs: 10_000, maxOpen: 4, noFollow: true });
  await pool.replace(join(d, 'r'), Buffer.from('first, longer'));
  await pool.replace(join(d, 'r'), Buffer.from('second'));
  assert.equal(readFileSync(join(d, 'r'), 'utf8'), 'second');
  writeFileSync(join(d, 'target'), 'keep');
  symlinkSync(join(d, 'target'), join(d, 'link'));
  await assert.rejects(pool.append(join(d, 'link'), Buffer.from('x')), /symbolic link/);
  await assert.rejects(pool.replace(join(d, 'link'), Buffer.from('x')), /symbolic link/);
  assert.equal(readFileSync(join(d, 'target'), 'utf8'), 'keep');
  await pool.close();
});
