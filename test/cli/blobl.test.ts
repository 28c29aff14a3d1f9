/** `sluice blobl`: mapping lines of input from the command line, as Benthos's `blobl` does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../../src/testing/cli.js';
import { indentJson, renderValue } from '../../src/cli/blobl_exec.js';
import { splitLines } from '../../src/cli/blobl.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-blobl-'));

test('maps every line; a failing line reports on stderr and the rest go on', async () => {
  const r = await runCli(['blobl', 'root.b = this.a + 1'], { input: '{"a":1}\n{"a":"x"}\n{"a":3}\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '{"b":2}\n{"b":4}\n');
  const errors = r.stderr.trim().split('\n');
  assert.equal(errors.length, 1, r.stderr);
  assert.match(errors[0]!, /^failed to execute map: .*cannot add types string .* and number/);
});

test('a string result prints raw, anything else as compact JSON', async () => {
  const r = await runCli(['blobl', 'root = if this.n > 1 { this.name.uppercase() } else { {"name": this.name} }'], {
    input: '{"name":"ada","n":2}\n{"name":"bob","n":1}\n',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'ADA\n{"name":"bob"}\n');
});

test('-f reads the mapping from a file (multi-line, with a map definition)', async () => {
  const file = join(dir, 'mapping.blobl');
  writeFileSync(file, 'map wrap {\n  root.v = this\n}\nroot.x = this.x.apply("wrap")\nroot.count = this.items.length()\n');
  const r = await runCli(['blobl', '-f', file], { input: '{"x":"a","items":[1,2,3]}\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '{"x":{"v":"a"},"count":3}\n');
});

test('-i reads lines from a file; a last line without a newline counts; CRLF endings are stripped', async () => {
  const file = join(dir, 'input.txt');
  writeFileSync(file, '{"v":1}\r\n{"v":2}');
  const r = await runCli(['blobl', '-i', file, 'root = this.v * 10']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '10\n20\n');
});

test('a mapping that does not parse prints the position with a caret view and exits 1', async () => {
  const r = await runCli(['blobl', 'root = this +'], { input: '{"a":1}\n' });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n');
  // "root = this +" is 13 characters: the parser needs a query at character 14.
  assert.match(lines[0]!, /^failed to parse mapping: line 1 char 14: /);
  assert.equal(lines[1], '  1 | root = this +');
  assert.equal(lines[2], `    | ${' '.repeat(13)}^`);
});

test('a parse error in a -f file points at the right line', async () => {
  const file = join(dir, 'broken.blobl');
  writeFileSync(file, 'root.a = this.a\nroot.b = )\n');
  const r = await runCli(['blobl', '-f', file], { input: '{"a":1}\n' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^failed to parse mapping: line 2 char 10: /);
  assert.match(r.stderr, /\n {2}2 \| root\.b = \)\n {4}\| {10}\^/);
});

test('--raw / -r: `this` is the line as a string, not parsed JSON', async () => {
  for (const flag of ['--raw', '-r']) {
    const r = await runCli(['blobl', flag, 'root = this.uppercase()'], { input: '{"a":1}\nnot json\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '{"A":1}\nNOT JSON\n');
  }
  // Without --raw the first line is an object, which has no uppercase, and the second is not JSON.
  const r = await runCli(['blobl', 'root = this.uppercase()'], { input: '{"a":1}\nnot json\n' });
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 2, r.stderr);
});

test('--pretty / -p indents JSON results by two spaces; strings stay raw', async () => {
  const r = await runCli(['blobl', '-p', 'root = if this.s != null { this.s } else { this }'], {
    input: '{"a":{"b":[1,{}],"c":[]}}\n{"s":"plain"}\n',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '{\n  "a": {\n    "b": [\n      1,\n      {}\n    ],\n    "c": []\n  }\n}\nplain\n');
});

test('a deleted document prints nothing', async () => {
  const r = await runCli(['blobl', 'root = if this.keep { this } else { deleted() }'], {
    input: '{"keep":true,"id":1}\n{"keep":false,"id":2}\n{"keep":true,"id":3}\n',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '{"keep":true,"id":1}\n{"keep":true,"id":3}\n');
});

test('lines carry no metadata', async () => {
  const r = await runCli(['blobl', 'root = meta("kafka_key")'], { input: '{}\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'null\n');
});

test('-e loads environment variables from a dotenv file', async () => {
  const file = join(dir, 'vars.env');
  writeFileSync(file, '# comment\nexport BLOBL_GREETING="hi there"\nBLOBL_NAME=ada # trailing comment\n');
  const r = await runCli(['blobl', '-e', file, 'root = env("BLOBL_GREETING") + " " + env("BLOBL_NAME")'], { input: '{}\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hi there ada\n');
});

test('--max-token-length: a longer line stops the run with exit 1 after the lines before it', async () => {
  const r = await runCli(['blobl', '--max-token-length', '8', 'root = this'], { input: '"short"\n"much too long"\n"x"\n' });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'short\n');
  assert.match(r.stderr, /max-token-length/);
});

test('without a mapping blobl explains and exits 1', async () => {
  const r = await runCli(['blobl'], { input: '' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /a mapping is required/);
});

test('sluice blobl --help lists Benthos\'s flags and the server command', async () => {
  const r = await runCli(['blobl', '--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const flag of ['-f, --file', '-i, --input', '-r, --raw', '-p, --pretty', '--max-token-length', '-e, --env-file', 'server']) {
    assert.ok(r.stdout.includes(flag), `${flag} missing from:\n${r.stdout}`);
  }
  const s = await runCli(['blobl', 'server', '--help']);
  for (const flag of ['--host', '-p, --port', '-n, --no-open', '-m, --mapping-file', '-i, --input-file', '-w, --write']) {
    assert.ok(s.stdout.includes(flag), `${flag} missing from:\n${s.stdout}`);
  }
});

test('indentJson matches JSON.stringify(v, null, 2) and keeps big integers exact', () => {
  const v = { a: [1, { b: 'x,y:{}[]"\\' }, [], {}], c: null, d: { e: true } };
  assert.equal(indentJson(JSON.stringify(v)), JSON.stringify(v, null, 2));
  assert.equal(renderValue({ id: 12345678901234567890n }, true), '{\n  "id": 12345678901234567890\n}');
});

test('splitLines splits across chunk boundaries', async () => {
  const stream = Readable.from([Buffer.from('ab'), Buffer.from('c\r\nd'), Buffer.from('e\n\nf')]);
  const got: string[] = [];
  for await (const lines of splitLines(stream, 100, () => assert.fail('not too long'))) got.push(...lines.map((l) => l.toString()));
  assert.deepEqual(got, ['abc', 'de', '', 'f']);
});
