/**
 * A compact JSONPath (goessner.net syntax) evaluator for the `json_path` method:
 * `$`, `.name`, `['name']`, `[0]`, `[-1]`, `[0,2]`, `[1:3]`, `*`, `..` (recursive descent) and
 * filters `[?(@.price < 10 && @.kind == 'book')]`. Paths that can only match one node return
 * that value; paths with wildcards, recursion, filters, slices or unions return an array.
 * Object members are visited in sorted key order so results are deterministic.
 */
import { RE2JS } from 're2js';
import { BloblangError, isObject, type Value } from '../value.js';
import { hasKey, valuesEqual } from './objects_util.js';

type Node = Value;

type Selector =
  | { kind: 'key'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'wild' }
  | { kind: 'union'; items: (string | number)[] }
  | { kind: 'slice'; start?: number; end?: number; step?: number }
  | { kind: 'filter'; expr: Expr };

interface Step {
  recursive: boolean;
  sel: Selector;
}

type Expr =
  | { op: 'lit'; value: Value }
  | { op: 'path'; root: '@' | '$'; steps: Step[] }
  | { op: 'not'; arg: Expr }
  | { op: 'bin'; kind: string; left: Expr; right: Expr }
  | { op: 'regex'; left: Expr; re: RE2JS };

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  fail(msg: string): never {
    throw new BloblangError(`failed to parse JSONPath expression '${this.src}': ${msg} at position ${this.pos}`);
  }
  peek(n = 0): string {
    return this.src[this.pos + n] ?? '';
  }
  skipWs(): void {
    while (/\s/.test(this.peek())) this.pos++;
  }
  eat(s: string): boolean {
    if (this.src.startsWith(s, this.pos)) {
      this.pos += s.length;
      return true;
    }
    return false;
  }
  expect(s: string): void {
    if (!this.eat(s)) this.fail(`expected '${s}'`);
  }

  identifier(): string {
    const m = /^[^.[\]()\s,=!<>&|'"]+/.exec(this.src.slice(this.pos));
    if (!m) this.fail('expected a field name');
    this.pos += m[0].length;
    return m[0];
  }

  quoted(): string {
    const q = this.peek();
    this.pos++;
    let out = '';
    while (this.pos < this.src.length && this.peek() !== q) {
      if (this.peek() === '\\') {
        this.pos++;
        const c = this.peek();
        out += c === 'n' ? '\n' : c === 't' ? '\t' : c;
      } else {
        out += this.peek();
      }
      this.pos++;
    }
    this.expect(q);
    return out;
  }

  int(): number | undefined {
    const m = /^-?\d+/.exec(this.src.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return Number(m[0]);
  }

  /** Steps after `$` or `@`, stopping at anything that does not continue a path. */
  steps(inFilter: boolean): Step[] {
    const steps: Step[] = [];
    for (;;) {
      if (this.eat('..')) {
        if (this.peek() === '[') steps.push({ recursive: true, sel: this.bracket() });
        else if (this.eat('*')) steps.push({ recursive: true, sel: { kind: 'wild' } });
        else steps.push({ recursive: true, sel: { kind: 'key', name: this.identifier() } });
      } else if (this.peek() === '.') {
        this.pos++;
        if (this.eat('*')) steps.push({ recursive: false, sel: { kind: 'wild' } });
        else steps.push({ recursive: false, sel: { kind: 'key', name: this.identifier() } });
      } else if (this.peek() === '[') {
        steps.push({ recursive: false, sel: this.bracket() });
      } else {
        if (!inFilter && this.pos < this.src.length) this.fail(`unexpected '${this.peek()}'`);
        return steps;
      }
    }
  }

  bracket(): Selector {
    this.expect('[');
    this.skipWs();
    let sel: Selector;
    if (this.eat('?')) {
      this.skipWs();
      this.expect('(');
      const expr = this.orExpr();
      this.skipWs();
      this.expect(')');
      sel = { kind: 'filter', expr };
    } else if (this.eat('*')) {
      sel = { kind: 'wild' };
    } else {
      const items: (string | number | undefined)[] = [];
      let isSlice = false;
      const sliceParts: (number | undefined)[] = [];
      for (;;) {
        this.skipWs();
        const c = this.peek();
        if (c === "'" || c === '"') items.push(this.quoted());
        else items.push(this.int());
        this.skipWs();
        if (this.eat(':')) {
          isSlice = true;
          sliceParts.push(items.pop() as number | undefined);
          continue;
        }
        if (isSlice) {
          sliceParts.push(items.pop() as number | undefined);
          break;
        }
        if (!this.eat(',')) break;
      }
      if (isSlice) {
        sel = { kind: 'slice', start: sliceParts[0], end: sliceParts[1], step: sliceParts[2] };
      } else {
        if (items.some((i) => i === undefined)) this.fail('invalid bracket selector');
        const defined = items as (string | number)[];
        if (defined.length === 1) {
          const only = defined[0]!;
          sel = typeof only === 'string' ? { kind: 'key', name: only } : { kind: 'index', index: only };
        } else {
          sel = { kind: 'union', items: defined };
        }
      }
    }
    this.skipWs();
    this.expect(']');
    return sel;
  }

  orExpr(): Expr {
    let left = this.andExpr();
    for (;;) {
      this.skipWs();
      if (!this.eat('||')) return left;
      left = { op: 'bin', kind: '||', left, right: this.andExpr() };
    }
  }
  andExpr(): Expr {
    let left = this.cmpExpr();
    for (;;) {
      this.skipWs();
      if (!this.eat('&&')) return left;
      left = { op: 'bin', kind: '&&', left, right: this.cmpExpr() };
    }
  }
  cmpExpr(): Expr {
    const left = this.unary();
    this.skipWs();
    if (this.eat('=~')) {
      this.skipWs();
      if (this.peek() !== '/') this.fail('expected a /regex/');
      const end = this.src.indexOf('/', this.pos + 1);
      if (end < 0) this.fail('unterminated regex');
      const body = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      const flags = this.eat('i') ? RE2JS.CASE_INSENSITIVE : 0;
      // RE2 (linear time): a filter regex from a message or mapping cannot backtrack forever.
      let re: RE2JS;
      try {
        re = RE2JS.compile(body, flags);
      } catch (err) {
        this.fail(`invalid regex: ${(err as Error).message}`);
      }
      return { op: 'regex', left, re };
    }
    for (const kind of ['==', '!=', '<=', '>=', '<', '>']) {
      if (this.eat(kind)) return { op: 'bin', kind, left, right: this.unary() };
    }
    return left;
  }
  unary(): Expr {
    this.skipWs();
    if (this.peek() === '!' && this.peek(1) !== '=') {
      this.pos++;
      return { op: 'not', arg: this.unary() };
    }
    if (this.eat('(')) {
      const e = this.orExpr();
      this.skipWs();
      this.expect(')');
      return e;
    }
    const c = this.peek();
    if (c === '@' || c === '$') {
      this.pos++;
      return { op: 'path', root: c, steps: this.steps(true) };
    }
    if (c === "'" || c === '"') return { op: 'lit', value: this.quoted() };
    const num = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(this.src.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return { op: 'lit', value: Number(num[0]) };
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.eat(word)) return { op: 'lit', value };
    }
    this.fail('expected a value');
  }
}

function sortedKeys(o: Record<string, Value>): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function children(n: Node): Node[] {
  if (Array.isArray(n)) return n;
  if (isObject(n)) return sortedKeys(n).map((k) => n[k]);
  return [];
}

/** All descendants including the node itself, parents before children. */
function descendants(n: Node, out: Node[]): void {
  out.push(n);
  for (const c of children(n)) descendants(c, out);
}

function normIndex(i: number, len: number): number {
  return i < 0 ? len + i : i;
}

function select(n: Node, sel: Selector, root: Node, out: Node[]): void {
  switch (sel.kind) {
    case 'key':
      if (isObject(n) && hasKey(n, sel.name)) out.push(n[sel.name]);
      return;
    case 'index':
      if (Array.isArray(n)) {
        const i = normIndex(sel.index, n.length);
        if (i >= 0 && i < n.length) out.push(n[i]);
      }
      return;
    case 'wild':
      out.push(...children(n));
      return;
    case 'union':
      for (const item of sel.items) select(n, typeof item === 'string' ? { kind: 'key', name: item } : { kind: 'index', index: item }, root, out);
      return;
    case 'slice': {
      if (!Array.isArray(n)) return;
      const len = n.length;
      const step = sel.step ?? 1;
      if (step === 0) return;
      const clamp = (v: number) => Math.min(Math.max(normIndex(v, len), 0), len);
      if (step > 0) {
        const start = sel.start === undefined ? 0 : clamp(sel.start);
        const end = sel.end === undefined ? len : clamp(sel.end);
        for (let i = start; i < end; i += step) out.push(n[i]);
      } else {
        const start = sel.start === undefined ? len - 1 : Math.min(normIndex(sel.start, len), len - 1);
        const end = sel.end === undefined ? -1 : normIndex(sel.end, len);
        for (let i = start; i > end && i >= 0; i += step) out.push(n[i]);
      }
      return;
    }
    case 'filter':
      for (const c of children(n)) if (truthy(evalExpr(sel.expr, c, root))) out.push(c);
      return;
  }
}

function runSteps(start: Node, steps: readonly Step[], root: Node): Node[] {
  let current: Node[] = [start];
  for (const step of steps) {
    const next: Node[] = [];
    for (const n of current) {
      if (step.recursive) {
        const all: Node[] = [];
        descendants(n, all);
        for (const d of all) select(d, step.sel, root, next);
      } else {
        select(n, step.sel, root, next);
      }
    }
    current = next;
  }
  return current;
}

const MISSING = Symbol('missing');

function evalExpr(e: Expr, current: Node, root: Node): Value | typeof MISSING {
  switch (e.op) {
    case 'lit':
      return e.value;
    case 'path': {
      const found = runSteps(e.root === '@' ? current : root, e.steps, root);
      return found.length === 0 ? MISSING : found[0];
    }
    case 'not':
      return !truthy(evalExpr(e.arg, current, root));
    case 'regex': {
      const v = evalExpr(e.left, current, root);
      return typeof v === 'string' && e.re.test(v);
    }
    case 'bin': {
      if (e.kind === '&&') return truthy(evalExpr(e.left, current, root)) && truthy(evalExpr(e.right, current, root));
      if (e.kind === '||') return truthy(evalExpr(e.left, current, root)) || truthy(evalExpr(e.right, current, root));
      const l = evalExpr(e.left, current, root);
      const r = evalExpr(e.right, current, root);
      if (l === MISSING || r === MISSING) return e.kind === '!=' ? l !== r : false;
      if (e.kind === '==') return valuesEqual(l, r);
      if (e.kind === '!=') return !valuesEqual(l, r);
      const bothNum = typeof l === 'number' && typeof r === 'number';
      const bothStr = typeof l === 'string' && typeof r === 'string';
      if (!bothNum && !bothStr) return false;
      const a = l as number | string;
      const b = r as number | string;
      switch (e.kind) {
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        default:
          return a >= b;
      }
    }
  }
}

function truthy(v: Value | typeof MISSING): boolean {
  if (v === MISSING || v === null || v === false || v === undefined) return false;
  return true;
}

function isDefinite(steps: readonly Step[]): boolean {
  return steps.every((s) => !s.recursive && (s.sel.kind === 'key' || s.sel.kind === 'index'));
}

/** Compile once; the returned function evaluates the path against a document. */
export function compileJsonPath(expression: string): (doc: Value) => Value {
  const p = new Parser(expression.trim());
  if (!p.eat('$')) p.fail("expected '$'");
  const steps = p.steps(false);
  const definite = isDefinite(steps);
  return (doc) => {
    const found = runSteps(doc, steps, doc);
    if (!definite) return found;
    if (found.length === 0) throw new BloblangError(`JSONPath expression '${expression}' did not match the document`);
    return found[0];
  };
}
