/**
 * The file input, scanners and file output through the real CLI (`sluice run config.yaml`),
 * with byte-exact comparisons (sha256) of what goes in and what comes out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, symlinkSync, writeFileSync, existsSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli, spawnCli } from '../../src/testing/cli.js';
import { waitFor } from '../../src/testing/wait.js';

const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');
const workDir = (): string => realpathSync(mkdtempSync(join(tmpdir(), 'sluice-file-it-')));

/** 100,000 lines of varying length (each ends with a line break, none is empty). */
function hundredThousandLines(): Buffer {
  const parts: string[] = [];
  for (let i = 0; i < 100_000; i++) parts.push(`line ${i} ${'x'.repeat(i % 50)}|${(i * 7919) % 100_003}\n`);
  return Buffer.from(parts.join(''));
}

function config(dir: string, name: string, yaml: string): string {
  const p = join(dir, name);
  // The HTTP server is off so parallel test runs never fight over its port.
  writeFileSync(p, `http:\n  enabled: false\n${yaml}`);
  return p;
}

test('100,000 lines: file input → file output arrives byte-exact and in order', async (t) => {
  const dir = workDir();
  const data = hundredThousandLines();
  writeFileSync(join(dir, 'in.txt'), data);
  const cfg = config(dir, 'c.yaml', `input:\n  file:\n    paths: [ ${join(dir, 'in.txt')} ]\noutput:\n  file:\n    path: ${join(dir, 'out.txt')}\n    codec: lines\n`);
  const start = performance.now();
  const r = await runCli(['run', cfg], { timeoutMs: 60_000 });
  const ms = performance.now() - start;
  assert.equal(r.code, 0, r.stderr);
  const out = readFileSync(join(dir, 'out.txt'));
  assert.equal(out.length, data.length);
  assert.equal(sha256(out), sha256(data));
  t.diagnostic(`100,000 lines (${data.length} bytes) file → file in ${Math.round(ms)} ms including CLI start-up: ${Math.round(100_000 / (ms / 1000))} lines/s`);
});

test('100,000 lines: file input → stdout arrives byte-exact', async (t) => {
  const dir = workDir();
  const data = hundredThousandLines();
  writeFileSync(join(dir, 'in.txt'), data);
  const cfg = config(dir, 'c.yaml', `input:\n  file:\n    paths: [ ${join(dir, 'in.txt')} ]\noutput:\n  stdout: {}\n`);
  const start = performance.now();
  const child = spawnCli(['run', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c));
  child.stderr!.on('data', (c: Buffer) => err.push(c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const ms = performance.now() - start;
  assert.equal(code, 0, Buffer.concat(err).toString());
  const got = Buffer.concat(out);
  assert.equal(got.length, data.length);
  assert.equal(sha256(got), sha256(data));
  t.diagnostic(`100,000 lines file → stdout in ${Math.round(ms)} ms including CLI start-up: ${Math.round(100_000 / (ms / 1000))} lines/s`);
});

test('a glob over 3 files reads all of them, in name order', async () => {
  const dir = workDir();
  mkdirSync(join(dir, 'data', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'data', 'a.log'), 'a1\na2\n');
  writeFileSync(join(dir, 'data', 'b.log'), 'b1\n');
  writeFileSync(join(dir, 'data', 'nested', 'c.log'), 'c1\nc2\nc3\n');
  writeFileSync(join(dir, 'data', 'ignored.txt'), 'no\n');
  const cfg = config(
    dir,
    'c.yaml',
    `input:\n  file:\n    paths: [ "${join(dir, 'data')}/**/*.log" ]\noutput:\n  file:\n    path: ${join(dir, 'out.txt')}\n`,
  );
  const r = await runCli(['run', cfg]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'a1\na2\nb1\nc1\nc2\nc3\n');
});

test('a gzip file through decompress → lines', async () => {
  const dir = workDir();
  const lines = Array.from({ length: 5000 }, (_, i) => `record ${i}`);
  writeFileSync(join(dir, 'in.txt.gz'), gzipSync(lines.join('\n') + '\n'));
  const cfg = config(
    dir,
    'c.yaml',
    `input:\n  file:\n    paths: [ ${join(dir, 'in.txt.gz')} ]\n    scanner:\n      decompress:\n        algorithm: gzip\n        into:\n          lines: {}\n` +
      `output:\n  file:\n    path: ${join(dir, 'out.txt')}\n`,
  );
  const r = await runCli(['run', cfg]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), lines.join('\n') + '\n');
});

/** Every path under `dir`, relative, depth first (links are listed, not followed). */
function listTree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    out.push(rel);
    const st = lstatSync(join(dir, name));
    if (st.isDirectory()) out.push(...listTree(join(dir, name), rel));
  }
  return out;
}

test('the 12 path-traversal payloads against base_dir: all refused, nothing written outside, the other messages still written', async () => {
  const root = workDir();
  const base = join(root, 'base');
  const outside = join(root, 'outside');
  mkdirSync(base);
  mkdirSync(outside);
  symlinkSync(outside, join(base, 'link'));
  // RELIABILITY.md §3.4 item 6. The "system file" is an absolute path outside base_dir but
  // inside this test's directory, so a broken guard could never damage the host.
  const payloads = [
    '../x',
    'a/../../x',
    '..\\x',
    '..%2fx',
    join(root, 'system-file'),
    'nul\0byte.txt',
    'link/escaped.txt',
    'n'.repeat(5000),
    '\u2024\u2024/x',
    'dir/',
    '',
    '.',
  ];
  assert.equal(payloads.length, 12);
  const docs: string[] = [];
  const good: string[] = [];
  payloads.forEach((p, i) => {
    good.push(`good-${i}.txt`);
    docs.push(JSON.stringify({ p: `good-${i}.txt` }), JSON.stringify({ p }));
  });
  good.push('good-last.txt');
  docs.push(JSON.stringify({ p: 'good-last.txt' }));
  writeFileSync(join(root, 'in.jsonl'), docs.join('\n') + '\n');
  const cfg = config(
    root,
    'c.yaml',
    `input:\n  file:\n    paths: [ ${join(root, 'in.jsonl')} ]\n    scanner:\n      json_documents: {}\n` +
      `output:\n  file:\n    path: '\${! this.p }'\n    base_dir: ${base}\nlogger:\n  format: json\n`,
  );
  const before = listTree(root);
  const child = spawnCli(['run', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.resume();
  try {
    // A refused write is a permanent error: the batch is nacked (not retried in place, which
    // would hold the only write slot) and replayed later, while every other message is written.
    // Wait for all 13 good files and a refusal logged for each payload.
    const refusals = (): Set<string> => {
      const paths = new Set<string>();
      for (const line of stderr.split('\n')) {
        if (!line.startsWith('{')) continue;
        const m = /refusing to write path ("(?:[^"\\]|\\.)*")/.exec((JSON.parse(line) as { msg: string }).msg);
        if (m) paths.add(JSON.parse(m[1]!) as string);
      }
      return paths;
    };
    // A file exists as soon as it is opened; its line is there once the write completed.
    const written = (g: string): boolean => existsSync(join(base, g)) && readFileSync(join(base, g), 'utf8').endsWith('\n');
    await waitFor(() => good.every(written) && refusals().size >= 12, 8000).catch(() => {
      throw new Error(`timed out: ${good.filter(written).length}/13 good files, ${refusals().size}/12 refusals; stderr:\n${stderr.slice(0, 3000)}`);
    });
    assert.equal(refusals().size, 12, [...refusals()].join('\n'));
    for (const g of good) assert.equal(readFileSync(join(base, g), 'utf8'), JSON.stringify({ p: g }) + '\n');
    // 0 files created outside base_dir: the tree outside it is exactly what the test made.
    const after = listTree(root).filter((p) => !p.startsWith('base/'));
    assert.deepEqual(after, before.filter((p) => !p.startsWith('base/')));
    assert.deepEqual(readdirSync(outside), []);
    // Inside base_dir: only the good files (and the test's link).
    assert.deepEqual(readdirSync(base).sort(), [...good, 'link'].sort());
    assert.equal(child.exitCode, null, 'the stream is still running (refused batches are replayed, the rest flowed)');
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
  }
});
