/** `sluice echo`: the parsed config as YAML, defaults filled in, secrets scrubbed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseDocument } from 'yaml';
import '../../src/components/index.js';
import { repoRoot, runCli } from '../../src/testing/cli.js';
import { echoConfig, scrubUrlPasswords, SCRUBBED } from '../../src/config/echo.js';
import { loadConfig } from '../../src/config/load.js';
import { field, objectConfig } from '../../src/config/spec.js';
import { Registry, defaultRegistry } from '../../src/plugin/registry.js';

const goldenDir = resolve(repoRoot, 'test/cli/golden');
const env = { ECHO_TEST_HOST: 'example.com', ECHO_TEST_COUNT: '', ECHO_TEST_LEVEL: '' };

test('echo prints the config with defaults, env references as written and URL passwords scrubbed (golden)', async () => {
  const r = await runCli(['echo', 'echo_input.yaml'], { cwd: goldenDir, env });
  assert.equal(r.stderr, '');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, readFileSync(join(goldenDir, 'echo_input.echo.yaml'), 'utf8'));
});

test('echo output lints clean and echoes to itself', async () => {
  const first = await runCli(['echo', 'echo_input.yaml'], { cwd: goldenDir, env });
  const dir = mkdtempSync(join(tmpdir(), 'sluice-echo-'));
  const file = join(dir, 'echoed.yaml');
  writeFileSync(file, first.stdout);
  const lint = await runCli(['lint', file], { env });
  assert.equal(lint.stdout, '');
  assert.equal(lint.code, 0);
  const second = await runCli(['echo', file], { env });
  assert.equal(second.stdout, first.stdout);
});

test('echo takes -c and --set like run does', async () => {
  const r = await runCli(['-c', 'echo_input.yaml', 'echo', '--set', 'output.stdout.codec=append'], { cwd: goldenDir, env });
  assert.equal(r.code, 0, r.stderr);
  const out = parse(r.stdout) as { output: unknown };
  assert.deepEqual(out.output, { stdout: { codec: 'append' } });
});

test('echo refuses a config with errors: problems on stderr, exit 1', async () => {
  const r = await runCli(['echo', 'several_problems.yaml'], { cwd: resolve(repoRoot, 'test/cli/lint-cases') });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^several_problems\.yaml: \(2,10\) field level: unknown level "LOUD"/);
  assert.match(r.stderr, /config has 4 error\(s\)/);
});

// --- in process, with a component that has secret fields -----------------------------------------

const reg = new Registry();
reg.register(
  'output',
  {
    name: 'vault',
    summary: 'A test output with secrets.',
    config: objectConfig([
      field.string('url', 'Where.'),
      field.string('password', 'A password.').secret().default(''),
      field.string('token', 'A token.').secret().optional(),
      field.int('pin', 'A numeric secret.').secret().optional(),
      field.string('user', 'Not a secret.').default('guest'),
    ]),
  },
  () => ({}) as never,
);
for (const kind of ['input', 'processor'] as const) {
  const spec = defaultRegistry.spec(kind, kind === 'input' ? 'stdin' : 'mapping')!;
  reg.register(kind, spec, () => ({}) as never);
}
reg.register('scanner', defaultRegistry.spec('scanner', 'lines')!, () => ({}) as never);

function echoText(text: string, envVars: Record<string, string> = {}): Record<string, unknown> {
  const r = loadConfig({ file: 'x.yaml', text }, { lookup: reg, env: envVars });
  assert.deepEqual(r.diagnostics, []);
  return parse(echoConfig(r.config, { lookup: reg, doc: parseDocument(text) })) as Record<string, unknown>;
}

test('secret fields are scrubbed unless empty or written as a pure ${VAR}', () => {
  const out = echoText(
    'output:\n  vault:\n    url: amqp://admin:pa55@mq:5672/vhost\n    password: hunter2\n    token: ${VAULT_TOKEN}\n    pin: 1234\n    user: ${VAULT_USER:bob}\n',
    { VAULT_TOKEN: 'tok-123', VAULT_USER: 'alice' },
  );
  assert.deepEqual(out.output, {
    vault: {
      url: `amqp://admin:${SCRUBBED}@mq:5672/vhost`,
      password: SCRUBBED,
      token: '${VAULT_TOKEN}',
      pin: SCRUBBED,
      user: '${VAULT_USER:bob}',
    },
  });
  const empty = echoText('output:\n  vault:\n    url: http://mq\n');
  assert.deepEqual(empty.output, { vault: { url: 'http://mq', password: '', user: 'guest' } });
});

test('a secret assembled from an env reference and text is scrubbed, not shown substituted', () => {
  const out = echoText('output:\n  vault:\n    url: http://mq\n    password: pre-${PW}\n', { PW: 'xyz' });
  assert.equal((out.output as { vault: { password: string } }).vault.password, SCRUBBED);
});

test('nested components print as {label?, <type>, processors?} with defaults filled', () => {
  const out = echoText('input:\n  label: in\n  stdin: {}\n  processors:\n    - label: p1\n      mapping: root = this\n    - mapping: root = 1\n');
  assert.deepEqual(out.input, {
    label: 'in',
    stdin: { scanner: { lines: { max_buffer_size: 65536, omit_empty: false } }, auto_replay_nacks: true },
    processors: [{ label: 'p1', mapping: 'root = this' }, { mapping: 'root = 1' }],
  });
});

test('URL passwords are scrubbed wherever they appear, user names and hosts kept', () => {
  assert.equal(scrubUrlPasswords('amqp://u:p@h'), `amqp://u:${SCRUBBED}@h`);
  assert.equal(scrubUrlPasswords('a amqp://u:p@h and redis://:pw@cache:6379/0'), `a amqp://u:${SCRUBBED}@h and redis://:${SCRUBBED}@cache:6379/0`);
  assert.equal(scrubUrlPasswords('http://host:8080/path'), 'http://host:8080/path');
  assert.equal(scrubUrlPasswords('http://user@host/'), 'http://user@host/');
  assert.equal(scrubUrlPasswords('no url here: a:b@c'), 'no url here: a:b@c');
});
