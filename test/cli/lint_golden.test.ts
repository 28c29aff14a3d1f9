/**
 * Lint golden tests: every `test/cli/lint-cases/<name>.yaml` is linted by the real CLI and its
 * output compared with `<name>.golden`, written by hand (line and column counted in the YAML
 * file, messages read from the parser's code). An empty golden means a clean config: exit 0.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot, runCli } from '../../src/testing/cli.js';

const casesDir = resolve(repoRoot, 'test/cli/lint-cases');
const cases = readdirSync(casesDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.slice(0, -'.yaml'.length))
  .sort();
const golden = (name: string): string => readFileSync(resolve(casesDir, `${name}.golden`), 'utf8');

/**
 * Cases where lint is known to be imprecise today: the golden says what it should print. Each
 * reason names the fix (parse.ts / load.ts / bloblang_hooks.ts belong to the lead, the Bloblang
 * parser to the Bloblang helpers).
 */
/** Cases whose golden output lint does not produce yet, with the reason (none at the moment). */
const KNOWN_IMPRECISE: Record<string, string> = {
};

test('there are at least 15 broken lint cases, each with a golden file', () => {
  const broken = cases.filter((c) => golden(c) !== '');
  assert.ok(broken.length >= 15, `only ${broken.length} broken cases`);
  assert.ok(cases.includes('clean'), 'a clean case is linted too');
});

describe('sluice lint golden cases', { concurrency: 4 }, () => {
  for (const name of cases) {
    test(name, { todo: KNOWN_IMPRECISE[name] }, async () => {
      const want = golden(name);
      const r = await runCli(['lint', `${name}.yaml`], { cwd: casesDir });
      assert.equal(r.stdout, want);
      assert.equal(r.stderr, '');
      assert.equal(r.code, want === '' ? 0 : 1);
    });
  }
});

test('several files in one lint run: problems of each, in order, exit 1', async () => {
  const r = await runCli(['lint', 'unknown_field.yaml', 'clean.yaml', 'several_problems.yaml'], { cwd: casesDir });
  assert.equal(r.stdout, golden('unknown_field') + golden('several_problems'));
  assert.equal(r.code, 1);
});

test('a missing file is a lint problem, not a crash', async () => {
  const r = await runCli(['lint', 'no_such_file.yaml'], { cwd: casesDir });
  assert.equal(r.stdout, 'no_such_file.yaml: (1,1) cannot read no_such_file.yaml: ENOENT\n');
  assert.equal(r.code, 1);
});

test('sluice run refuses to start a config with errors and prints every one', async () => {
  for (const args of [['run', 'several_problems.yaml'], ['-c', 'several_problems.yaml']]) {
    const r = await runCli(args, { cwd: casesDir, timeoutMs: 20_000 });
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', 'nothing ran');
    assert.equal(r.stderr, `${golden('several_problems')}config has 4 error(s): fix them and run again (\`sluice lint\` lists them)\n`);
  }
});

test('sluice run starts a clean config', async () => {
  const r = await runCli(['run', 'clean.yaml'], { cwd: casesDir, timeoutMs: 20_000 });
  assert.equal(r.code, 0, r.stderr);
  // counter() starts at 1 in Benthos.
  assert.equal(r.stdout, '{"id":1}\n{"id":2}\n{"id":3}\n');
});
