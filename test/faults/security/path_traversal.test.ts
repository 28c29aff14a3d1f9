/**
 * RELIABILITY.md §3.4.6: the 12 traversal payloads of the plan, sent as message data through a
 * whole stream whose `file` output interpolates its path inside `base_dir`. Each payload becomes
 * a per-message error (routed by `fallback` to a dead-letter sink with the reason), 0 files are
 * created or changed outside base_dir, and the ordinary messages around them keep flowing.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { runStream, parseStreamConfig } from '../../../src/library.js';
import { TestSink, TestSource, sinks, sources } from '../../../src/testing/test_components.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { RunHandle } from '../../../src/engine/run_stream.js';

const handles: RunHandle[] = [];
after(async () => {
  for (const h of handles) await h.stop();
});

/** Every file and directory under `dir`, relative to it. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      out.push(relative(dir, p));
      if (lstatSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

test('path traversal: the 12 payloads are per-message errors, nothing lands outside base_dir, the stream keeps flowing', async () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sluice-sec-traversal-')));
  const base = join(root, 'base');
  const outside = join(root, 'outside');
  mkdirSync(base);
  mkdirSync(outside);
  // Stand-in for a system file: the suite runs as root in CI, so a broken guard must never touch /etc.
  const systemFile = join(outside, 'passwd');
  writeFileSync(systemFile, 'root:x:0:0\n');
  symlinkSync(outside, join(base, 'link'));
  mkdirSync(join(base, 'sub'));
  const before = { outside: tree(outside), root: tree(root).filter((p) => !p.startsWith('base')) };

  const payloads: Array<[string, string]> = [
    ['parent segment', '../x'],
    ['nested parent segments', 'a/../../x'],
    ['backslash parent', '..\\x'],
    ['URL-encoded parent, left undecoded', '..%2fx'],
    ['absolute path to a system file', systemFile],
    ['NUL byte', 'good\0.txt'],
    ['symlink inside base_dir pointing outside', 'link/escaped.txt'],
    ['5,000-character name', 'n'.repeat(5000)],
    ['Unicode dot look-alike', '\u2024\u2024/x'],
    ['trailing separator', 'sub/'],
    ['empty string', ''],
    ['dot', '.'],
  ];
  assert.equal(payloads.length, 12);
  // Good messages before, between and after the payloads.
  const items: string[] = [];
  payloads.forEach(([, p], i) => {
    items.push(JSON.stringify({ name: `ok/${i}.txt`, n: `good-${i}` }));
    items.push(JSON.stringify({ name: p, n: `bad-${i}` }));
  });
  items.push(JSON.stringify({ name: 'ok/last.txt', n: 'good-last' }));

  const source = new TestSource(items, true);
  sources.set('sec-traversal', source);
  const dlq = new TestSink();
  sinks.set('sec-traversal-dlq', dlq);
  const umask = process.umask(0);
  try {
    const handle = await runStream(
      {
        http: { enabled: false },
        input: { test_source: { id: 'sec-traversal' } },
        output: {
          fallback: [
            { file: { path: '${! json("name") }', base_dir: base, codec: 'lines' } },
            { test_sink: { id: 'sec-traversal-dlq' }, processors: [{ mapping: 'root.n = this.n\nroot.err = @fallback_error' }] },
          ],
        },
      },
      { logger: silentLogger },
    );
    handles.push(handle);
    assert.equal(await handle.done, 0, 'the stream drained cleanly');
  } finally {
    process.umask(umask);
  }

  // Every payload is a per-message error with its reason, and nothing else is.
  const dead = dlq.delivered.map((d) => JSON.parse(d) as { n: string; err: string });
  assert.deepEqual(
    dead.map((d) => d.n),
    payloads.map((_, i) => `bad-${i}`),
  );
  for (const d of dead) assert.match(d.err, /^file output: refusing to write path /, d.n);
  // The stream kept flowing: every message was acknowledged once, none redelivered.
  assert.equal(source.acked.length, items.length);
  assert.equal(source.nacked.length, 0);
  // Ordinary messages were written inside base_dir, each to its own file.
  for (let i = 0; i < payloads.length; i++) assert.equal(readFileSync(join(base, 'ok', `${i}.txt`), 'utf8'), `${items[i * 2]}\n`);
  assert.ok(statSync(join(base, 'ok', 'last.txt')).isFile());

  // 0 files created or changed outside base_dir.
  assert.deepEqual(tree(outside), before.outside, 'nothing new in the directory the symlink points to');
  assert.equal(readFileSync(systemFile, 'utf8'), 'root:x:0:0\n', 'the "system file" is untouched');
  assert.deepEqual(
    tree(root).filter((p) => !p.startsWith('base')),
    before.root,
    'nothing new beside base_dir',
  );
  const escaped = tree(base).filter((p) => !p.startsWith('ok') && p !== 'link' && p !== 'sub');
  assert.deepEqual(escaped, [], 'no payload left a file inside base_dir either');
  console.log(`# path traversal: ${payloads.length} payloads, ${dead.length} per-message errors, 0/${payloads.length} escaped base_dir`);

  // Created with 0755 / 0644 even with umask 0 (Benthos: 0777 / 0666).
  assert.equal(statSync(join(base, 'ok')).mode & 0o777, 0o755);
  assert.equal(statSync(join(base, 'ok', '0.txt')).mode & 0o777, 0o644);
});

test('path traversal: lint warns when the path is interpolated and base_dir is unset', () => {
  const warned = parseStreamConfig('input:\n  stdin: {}\noutput:\n  file:\n    path: /tmp/${! json("id") }.json\n');
  const w = warned.diagnostics.filter((d) => d.code === 'W_PATH_WITHOUT_BASE_DIR');
  assert.equal(w.length, 1);
  assert.equal(w[0]!.severity, 'warning');
  assert.deepEqual(w[0]!.position && { line: w[0]!.position.line, column: w[0]!.position.column }, { line: 5, column: 5 });
  assert.ok(warned.config, 'a warning does not stop the config from running');
  for (const ok of [
    'input:\n  stdin: {}\noutput:\n  file:\n    path: /tmp/${! json("id") }.json\n    base_dir: /tmp\n',
    'input:\n  stdin: {}\noutput:\n  file:\n    path: /tmp/static.json\n',
  ]) {
    assert.deepEqual(
      parseStreamConfig(ok).diagnostics.filter((d) => d.code === 'W_PATH_WITHOUT_BASE_DIR'),
      [],
      ok,
    );
  }
});
