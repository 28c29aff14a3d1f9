/** `sluice` command-line options: -c, --set, -r, --version, and refusing to run a broken config. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const base = file(
  'base.yaml',
  'http:\n  enabled: false\ninput:\n  stdin: {}\npipeline:\n  processors:\n    - mapping: root = content().uppercase()\noutput:\n  stdout: {}\n',
);

test('-c runs a config like `run` does', async () => {
  const r = await runCli(['-c', base], { input: 'a\nb\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'A\nB\n');
});

test('--set overrides a field, with YAML typing of the value', async () => {
  const r = await runCli(['run', base, '--set', 'output.stdout.codec=delim:;'], { input: 'a\nb\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'A;B;');
});

test('${VAR:default} comes from the environment, inside values only', async () => {
  const cfg = file('env.yaml', 'http:\n  enabled: false\ninput:\n  stdin: {}\noutput:\n  stdout:\n    codec: ${CODEC:lines}\n');
  const withDefault = await runCli(['run', cfg], { input: 'x\n' });
  assert.equal(withDefault.stdout, 'x\n');
  // A value full of YAML syntax stays one string: it cannot add fields or change structure.
  const injected = await runCli(['run', cfg], { input: 'x\n', env: { CODEC: 'lines\n    extra: 1' } });
  assert.equal(injected.code, 1);
  assert.match(injected.stderr, /unknown codec/);
  assert.doesNotMatch(injected.stderr, /extra not recognised/);
});

test('an unset ${VAR} without default is a lint error naming the variable and its place', async () => {
  const cfg = file('missing.yaml', 'http:\n  enabled: false\ninput:\n  stdin: {}\noutput:\n  stdout:\n    codec: ${SLUICE_TEST_UNSET_VAR}\n');
  const r = await runCli(['run', cfg], { input: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\(7,12\\) required environment variable SLUICE_TEST_UNSET_VAR is not set`));
});

test('-r adds resources from another file', async () => {
  const res = file('res.yaml', 'processor_resources:\n  - label: shout\n    mapping: root = content().uppercase() + "!"\n');
  const cfg = file('uses-res.yaml', 'http:\n  enabled: false\ninput:\n  stdin: {}\noutput:\n  stdout: {}\n');
  const r = await runCli(['run', cfg, '-r', res], { input: 'a\n' });
  assert.equal(r.code, 0, r.stderr);
  const bad = file('bad-res.yaml', 'processor_resources:\n  - mapping: root = 1\n');
  const r2 = await runCli(['run', cfg, '-r', bad], { input: 'a\n' });
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /bad-res\.yaml: \(2,5\) processor_resources entries need a label/);
});

test('run refuses a broken config with exit 1 and the problems listed', async () => {
  const cfg = file('broken.yaml', 'input:\n  stdin:\n    scaner: {}\noutput:\n  stdout: {}\n');
  const r = await runCli(['run', cfg], { input: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /broken\.yaml: \(3,5\) field scaner not recognised \(did you mean "scanner"\?\)/);
});

test('--version prints the version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), '0.1.0');
});

test('regression: batching without a period at the end of stdin flushes the last partial batch (no hang, no loss)', async () => {
  const cfg = file(
    'partial.yaml',
    'http:\n  enabled: false\ninput:\n  stdin: {}\noutput:\n  broker:\n    outputs:\n      - stdout: {}\n    batching:\n      count: 64\n',
  );
  const lines = Array.from({ length: 200 }, (_, i) => `m${i}`);
  const r = await runCli(['run', cfg], { input: `${lines.join('\n')}\n`, timeoutMs: 20_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.split('\n').filter((l) => l !== ''), lines);
});
