/**
 * RELIABILITY.md 3.2, syntax errors point at the exact spot: a corpus of broken mappings, each
 * written with `§` just before the character the error must point at (line and column are
 * counted from it, columns from 1) and a substring of the message. Each is checked on its own,
 * with the `file:line:col` form and caret of the rendered error, and again inside a YAML block
 * scalar of a config, where the line and column must be the config file's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../src/components/index.js';
import { parseMapping, formatParseError } from '../../../src/bloblang/index.js';
import { loadConfig } from '../../../src/config/load.js';
import { bloblangHooks } from '../../../src/config/bloblang_hooks.js';
import { defaultRegistry } from '../../../src/plugin/registry.js';

const MARK = '§';

/** [name, mapping with one §, message substring] */
const CORPUS: [string, string, string][] = [
  // unterminated strings (Bloblang comments run to the end of the line, so a string is what stays open)
  ['unterminated string', 'root = §"abc', 'required: "'],
  ['unterminated string on line 2', 'root.a = 1\nroot.b = §"x\ny"', 'required: "'],
  ['unterminated raw string', 'root = §"""abc', 'required: """'],
  ['unterminated string as object value', 'root = {"a": §"b}', 'required: "'],
  ['unterminated quoted path segment', 'root = this.§"a', 'required: "'],
  ['comment marker inside an open string', 'root = §"abc # not a comment', 'required: "'],
  ['unterminated meta key', 'meta §"a = 1', 'required: "'],
  ['invalid escape', 'let x = "§\\q"', 'invalid escape sequence'],
  ['escape beyond U+10FFFF', 'root = "§\\U0011FFFF"', 'invalid escape sequence'],
  ['short hex escape', 'root = "§\\x4"', 'invalid escape sequence'],
  // unknown function or method, with "did you mean"
  ['unknown function', "root = §uuid_v5()", "unrecognised function 'uuid_v5' (did you mean 'uuid_v4'?)"],
  ['unknown function, close to now', 'root = §nowww()', "unrecognised function 'nowww' (did you mean 'now'?)"],
  ['unknown function, nothing close', 'root = §zzzzqqq()', "unrecognised function 'zzzzqqq'"],
  ['unknown method', 'root = this.s.§uppercas()', "unrecognised method 'uppercas' (did you mean 'uppercase'?)"],
  ['unknown method on line 2', 'root.a = 1\nroot.b = this.x.§lenght()', "unrecognised method 'lenght' (did you mean 'length'?)"],
  ['unknown method in a lambda', 'root = this.a.map_each(x -> x.§trimm())', "unrecognised method 'trimm' (did you mean 'trim'?)"],
  ['unknown method close to catch', 'root = this.§catchh(0)', "unrecognised method 'catchh' (did you mean 'catch'?)"],
  ['unknown method close to filter', 'root = this.a.§filterr(x -> x > 1)', "unrecognised method 'filterr' (did you mean 'filter'?)"],
  // wrong arity, unknown named parameter
  ['argument to a method that takes none', 'root = this.s.§uppercase(1)', 'wrong number of arguments, expected 0, got 1'],
  ['argument to a function that takes none', 'root = §now(1)', 'wrong number of arguments, expected 0, got 1'],
  ['missing required parameter', 'root = §range(0)', "missing required parameter 'stop'"],
  ['unknown named parameter', 'root = §range(start: 0, stopp: 3)', "unknown parameter 'stopp'"],
  ['too few arguments', 'root = this.s.§replace_all("a")', "missing required parameter 'new'"],
  ['too many arguments', 'root = this.s.§replace_all("a", "b", "c")', 'wrong number of arguments, expected 2, got 3'],
  ['named after positional', 'root = range(0, §stop: 3)', 'cannot mix named and unnamed arguments'],
  ['catch without its argument', 'root = this.§catch()', 'expected 1 arguments, received 0'],
  // if without a body
  ['if statement without braces', 'if this.a > 1§\nroot = 1', "expected '{'"],
  ['if statement never closed', 'if this.a > 1 {§', "expected '}'"],
  ['if expression with an empty body', 'root = if this.a { §}', 'expected query'],
  ['else without a body', 'if this.a > 1 {\n  root = 1\n} else§', "expected '{'"],
  ['if expression in a lambda without a body', 'root = this.a.map_each(x -> if x > 1§)', "expected '{'"],
  // bad lambdas
  ['lambda without a body', 'root = this.a.map_each(x -> §)', 'expected query'],
  ['lambda without a parameter', 'root = this.a.map_each(§-> x)', 'expected query'],
  ['lambda with an unfinished body', 'root = this.a.map_each(x -> x +§)', 'expected query'],
  ['lambda arrow split by a space', 'root = this.a.map_each(x - §> x)', 'expected query'],
  // invalid regex literals, refused when the mapping is compiled
  ['regex with an open group', 'root = this.s.§re_match("(")', 'missing closing )'],
  ['regex with an open class', 'root = this.s.§re_replace_all("[a-", "x")', 'missing closing ]'],
  ['regex with a nested repetition', 'root = this.s.§re_find_all("a**")', 'invalid nested repetition operator'],
  // import of a missing file: reported where the import is written
  ['import of a missing file', '§import "./no_such_file_badin.blobl"\nroot = 1', "failed to read import './no_such_file_badin.blobl'"],
  ['import of a missing file on line 2', 'root = 1\n§import "missing/dir/x.blobl"', "failed to read import 'missing/dir/x.blobl'"],
  ['import without a path', 'import §nothing', 'expected import path string'],
  // reserved words
  ['assignment to this', '§this = 1', 'cannot assign to `this`'],
  ['assignment to a field of this', '§this.a = 1', 'cannot assign to `this`'],
  ['root as a lambda parameter', 'root = this.a.map_each(§root -> 1)', '`root` is a reserved word'],
  ['this as a lambda parameter', 'root = this.a.map_each(§this -> this)', '`this` is a reserved word'],
  ['if as a lambda parameter', 'root = this.a.filter(§if -> true)', '`if` is a reserved word'],
  ['let without a name', 'let §= 5', 'expected variable name'],
  // stray closing braces and brackets
  ['stray brace after a statement', 'root = 1\n§}', 'expected assignment'],
  ['a lone brace', '§}', 'expected assignment'],
  ['extra brace after an object', 'root = {"a": 1}§}', 'expected end of input'],
  ['extra brace after an if block', 'if true {\n  root = 1\n}\n§}', 'expected assignment'],
  ['brace closing an array', 'root = [1, 2§}', "expected ',' or ']'"],
  // other positions
  ['operator without a right operand', 'root = 1 +§', 'expected query, got end of input'],
  ['unbalanced parentheses', 'root = (((1)§', "expected ')'"],
  ['empty array element', 'root = [1,§,2]', 'expected query'],
  ['trailing dot', 'root = this.§', 'expected method or field path'],
  ['constant division by zero', 'root = 1 §/ 0', 'attempted to divide by zero'],
  ['constant type mismatch', 'root = "a" §- 1', 'cannot subtract types string'],
  ['apply of an undeclared map', 'root = this.a.§apply("nope")', 'map nope was not found'],
  ['map declared twice', 'map foo {\n  root = 1\n}\n§map foo {\n  root = 2\n}', 'map name collision: foo'],
  ['number as an object key', 'root = §{5: 1}', 'object keys must be strings'],
  ['match case without an arrow', 'root = match this {\n  1 => "a"\n  2 §"b"\n}', "expected '=>'"],
  ['dollar without a name', 'root = $§', 'expected variable name'],
  ['slice with too many colons', 'root = this.a[1:2:3§:4]', 'too many colons in slice'],
  ['assignment without a value', 'root.a = §', 'expected query, got end of input'],
];

interface Case {
  name: string;
  src: string;
  line: number;
  column: number;
  message: string;
}

const cases: Case[] = CORPUS.map(([name, marked, message]) => {
  const at = marked.indexOf(MARK);
  assert.ok(at >= 0 && marked.indexOf(MARK, at + 1) < 0, `${name}: one marker`);
  const before = marked.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return { name, src: marked.slice(0, at) + marked.slice(at + 1), line, column, message };
});

const importDir = mkdtempSync(join(tmpdir(), 'badin-blobl-'));

test(`${cases.length} broken mappings: every error at its exact line and column`, () => {
  assert.ok(cases.length >= 50);
  const wrong: string[] = [];
  let exact = 0;
  for (const c of cases) {
    let r;
    try {
      r = parseMapping(c.src, { importDir });
    } catch (err) {
      wrong.push(`${c.name}: threw ${(err as Error).stack}`);
      continue;
    }
    const d = r.diagnostics[0];
    if (!d) {
      wrong.push(`${c.name}: no error`);
      continue;
    }
    const problems: string[] = [];
    if (!d.message.includes(c.message)) problems.push(`message ${JSON.stringify(d.message)}`);
    if (d.position?.line !== c.line || d.position.column !== c.column) problems.push(`at ${d.position?.line}:${d.position?.column}, want ${c.line}:${c.column}`);
    // Benthos's form, relative to the mapping, stays in the message.
    if (!d.message.startsWith(`line ${c.line} char ${c.column}: `)) problems.push(`message prefix ${JSON.stringify(d.message.slice(0, 20))}`);
    if (problems.length > 0) wrong.push(`${c.name}: ${problems.join('; ')}`);
    else exact++;
  }
  console.log(`bad_input bloblang syntax: positions exact ${exact}/${cases.length}`);
  assert.deepEqual(wrong, []);
});

test('the rendered error shows the line and a caret under the column', () => {
  for (const c of cases.slice(0, 20)) {
    const r = parseMapping(c.src, { importDir });
    const text = formatParseError(c.src, r.diagnostics);
    const lines = text.split('\n');
    const gutter = `  ${c.line} | `;
    assert.equal(lines[1], `${gutter}${c.src.split('\n')[c.line - 1]}`, c.name);
    assert.equal(lines[2]!.indexOf('^'), gutter.length + c.column - 1, `${c.name}: caret column`);
  }
});

test('with a file and an offset, the position is the file position: file:line:col', () => {
  for (const c of cases) {
    const r = parseMapping(c.src, { importDir, file: 'conf.yaml', line: 10, column: 7 });
    const p = r.diagnostics[0]!.position!;
    assert.deepEqual(p, { file: 'conf.yaml', line: c.line + 9, column: c.line === 1 ? c.column + 6 : c.column }, c.name);
  }
});

test('inside a YAML block scalar, lint reports the line and column in the config file', () => {
  const wrong: string[] = [];
  let exact = 0;
  const local = cases.filter((c) => !c.src.includes('import'));
  for (const c of local) {
    for (const [indent, prefix] of [
      [6, 'input:\n  generate:\n    count: 1\n    mapping: |\n'],
      [10, 'input:\n  generate:\n    count: 1\n    mapping: root = 1\npipeline:\n  processors:\n    - mutation: |\n        root = this\n        # the broken mapping follows\n'],
    ] as const) {
      // The mapping's own lines are indented by `indent` under the key; in the second shape
      // two lines of the block come first.
      const head = indent === 10 ? '        root = this\n        # the broken mapping follows\n' : '';
      const body = c.src.split('\n').map((l) => (l === '' ? '' : ' '.repeat(indent === 10 ? 8 : 6) + l)).join('\n');
      const text = indent === 10 ? prefix.slice(0, prefix.length - head.length) + head + body + '\n' : prefix + body + '\n';
      const firstLine = prefix.split('\n').length; // the line the mapping's first line is on
      const srcLine = indent === 10 ? firstLine : firstLine;
      const col = (indent === 10 ? 8 : 6) + c.column;
      const want = { line: srcLine + c.line - 1, column: col };
      const r = loadConfig({ file: 'conf.yaml', text }, { lookup: defaultRegistry, hooks: bloblangHooks, env: {} });
      const d = r.diagnostics.find((x) => x.message.includes(c.message));
      if (!d) wrong.push(`${c.name} (indent ${indent}): no error containing ${JSON.stringify(c.message)}: ${r.diagnostics.map((x) => x.message).join('; ')}`);
      else if (d.position?.line !== want.line || d.position.column !== want.column) wrong.push(`${c.name} (indent ${indent}): at ${d.position?.line}:${d.position?.column}, want ${want.line}:${want.column}`);
      else exact++;
    }
  }
  console.log(`bad_input bloblang in YAML block scalars: positions exact ${exact}/${local.length * 2}`);
  assert.deepEqual(wrong, []);
});

test('an import that fails to parse is reported at the import, naming the imported position', () => {
  const dir = mkdtempSync(join(tmpdir(), 'badin-import-'));
  writeFileSync(join(dir, 'broken.blobl'), 'map ok {\n  root = this\n}\nmap bad {\n  root = "open\n}\n');
  const r = parseMapping('root = 1\nimport "broken.blobl"', { importDir: dir });
  const d = r.diagnostics[0]!;
  assert.deepEqual([d.position?.line, d.position?.column], [2, 1]);
  assert.match(d.message, /failed to parse import 'broken\.blobl': line 5 char 10: required: "/);
});
