/**
 * `--chilled` (Benthos): a config with lint errors such as an unknown field still runs, with the
 * problem printed as a warning. Without it, the same config stops at startup. Type errors are
 * not lint errors and stop startup either way.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/testing/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-chilled-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const typo = join(dir, 'typo.yaml');
writeFileSync(typo, 'http: {enabled: false}\ninput:\n  generate: {count: 1, interval: "", mapping: "root.v = 7", cuont: 3}\noutput:\n  stdout: {}\n');
const badType = join(dir, 'bad_type.yaml');
writeFileSync(badType, 'http: {enabled: false}\ninput:\n  generate: {count: [1], mapping: "root = 1"}\n');

test('an unknown field stops startup without --chilled', async () => {
  const r = await runCli(['run', typo]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\(3,\d+\) field cuont not recognised/);
  assert.equal(r.stdout, '');
});

for (const args of [['run', '--chilled'], ['--chilled', 'run']]) {
  test(`${args.join(' ')}: an unknown field is a warning and the stream runs`, async () => {
    const r = await runCli([...args, typo]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: field cuont not recognised/);
    assert.equal(r.stdout.trim(), '{"v":7}');
  });
}

test('--chilled does not excuse a wrong type', async () => {
  const r = await runCli(['run', '--chilled', badType]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /count/);
});
