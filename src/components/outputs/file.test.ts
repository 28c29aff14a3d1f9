import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Message } from '../../plugin/index.js';
import { buildFileOutput, recordingLogger } from '../_shared/file_testing.js';

const dir = (): string => realpathSync(mkdtempSync(join(tmpdir(), 'sluice-file-out-')));
const msg = (text: string, meta: Record<string, string> = {}): Message => {
  const m = Message.fromString(text);
  for (const [k, v] of Object.entries(meta)) m.setMeta(k, v);
  return m;
};

test('file output: lines codec, one message per write; the bytes are there when write resolves', async () => {
  const d = dir();
  const out = await buildFileOutput({ path: join(d, 'out.txt') });
  await out.connect();
  for (const t of ['a', 'b', 'c']) await out.write([msg(t)]);
  assert.equal(readFileSync(join(d, 'out.txt'), 'utf8'), 'a\nb\nc\n');
  await out.close();
});

test('file output: a batch of several messages ends with an extra delimiter (Benthos batch boundary)', async () => {
  const d = dir();
  const out = await buildFileOutput({ path: join(d, 'b.txt') });
  await out.connect();
  await out.write([msg('a'), msg('b'), msg('c')]);
  await out.write([msg('d')]);
  assert.equal(readFileSync(join(d, 'b.txt'), 'utf8'), 'a\nb\nc\n\nd\n');
  await out.close();
});

test('file output: delim:x, append and all-bytes codecs', async () => {
  const d = dir();
  const delim = await buildFileOutput({ path: join(d, 'delim.txt'), codec: 'delim:||' });
  await delim.connect();
  await delim.write([msg('a')]);
  await delim.write([msg('b')]);
  assert.equal(readFileSync(join(d, 'delim.txt'), 'utf8'), 'a||b||');
  const append = await buildFileOutput({ path: join(d, 'append.txt'), codec: 'append' });
  await append.connect();
  await append.write([msg('a')]);
  await append.write([msg('b'), msg('c')]);
  assert.equal(readFileSync(join(d, 'append.txt'), 'utf8'), 'abc');
  const all = await buildFileOutput({ path: join(d, 'all.txt'), codec: 'all-bytes' });
  await all.connect();
  await all.write([msg('first, longer content')]);
  assert.equal(readFileSync(join(d, 'all.txt'), 'utf8'), 'first, longer content');
  await all.write([msg('second')]);
  assert.equal(readFileSync(join(d, 'all.txt'), 'utf8'), 'second');
  for (const o of [delim, append, all]) await o.close();
});

test('file output: an unknown codec is a config error', async () => {
  await assert.rejects(buildFileOutput({ path: '/tmp/x', codec: 'csv' }), /unknown codec/);
});

test('file output: an interpolated path sends each message to its own file, in order, creating directories', async () => {
  const d = dir();
  const out = await buildFileOutput({ path: `${d}/\${! meta("key") }/data.txt` });
  await out.connect();
  await out.write([msg('1', { key: 'a' }), msg('2', { key: 'b' }), msg('3', { key: 'a' })]);
  await out.write([msg('4', { key: 'b' })]);
  // The end-of-batch delimiter goes to the file of the batch's last message.
  assert.equal(readFileSync(join(d, 'a', 'data.txt'), 'utf8'), '1\n3\n\n');
  assert.equal(readFileSync(join(d, 'b', 'data.txt'), 'utf8'), '2\n4\n');
  await out.close();
});

test('file output: new directories are 0755 and files 0644 (umask 0, where Benthos would give 0777/0666)', async () => {
  const old = process.umask(0);
  try {
    const d = dir();
    const out = await buildFileOutput({ path: join(d, 'x', 'y', 'f.txt') });
    await out.connect();
    await out.write([msg('m')]);
    assert.equal(statSync(join(d, 'x')).mode & 0o777, 0o755);
    assert.equal(statSync(join(d, 'x', 'y')).mode & 0o777, 0o755);
    assert.equal(statSync(join(d, 'x', 'y', 'f.txt')).mode & 0o777, 0o644);
    await out.close();
  } finally {
    process.umask(old);
  }
});

test('file output: an interpolated path without base_dir logs a warning', async () => {
  const log = recordingLogger();
  await buildFileOutput({ path: '/tmp/${! meta("k") }.txt' }, log.logger);
  assert.ok(log.lines.some((l) => l.includes('base_dir is not set')));
  const quiet = recordingLogger();
  await buildFileOutput({ path: '/tmp/${! meta("k") }.txt', base_dir: '/tmp' }, quiet.logger);
  await buildFileOutput({ path: '/tmp/static.txt' }, quiet.logger);
  assert.ok(!quiet.lines.some((l) => l.includes('base_dir is not set')));
});

test('file output: base_dir keeps writes inside; a refused path fails its batch with a clear error and others go on', async () => {
  const root = dir();
  const base = join(root, 'base');
  const out = await buildFileOutput({ path: '${! content() }', base_dir: base, codec: 'append' });
  await out.connect();
  assert.ok(existsSync(base), 'base_dir is created at connect');
  await out.write([msg('good.txt')]);
  await assert.rejects(out.write([msg('../evil.txt')]), {
    message: 'file output: refusing to write path "../evil.txt": it resolves outside base_dir',
  });
  // One refused path fails the whole batch: nothing of it is written.
  // (An absolute path outside base_dir, but never a real system file: a broken guard must not harm the host.)
  const outsideAbs = join(root, 'abs.txt');
  await assert.rejects(out.write([msg('also-good.txt'), msg(outsideAbs)]), { message: `file output: refusing to write path "${outsideAbs}": it resolves outside base_dir` });
  await out.write([msg('sub/later.txt')]);
  assert.deepEqual(readdirSync(root), ['base']);
  assert.deepEqual(readdirSync(base).sort(), ['good.txt', 'sub']);
  assert.equal(readFileSync(join(base, 'good.txt'), 'utf8'), 'good.txt');
  assert.equal(readFileSync(join(base, 'sub', 'later.txt'), 'utf8'), 'sub/later.txt');
  await out.close();
});

test('file output: with base_dir, relative paths are taken relative to it and a final symbolic link is refused', async () => {
  const root = dir();
  const base = join(root, 'base');
  mkdirSync(base);
  writeFileSync(join(root, 'secret'), 'keep');
  symlinkSync(join(root, 'secret'), join(base, 'trap'));
  const out = await buildFileOutput({ path: '${! meta("name") }', base_dir: base });
  await out.connect();
  await out.write([msg('hello', { name: 'rel.txt' })]);
  assert.equal(readFileSync(join(base, 'rel.txt'), 'utf8'), 'hello\n');
  await assert.rejects(out.write([msg('x', { name: 'trap' })]), /symbolic link/);
  assert.equal(readFileSync(join(root, 'secret'), 'utf8'), 'keep');
  await out.close();
});
