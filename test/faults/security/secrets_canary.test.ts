/**
 * RELIABILITY.md §3.4.4: canary secrets. A random `CANARY_<hex>` is put in secret fields, in URL
 * passwords (AMQP, Redis, MQTT), in a Postgres URL DSN and a MySQL Go-style DSN, and in an env
 * var spliced in with `${VAR}`. The configs fail to connect (so drivers produce the errors that
 * tend to echo connection strings), run at debug level with the HTTP server on, and go through
 * `echo` and `lint`. Every byte the process writes (stdout, stderr) and every HTTP answer is
 * searched: the canary must appear 0 times. A positive control checks the redactor actually had
 * something to scrub, so the test cannot pass because nothing was logged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnCli, runCli } from '../../../src/testing/cli.js';
import { deadPort } from '../../../src/testing/services.js';
import { waitFor } from '../../../src/testing/wait.js';
import { redactSecrets, registerSecret, SCRUBBED, passwordsIn } from '../../../src/core/redact.js';

const CANARY = `CANARY_${randomBytes(8).toString('hex')}`;
/** A second canary that reaches the config only through an env var. */
const ENV_CANARY = `CANARY_${randomBytes(8).toString('hex')}`;

function occurrences(haystack: string, needle: string): number {
  return haystack.split(needle).length - 1;
}

async function runConfig(): Promise<{ stderr: string; stdout: string; http: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sec-canary-'));
  const dead = await deadPort();
  const apiPort = await deadPort();
  const file = join(dir, 'canary.yaml');
  writeFileSync(
    file,
    `http:
  address: 127.0.0.1:${apiPort}
logger:
  level: DEBUG
shutdown_timeout: 1s
input:
  broker:
    inputs:
      - amqp_0_9:
          urls: [ "amqp://guest:${CANARY}@127.0.0.1:5672/" ]
          queue: http_security_canary
      - generate:
          count: 1
          interval: ""
          mapping: 'root = {"id": 1}'
pipeline:
  processors:
    # An error whose text carries the value (Bloblang quotes what it could not convert).
    - mapping: 'root.n = env("SEC_ENV_CANARY").number()'
    # The common catch pattern: log the error text.
    - log:
        level: ERROR
        message: 'processing failed: \${! error() }'
    - mapping: 'root = {"id": 1}'
output:
  broker:
    pattern: fan_out
    outputs:
      - sql_insert:
          driver: postgres
          dsn: "postgres://postgres:${CANARY}@127.0.0.1:5432/http_security_no_such_db?sslmode=disable"
          table: t
          columns: [ id ]
          args_mapping: 'root = [ this.id ]'
      - sql_insert:
          driver: mysql
          dsn: "root:\${SEC_ENV_CANARY}@tcp(127.0.0.1:3306)/test"
          table: t
          columns: [ id ]
          args_mapping: 'root = [ this.id ]'
      - redis_list:
          url: "redis://:${CANARY}@127.0.0.1:6379"
          key: http_security_canary
      - mqtt:
          urls: [ "tcp://127.0.0.1:${dead}" ]
          topic: http_security_canary
          user: u
          password: "${CANARY}"
      - http_client:
          url: "http://u:${CANARY}@127.0.0.1:${dead}/post"
          verb: POST
          basic_auth:
            enabled: true
            username: u
            password: "\${SEC_ENV_CANARY}"
`,
  );
  const env = { ...process.env, SEC_ENV_CANARY: ENV_CANARY };
  const child = spawnCli(['run', file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  let http = '';
  try {
    await waitFor(() => stderr.includes('HTTP server listening'), 15_000, 'the HTTP server to start');
    // Let every driver fail at least once (connection retries log at debug and warn).
    await waitFor(() => /amqp/i.test(stderr) && /redis/i.test(stderr) && /mysql|ER_ACCESS_DENIED|Access denied/i.test(stderr) && /postgres|database/i.test(stderr), 20_000, 'connection errors from every driver');
    await new Promise((r) => setTimeout(r, 1500));
    for (const path of ['/metrics', '/stats', '/ready', '/ping', '/version', '/sluice/metrics', '/debug/config/json', '/debug/config/yaml', '/endpoints']) {
      const r = await fetch(`http://127.0.0.1:${apiPort}${path}`);
      http += `${path} ${r.status}\n${await r.text()}\n`;
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
  }
  const echo = await runCli(['echo', file], { env });
  const lint = await runCli(['lint', file], { env });
  return { stderr, stdout: `${stdout}\n${echo.stdout}\n${echo.stderr}\n${lint.stdout}\n${lint.stderr}`, http, file };
}

test('canary secrets appear 0 times in logs (debug), driver errors, echo, lint, /metrics and /ready', async () => {
  const { stderr, stdout, http } = await runConfig();
  const all = `${stderr}\n${stdout}\n${http}`;
  const found = occurrences(all, CANARY) + occurrences(all, ENV_CANARY);
  const where = all
    .split('\n')
    .filter((l) => l.includes(CANARY) || l.includes(ENV_CANARY))
    .slice(0, 5);
  console.log(`# canary occurrences: ${found} (searched ${all.length} bytes: run stderr/stdout at debug, echo, lint, 9 HTTP endpoints)`);
  assert.equal(found, 0, `canary leaked:\n${where.join('\n')}`);
  // Positive control: the drivers did report errors, and the redactor did have something to scrub.
  assert.match(stderr, /amqp/i);
  assert.ok(stderr.includes(SCRUBBED) || stdout.includes(SCRUBBED), 'nothing was scrubbed: the test saw no secret-bearing text at all');
  assert.ok(stdout.includes(SCRUBBED), 'echo shows scrubbed values');
  assert.match(stdout, /\$\{SEC_ENV_CANARY\}/, 'echo shows a pure env reference as written');
});

test('lint: a value from a secret env var in a diagnostic is scrubbed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sec-canary-lint-'));
  const file = join(dir, 'bad.yaml');
  // The env var is a URL password (so a registered secret) and is also misused as a duration.
  writeFileSync(file, 'input:\n  redis_list:\n    url: "redis://:${SEC_ENV_CANARY}@127.0.0.1:6379"\n    key: k\noutput:\n  drop: {}\nshutdown_timeout: "${SEC_ENV_CANARY}"\n');
  const r = await runCli(['lint', file], { env: { ...process.env, SEC_ENV_CANARY: ENV_CANARY } });
  const text = r.stdout + r.stderr;
  assert.equal(r.code, 1, `lint must fail: ${text}`);
  assert.match(text, /shutdown_timeout/);
  assert.equal(occurrences(text, ENV_CANARY), 0, text);
  const run = await runCli(['run', file], { env: { ...process.env, SEC_ENV_CANARY: ENV_CANARY } });
  assert.equal(run.code, 1);
  assert.equal(occurrences(run.stdout + run.stderr, ENV_CANARY), 0, run.stderr);
});

test('redactor: URL, DSN and key/value passwords by shape; registered values anywhere, raw or percent-encoded', () => {
  const v = `CANARY_${randomBytes(6).toString('hex')}`;
  for (const [text, leaked] of [
    [`dial amqp://user:${v}@host:5672/vh failed`, v],
    [`redis://:${v}@127.0.0.1:6379/0`, v],
    [`postgres://u:${v}@h/db?sslmode=disable`, v],
    [`root:${v}@tcp(127.0.0.1:3306)/test`, v],
    [`host=h user=u password=${v} dbname=d`, v],
    [`Server=h;Uid=u;Pwd=${v};`, v],
    [`amqp://u:p@ss${v}@host/`, v],
  ] as const) {
    assert.equal(occurrences(redactSecrets(text), leaked), 0, text);
    assert.ok(passwordsIn(text).some((p) => p.includes(v)), `shape rule finds the password in ${text}`);
  }
  registerSecret(`${v}/+ é`);
  assert.equal(redactSecrets(`auth failed with ${v}/+ é`), `auth failed with ${SCRUBBED}`);
  assert.equal(redactSecrets(`url had ${encodeURIComponent(`${v}/+ é`)} in it`), `url had ${SCRUBBED} in it`);
  // Text without secrets is untouched.
  assert.equal(redactSecrets('http://example.com/path?x=1 user@example.com'), 'http://example.com/path?x=1 user@example.com');
});

test('redactor: code that merely mentions a password is not registered as one', () => {
  assert.deepEqual(passwordsIn('root.password = this.pw_field\nroot.pwd = content()'), []);
  assert.deepEqual(passwordsIn('host=db user=app password=hunter22 dbname=x'), ['hunter22']);
});
