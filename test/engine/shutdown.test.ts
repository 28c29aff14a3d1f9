/**
 * SIGTERM with messages in flight: the process stops reading, delivers what it holds, exits 0,
 * and every message the source committed is in the output (nothing acknowledged is lost).
 * Also proves that a plain JavaScript plugin file loads at run time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnCli, repoRoot } from '../../src/testing/cli.js';
import { waitFor } from '../../src/testing/wait.js';

test('SIGTERM mid-stream: exit 0, no committed message lost, no duplicates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sigterm-'));
  const out = join(dir, 'out.txt');
  const commit = join(dir, 'commit.txt');
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `http:\n  enabled: false\ninput:\n  counting_source:\n    count: 100000\n    commit_file: ${commit}\noutput:\n  slow_file:\n    path: ${out}\n    delay_ms: 2\n    max_in_flight: 4\n    batching:\n      count: 8\nlogger:\n  level: WARN\n`,
  );
  const plugin = resolve(repoRoot, 'test/fixtures/plugins/counting_source.mjs');
  const child = spawnCli(['run', '--plugin', plugin, config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').split('\n').length > 200, 15_000, 'output to start');
  const sentAt = Date.now();
  child.kill('SIGTERM');
  const code = await exited;
  const tookMs = Date.now() - sentAt;
  assert.equal(code, 0, `exit code; stderr: ${stderr}`);
  assert.ok(tookMs < 5000, `shutdown took ${tookMs}ms`);
  const lines = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '');
  const committed = Number(readFileSync(commit, 'utf8'));
  assert.ok(committed > 0 && committed < 100000, `committed ${committed}: the signal arrived mid-stream`);
  assert.equal(new Set(lines).size, lines.length, 'no duplicates');
  const have = new Set(lines);
  for (let i = 0; i < committed; i++) assert.ok(have.has(`line ${i}`), `committed message line ${i} is missing`);
  // A clean drain delivers everything it read, so nothing beyond the commit is left half-done.
  assert.equal(lines.length, committed, 'everything delivered was acknowledged');
});

test('a TypeScript plugin loads at run time without rebuilding Sluice', async () => {
  const { runCli } = await import('../../src/testing/cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'sluice-tsplugin-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `plugins:\n  - ${resolve(repoRoot, 'test/fixtures/plugins/shout.ts')}\nhttp:\n  enabled: false\ninput:\n  generate:\n    count: 2\n    interval: ""\n    mapping: root = "hi"\npipeline:\n  processors:\n    - shout:\n        suffix: "?!"\noutput:\n  stdout: {}\n`,
  );
  const r = await runCli(['run', config]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'HI?!\nHI?!\n');
});
