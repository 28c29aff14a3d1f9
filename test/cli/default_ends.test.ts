/**
 * A config may leave out `input` (stdin is read) or `output` (stdout is written), as in Benthos.
 * The defaults go through the same parsing as written components, so their nested defaults
 * (stdin's `lines` scanner) work: this once failed with `unknown undefined type "undefined"`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-default-ends-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml);
  return path;
}

test('no input and no output: stdin lines are mapped to stdout', async () => {
  const cfg = config('ends.yaml', 'http: {enabled: false}\npipeline:\n  processors:\n    - mapping: root.n = this.n * 2\n');
  const r = await runCli(['run', cfg], { input: '{"n":1}\n{"n":21}\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['{"n":2}', '{"n":42}']);
});

test('no output: a generate input writes to stdout', async () => {
  const cfg = config('no_output.yaml', 'http: {enabled: false}\ninput:\n  generate: {count: 2, interval: "", mapping: "root.k = counter()"}\n');
  const r = await runCli(['run', cfg]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['{"k":1}', '{"k":2}']);
});
