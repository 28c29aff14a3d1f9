import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatParseError, parseMapping } from './index.js';

function diag(src: string, opts = {}) {
  const r = parseMapping(src, opts);
  assert.equal(r.mapping, undefined, 'expected a parse error');
  assert.equal(r.diagnostics.length, 1);
  return r.diagnostics[0]!;
}

test('syntax error positions are 1-based line/char of the mapping text', () => {
  // `)` is the 10th character of line 2.
  const d = diag('root.a = this.a\nroot.b = )');
  assert.equal(d.message, 'line 2 char 10: expected query');
  assert.deepEqual(d.position, { line: 2, column: 10 });
});

test('end of input inside an expression points just past the last character', () => {
  const d = diag('root = this.a +');
  assert.match(d.message, /^line 1 char 16: /);
});

test('positions are offset by ParseOptions line/column (mapping embedded in YAML)', () => {
  const d = diag('root = )', { file: 'c.yaml', line: 10, column: 15 });
  // char 8 of the mapping's first line, which starts at column 15 of line 10.
  assert.equal(d.message, 'line 1 char 8: expected query');
  assert.deepEqual(d.position, { file: 'c.yaml', line: 10, column: 22 });
  const d2 = diag('root = 1\nroot.b = )', { line: 10, column: 15 });
  assert.deepEqual(d2.position, { line: 11, column: 10 });
});

test('unterminated strings, unknown functions and methods are parse errors', () => {
  assert.match(diag('root = "abc').message, /^line 1 char 8: required: "/);
  assert.match(diag('root = nope()').message, /^line 1 char 8: unrecognised function 'nope'/);
  assert.match(diag('root = this.nope_method()').message, /unrecognised method 'nope_method'/);
});

test('two statements on one line is an error', () => {
  assert.match(diag('root.a = 1 root.b = 2').message, /^line 1 char 12: expected end of input/);
});

test('applying an undefined map is a parse error', () => {
  assert.match(diag('root = this.apply("missing")').message, /map missing was not found/);
});

test('literal operands are type checked at parse time', () => {
  assert.equal(
    diag('root = 1 + "a"').message,
    'line 1 char 10: cannot add types number (from number literal) and string (from string literal)',
  );
});

test('formatParseError renders the Benthos line and a caret', () => {
  const src = 'root.a = 1\nroot.b = )';
  const out = formatParseError(src, [diag(src)]);
  assert.equal(out, 'line 2 char 10: expected query\n  2 | root.b = )\n    |          ^');
});

test('comments, blank lines and multi-line method chains parse', () => {
  const r = parseMapping('# top\n\nroot.a = this.a # trailing\n  # indented comment\nroot.b = this.b.\n  uppercase()\n');
  assert.ok(r.mapping, JSON.stringify(r.diagnostics));
});
