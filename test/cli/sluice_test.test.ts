/**
 * `sluice test` end to end through the real CLI, on the fixtures in test/cli/unit_tests/: the
 * Benthos docs' own unit-testing examples (they must pass unchanged), a config whose tests
 * pass with every condition kind and targeting style, and tests that fail on purpose, each
 * with the failure text Benthos prints for it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot, runCli } from '../../src/testing/cli.js';

const fixtures = resolve(repoRoot, 'test/cli/unit_tests');

function sluiceTest(...paths: string[]) {
  return runCli(['test', ...paths], { cwd: fixtures, env: { GREETING: '' } });
}

/** Line of `- name: NAME` in a fixture, which failures cite as `[line N]`. */
function lineOf(file: string, name: string): number {
  const lines = readFileSync(resolve(fixtures, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.trim() === `- name: ${name}`);
  assert.ok(i >= 0, `no test named ${name} in ${file}`);
  return i + 1;
}

describe('sluice test', () => {
  it('passes the examples of the Benthos unit testing docs (walking a directory with ...)', async () => {
    const r = await sluiceTest('docs/...');
    assert.equal(r.stdout, [
      "Test 'docs/cities_test.yaml' succeeded",
      "Test 'docs/foo.yaml' succeeded",
      "Test 'docs/mocks.yaml' succeeded",
      "Test 'docs/tests/first.yaml' succeeded",
      '',
      '5 passed, 0 failed',
      '',
    ].join('\n'));
    assert.equal(r.code, 0);
  });

  it('treats a config and its _benthos_test.yaml file the same', async () => {
    for (const path of ['docs/foo.yaml', 'docs/foo_benthos_test.yaml']) {
      const r = await sluiceTest(path);
      assert.equal(r.stdout, "Test 'docs/foo.yaml' succeeded\n\n1 passed, 0 failed\n", path);
      assert.equal(r.code, 0);
    }
  });

  it('passes every condition kind, environment, target paths, labels, input_batches and mocks', async () => {
    const r = await sluiceTest('passing/pipeline.yaml');
    assert.equal(r.stdout, "Test 'passing/pipeline.yaml' succeeded\n\n8 passed, 0 failed\n", r.stderr);
    assert.equal(r.code, 0);
  });

  it('prints each failure with its test, batch, message, condition, expected and received', async () => {
    const r = await sluiceTest('failing');
    const f = 'failing/failing_sluice_test.yaml';
    const at = (name: string) => `${name} [line ${lineOf(f, name)}]:`;
    assert.equal(r.stdout, [
      "Test 'failing/failing.yaml' failed",
      '',
      'Failures:',
      '',
      '--- failing/failing.yaml ---',
      '',
      at('content conditions'),
      'batch 0 message 0: content_equals: content mismatch',
      '  expected: hello',
      '  received: HI',
      'batch 0 message 0: content_matches: pattern mismatch',
      '   pattern: ^h',
      '  received: HI',
      '',
      at('metadata conditions'),
      "batch 0 message 0: metadata_equals: metadata key 'shouted' mismatch",
      '  expected: false',
      '  received: true',
      "batch 0 message 1: metadata_equals: metadata key 'absent' expected but not found",
      '',
      // Conditions run in alphabetical order, as in Benthos.
      at('json conditions'),
      'batch 0 message 0: bloblang: bloblang expression was false',
      'batch 0 message 0: json_contains: JSON superset mismatch',
      '  expected: {"other":1}',
      '  received: {"value":"hi"}',
      'batch 0 message 0: json_equals: JSON content mismatch',
      '  expected: {"value":"bye"}',
      '  received: {"value":"hi"}',
      '',
      at('file conditions'),
      'batch 0 message 0: file_equals: content mismatch',
      '  expected: HELLO',
      '  received: HI',
      'batch 0 message 1: file_json_contains: JSON superset mismatch',
      '  expected: {"value": "bye"}',
      '  received: {"VALUE":"HI"}',
      'batch 0 message 1: file_json_equals: JSON content mismatch',
      '  expected: {"value": "bye"}',
      '  received: {"VALUE":"HI"}',
      'batch 0 message 2: file_equals: failed to read comparison file: open ./data/nope.txt: no such file or directory',
      '',
      at('too few batches'),
      'wrong batch count, expected 2, got 1',
      '',
      at('wrong message counts'),
      'mismatch of output batch 0 message counts, expected 2, got 1',
      'mismatch of output batch 1 message counts, expected 1, got 2',
      'unexpected message from batch 1: C',
      '',
      at('nothing expected'),
      'unexpected batch: [HI]',
      '',
      // A failing message shows its processing error too.
      at('processing error'),
      'batch 0 message 0: content_equals: content mismatch',
      '  expected: bye',
      '  received: hi',
      'batch 0 message 0: failed assignment (line 1): boom',
      '',
      at('missing target'),
      "failed to initialise processors '/pipeline/processors/9': target processors '/pipeline/processors/9' not found: index 9 is out of range (3 items)",
      '',
      at('unknown label'),
      "failed to initialise processors 'nope': target processors 'nope' not found: no component has that label",
      '',
      at('unknown condition'),
      'invalid test definition: message part condition type not recognised: content_is',
      '',
      '1 passed, 11 failed',
      '',
    ].join('\n'));
    assert.equal(r.code, 1);
  });

  it('fails a test whose config does not load, with the config errors', async () => {
    const r = await sluiceTest('broken/broken.yaml');
    const lines = r.stdout.split('\n');
    assert.equal(lines[0], "Test 'broken/broken.yaml' failed");
    assert.ok(lines.includes(`cannot build [line ${lineOf('broken/broken.yaml', 'cannot build')}]:`), r.stdout);
    const i = lines.indexOf("failed to initialise processors '/pipeline/processors': config has errors:");
    assert.ok(i > 0, r.stdout);
    assert.match(lines[i + 1]!, /^ {2}broken\/broken\.yaml: \(4,7\) .*not_a_processor/);
    assert.equal(lines.at(-2), '0 passed, 1 failed');
    assert.equal(r.code, 1);
  });

  it('walks the whole tree with ./... and totals every test', async () => {
    const r = await sluiceTest('./...');
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('Test ')), [
      "Test 'broken/broken.yaml' failed",
      "Test 'docs/cities_test.yaml' succeeded",
      "Test 'docs/foo.yaml' succeeded",
      "Test 'docs/mocks.yaml' succeeded",
      "Test 'docs/tests/first.yaml' succeeded",
      "Test 'failing/failing.yaml' failed",
      "Test 'passing/pipeline.yaml' succeeded",
      // Without -r its resource is missing.
      "Test 'with_resources/uses_resource.yaml' failed",
    ]);
    assert.equal(lines.at(-2), '14 passed, 13 failed');
    assert.equal(lines.at(-1), '');
    assert.equal(r.code, 1);
  });

  it('builds processors from resource files given with -r', async () => {
    const r = await sluiceTest('-r', 'with_resources/resources.yaml', 'with_resources/uses_resource.yaml');
    assert.equal(r.stdout, "Test 'with_resources/uses_resource.yaml' succeeded\n\n1 passed, 0 failed\n", r.stderr);
    assert.equal(r.code, 0);
  });

  it('exits 1 when no tests are found', async () => {
    const r = await sluiceTest('empty');
    assert.equal(r.stdout, 'No tests were found\n0 passed, 0 failed\n');
    assert.equal(r.code, 1);
  });

  it('exits 1 on a path that does not exist', async () => {
    const r = await sluiceTest('nope.yaml');
    assert.equal(r.stdout, 'Failed to obtain test targets: unable to access nope.yaml: no such file or directory\n');
    assert.equal(r.code, 1);
  });
});
