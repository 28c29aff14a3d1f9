/** `--help` on every command and `--version`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot, runCli } from '../../src/testing/cli.js';

const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { version: string };

test('--version and -v print the package version', async () => {
  for (const flag of ['--version', '-v']) {
    const r = await runCli([flag]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${pkg.version}\n`);
  }
});

test('--help lists every command with its description', async () => {
  const r = await runCli(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^Usage: sluice \[options\] \[command\]/);
  for (const cmd of ['run', 'lint', 'list', 'echo', 'create']) assert.match(r.stdout, new RegExp(`\\n  ${cmd} `), `${cmd} missing`);
});

const EXPECTED: Record<string, RegExp[]> = {
  run: [/Usage: sluice run \[options\] \[config\]/, /--set <path=value>/],
  lint: [/Usage: sluice lint \[options\] <files\.\.\.>/, /line and column/],
  list: [/Usage: sluice list \[options\] \[kinds\.\.\.\]/, /--format <format>/, /choices: "text", "json", "jsonschema"/, /sluice list --format json inputs outputs/],
  echo: [/Usage: sluice echo \[options\] \[config\]/, /!!!SECRET_SCRUBBED!!!/, /\$\{VAR\}/],
  create: [/Usage: sluice create \[options\] \[expression\]/, /-s, --small/, /inputs\/processors\/outputs/, /sluice create stdin\/mapping,mutation\/stdout/],
};

for (const [cmd, patterns] of Object.entries(EXPECTED)) {
  test(`sluice ${cmd} --help`, async () => {
    const r = await runCli([cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const p of patterns) assert.match(r.stdout, p);
  });
}

test('sluice help <command> works too', async () => {
  const r = await runCli(['help', 'create']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: sluice create/);
});
