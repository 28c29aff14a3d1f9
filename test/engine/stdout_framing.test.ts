/**
 * Group commit must not change the bytes: through the real CLI, batches of several messages
 * written to stdout keep Benthos's framing (an extra line break after each such batch, none
 * after a one-message batch), however many batches share one write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';

const workDir = (): string => realpathSync(mkdtempSync(join(tmpdir(), 'sluice-ep-framing-')));

test('stdout: batches of 7 from a broker are each followed by a blank line, in order', async () => {
  const dir = workDir();
  const lines = Array.from({ length: 7 * 300 }, (_, i) => `doc ${i}`);
  writeFileSync(join(dir, 'in.txt'), lines.join('\n') + '\n');
  const cfg = join(dir, 'c.yaml');
  writeFileSync(
    cfg,
    `http: {enabled: false}\ninput:\n  file:\n    paths: [ ${join(dir, 'in.txt')} ]\noutput:\n  broker:\n    outputs: [ { stdout: {} } ]\n    batching: { count: 7 }\n`,
  );
  const r = await runCli(['run', cfg], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  let want = '';
  for (let i = 0; i < lines.length; i += 7) want += lines.slice(i, i + 7).join('\n') + '\n\n';
  assert.equal(r.stdout, want);
});

test('stdout: one-message batches get no blank line; 3-message batches from generate get one each', async () => {
  const dir = workDir();
  const cfg = join(dir, 'c.yaml');
  writeFileSync(cfg, `http: {enabled: false}\ninput:\n  generate:\n    count: 30\n    batch_size: 3\n    interval: ""\n    mapping: root = "x"\noutput:\n  stdout: {}\n`);
  const r = await runCli(['run', cfg], { timeoutMs: 60_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'x\nx\nx\n\n'.repeat(10));
  const single = join(dir, 's.yaml');
  writeFileSync(single, `http: {enabled: false}\ninput:\n  generate:\n    count: 30\n    interval: ""\n    mapping: root = "y"\noutput:\n  stdout: {}\n`);
  const s = await runCli(['run', single], { timeoutMs: 60_000 });
  assert.equal(s.code, 0, s.stderr);
  assert.equal(s.stdout, 'y\n'.repeat(30));
});
