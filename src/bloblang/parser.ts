/**
 * Bloblang parser: mapping text to the syntax tree in ast.ts. A hand-written recursive descent
 * parser working directly on characters (Bloblang is too context-sensitive for a separate token
 * stream: paths, quoted segments and lambdas all depend on what came before).
 *
 * The first syntax error aborts the parse with a ParseError carrying the offset; the public
 * face turns it into a Diagnostic with line/column.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { BinOp, CallArg, Expr, MapDef, MatchCase, Pos, Program, Stmt, AssignTarget } from './ast.js';
import { getFunction } from './registry.js';

export class ParseError extends Error {
  constructor(
    readonly pos: number,
    message: string,
    /** Set when the error comes from an imported file. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

export interface ParserOptions {
  /** Directory `import` paths are relative to (default: the process working directory). */
  importDir?: string;
  /**
   * Refuse functions marked `impure` in the registry (env, file, hostname, the clock): for
   * mappings from untrusted places, as Benthos's environment without impure functions.
   */
  disableImpure?: boolean;
}

/**
 * How deeply expressions and blocks may nest. The compiler and the compiled closures recurse
 * once per level, so an explicit bound keeps a hostile mapping (`((((...` or a 10,000-term
 * `+` chain) a parse error instead of a stack overflow. Real mappings stay far below it.
 */
export const MAX_NESTING = 256;

/** A query followed by more text: the mapping is not a bare query at all. */
const TRAILING = 'trailing input';
const IDENT_START = /[A-Za-z_]/;
const IDENT_CHAR = /[A-Za-z0-9_]/;
const KEYWORDS = new Set(['if', 'else', 'match', 'let', 'meta', 'map', 'import', 'root', 'this', 'true', 'false', 'null']);

/** Binding strength of binary operators, as Benthos folds them (all left-associative). */
const OP_LEVEL: Record<BinOp, number> = {
  '*': 0, '/': 0, '%': 0, '|': 0,
  '+': 1, '-': 1,
  '==': 2, '!=': 2, '>': 2, '>=': 2, '<': 2, '<=': 2,
  '&&': 3, '||': 3,
};

export function parseProgram(src: string, opts: ParserOptions = {}, importing: Set<string> = new Set()): Program {
  const prog = new Parser(src, opts, importing).program();
  for (const stmts of [prog.stmts, ...[...prog.maps.values()].map((m) => m.body)]) checkDepth(stmts);
  return prog;
}

/**
 * The syntax tree's depth, walked without recursion. Operator chains and method chains are
 * parsed in loops but build trees as deep as they are long, so this is checked on the tree.
 */
function checkDepth(root: unknown): void {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (Array.isArray(node)) {
      for (const x of node) if (typeof x === 'object' && x !== null) stack.push([x, depth]);
      continue;
    }
    const rec = node as Record<string, unknown>;
    const isNode = typeof rec.k === 'string';
    const d = isNode ? depth + 1 : depth;
    if (d > MAX_NESTING) throw new ParseError(typeof rec.pos === 'number' ? rec.pos : 0, `expression nested deeper than ${MAX_NESTING} levels`);
    for (const key of Object.keys(rec)) {
      const v = rec[key];
      if (typeof v === 'object' && v !== null) stack.push([v, d]);
    }
  }
}

/** Parse a lone query (used by interpolations): returns the expression and where it ended. */
export function parseQueryAt(src: string, start: number, opts: ParserOptions = {}): { expr: Expr; end: number } {
  const p = new Parser(src, opts, new Set());
  p.p = start;
  p.ws(true);
  const expr = p.expr();
  p.ws(true);
  checkDepth(expr);
  return { expr, end: p.p };
}

class Parser {
  p = 0;
  /** Lambda parameter names in scope, innermost last. */
  private names: string[] = [];
  private maps = new Map<string, MapDef>();
  /** Current nesting of expressions and blocks, bounded by MAX_NESTING. */
  private depth = 0;

  constructor(
    private readonly src: string,
    private readonly opts: ParserOptions,
    private readonly importing: Set<string>,
  ) {}

  // ---- low level ----

  private fail(msg: string, pos = this.p): never {
    throw new ParseError(this.atEnd(pos) ? this.endOfContent() : pos, msg);
  }

  /** True when nothing but whitespace is left from `pos`. */
  private atEnd(pos: number): boolean {
    // Only reached on the way to an error, so the scan to the end is paid once.
    return /^\s*$/.test(this.src.slice(pos));
  }

  /**
   * Where "end of input" errors point: just past the last line with content (a YAML block
   * scalar ends with a line break, which would otherwise put the error on the line after).
   */
  private endOfContent(): number {
    let k = this.src.length;
    while (k > 0 && /\s/.test(this.src[k - 1]!)) k--;
    const nl = this.src.indexOf('\n', k);
    return nl < 0 ? this.src.length : nl;
  }

  /** Run a nested parse one level deeper, failing cleanly past MAX_NESTING. */
  private nested<T>(parse: () => T): T {
    if (++this.depth > MAX_NESTING) this.fail(`expression nested deeper than ${MAX_NESTING} levels`);
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private peek(s: string): boolean {
    return this.src.startsWith(s, this.p);
  }

  private eat(s: string): boolean {
    if (this.src.startsWith(s, this.p)) {
      this.p += s.length;
      return true;
    }
    return false;
  }

  private expect(s: string, what = `'${s}'`): void {
    if (!this.eat(s)) this.fail(`expected ${what}`);
  }

  private get ch(): string {
    return this.src[this.p] ?? '';
  }

  /** Skip spaces, tabs and comments; also newlines when `nl`. */
  ws(nl: boolean): void {
    const s = this.src;
    for (;;) {
      const c = s[this.p];
      if (c === ' ' || c === '\t' || c === '\r') this.p++;
      else if (c === '\n' && nl) this.p++;
      else if (c === '#') {
        while (this.p < s.length && s[this.p] !== '\n') this.p++;
      } else return;
    }
  }

  private identAt(at: number): string | undefined {
    const s = this.src;
    if (at >= s.length || !IDENT_START.test(s[at]!)) return undefined;
    let e = at + 1;
    while (e < s.length && IDENT_CHAR.test(s[e]!)) e++;
    return s.slice(at, e);
  }

  private ident(): string | undefined {
    const id = this.identAt(this.p);
    if (id !== undefined) this.p += id.length;
    return id;
  }

  /** True when the keyword `kw` is at the cursor as a whole word. */
  private atKeyword(kw: string): boolean {
    return this.peek(kw) && !IDENT_CHAR.test(this.src[this.p + kw.length] ?? '');
  }

  /** Line of `pos`, counted on from the last answer (statements come in order: linear overall). */
  private lineOf(pos: number): number {
    if (pos < this.lineAt) {
      this.lineAt = 0;
      this.lineNo = 1;
    }
    for (let i = this.lineAt; i < pos; i++) if (this.src.charCodeAt(i) === 10) this.lineNo++;
    this.lineAt = pos;
    return this.lineNo;
  }
  private lineAt = 0;
  private lineNo = 1;

  // ---- statements ----

  program(): Program {
    let stmts: Stmt[];
    try {
      stmts = this.statements(false);
    } catch (err) {
      // Benthos accepts a mapping that is a single query as shorthand for `root = <query>`
      // (e.g. `check: this.type == "foo"`). Only when that reading works too is it taken.
      if (!(err instanceof ParseError)) throw err;
      const shorthand = this.bareQuery();
      // Neither reading works: report the one that got further (`this.a ==` is a query
      // missing its right-hand side, not an assignment to `this`).
      if (shorthand instanceof ParseError) throw shorthand.message !== TRAILING && shorthand.pos > err.pos ? shorthand : err;
      stmts = [shorthand];
    }
    return { maps: this.maps, stmts };
  }

  private bareQuery(): Stmt | ParseError {
    const saved = this.p;
    try {
      this.p = 0;
      this.ws(true);
      const start = this.p;
      const expr = this.expr();
      this.ws(true);
      if (this.p < this.src.length) throw new ParseError(this.p, TRAILING);
      return { k: 'assign', target: { kind: 'root', path: [] }, expr, pos: start, line: this.lineOf(start) };
    } catch (err) {
      this.p = saved;
      if (err instanceof ParseError) return err;
      throw err;
    }
  }

  /** Statements separated by newlines, until end of input or (inBlock) a closing brace. */
  private statements(inBlock: boolean): Stmt[] {
    return inBlock ? this.nested(() => this.statementsInner(true)) : this.statementsInner(false);
  }

  private statementsInner(inBlock: boolean): Stmt[] {
    const out: Stmt[] = [];
    for (;;) {
      this.ws(true);
      if (this.p >= this.src.length) {
        if (inBlock) this.fail("expected '}'");
        return out;
      }
      if (inBlock && this.ch === '}') return out;
      const st = this.statement(inBlock);
      if (st) out.push(st);
      this.ws(false);
      if (this.p < this.src.length && this.ch !== '\n' && !(inBlock && this.ch === '}')) {
        this.fail(inBlock ? "expected line break or '}'" : 'expected end of input');
      }
    }
  }

  private statement(inBlock: boolean): Stmt | undefined {
    const start = this.p;
    const line = this.lineOf(start);
    if (this.atKeyword('map') && !inBlock) {
      const save = this.p;
      this.p += 3;
      this.ws(false);
      const name = this.ident();
      if (name !== undefined) {
        this.ws(false);
        if (this.eat('{')) {
          const body = this.statements(true);
          this.expect('}');
          if (this.maps.has(name)) this.fail(`map name collision: ${name}`, start);
          this.maps.set(name, { name, body, pos: start });
          return undefined;
        }
      }
      this.p = save;
    }
    if (this.atKeyword('import') && !inBlock) {
      this.p += 6;
      this.ws(false);
      if (this.ch !== '"') this.fail('expected import path string');
      const path = this.stringLit();
      this.importFile(path, start);
      return undefined;
    }
    if (this.atKeyword('if')) return this.ifStatement(line);
    if (this.atKeyword('let')) {
      this.p += 3;
      this.ws(false);
      const name = this.ch === '"' ? this.stringLit() : this.ident();
      if (name === undefined) this.fail('expected variable name');
      return this.assignRest({ kind: 'let', name, path: [] }, start, line);
    }
    if (this.atKeyword('meta')) {
      const save = this.p;
      this.p += 4;
      this.ws(false);
      if (this.ch === '=' && this.src[this.p + 1] !== '=') {
        return this.assignRest({ kind: 'meta', key: undefined }, start, line);
      }
      let key: string | undefined;
      if (this.ch === '"') key = this.stringLit();
      else key = this.ident();
      if (key !== undefined) return this.assignRest({ kind: 'meta', key }, start, line);
      this.p = save;
    }
    // `root.a.b = ...`, or a bare path which is shorthand for `root.<path>`.
    let path: string[];
    if (this.atKeyword('root')) {
      this.p += 4;
      path = this.pathTail();
    } else if (this.atKeyword('this')) {
      this.fail('cannot assign to `this`, did you mean `root`?');
    } else {
      const first = this.ch === '"' ? this.stringLit() : this.ident();
      if (first === undefined) this.fail('expected assignment, if statement, let, meta, map or import');
      path = [first, ...this.pathTail()];
    }
    return this.assignRest({ kind: 'root', path }, start, line);
  }

  private assignRest(target: AssignTarget, start: Pos, line: number): Stmt {
    this.ws(false);
    const eqAt = this.p;
    if (!this.eat('=') || this.ch === '=') this.fail("expected '='", eqAt);
    this.ws(false);
    const expr = this.expr();
    return { k: 'assign', target, expr, pos: start, line };
  }

  /** `.seg.seg` path continuation on the left-hand side of assignments. */
  private pathTail(): string[] {
    const out: string[] = [];
    while (this.ch === '.') {
      this.p++;
      const seg = this.pathSegment();
      if (seg === undefined) this.fail('expected path segment');
      out.push(seg);
    }
    return out;
  }

  private pathSegment(): string | undefined {
    if (this.ch === '"') return this.stringLit();
    const s = this.src;
    let e = this.p;
    while (e < s.length && IDENT_CHAR.test(s[e]!)) e++;
    if (e === this.p) return undefined;
    const seg = s.slice(this.p, e);
    this.p = e;
    return seg;
  }

  private ifStatement(line: number): Stmt {
    const start = this.p;
    const branches: [Expr, Stmt[]][] = [];
    let otherwise: Stmt[] | undefined;
    this.p += 2;
    for (;;) {
      this.ws(false);
      const cond = this.expr();
      this.ws(false);
      this.expect('{');
      const body = this.statements(true);
      this.expect('}');
      branches.push([cond, body]);
      const save = this.p;
      this.ws(true);
      if (!this.atKeyword('else')) {
        this.p = save;
        break;
      }
      this.p += 4;
      this.ws(false);
      if (this.atKeyword('if')) {
        this.p += 2;
        continue;
      }
      this.expect('{');
      otherwise = this.statements(true);
      this.expect('}');
      break;
    }
    return { k: 'if', branches, otherwise, pos: start, line };
  }

  private importFile(path: string, pos: Pos): void {
    const full = resolve(this.opts.importDir ?? process.cwd(), path);
    if (this.importing.has(full)) this.fail(`import cycle detected: ${path}`, pos);
    let text: string;
    try {
      text = readFileSync(full, 'utf8');
    } catch (err) {
      this.fail(`failed to read import '${path}': ${(err as Error).message}`, pos);
    }
    const nested = new Set(this.importing).add(full);
    let prog: Program;
    try {
      prog = parseProgram(text, { ...this.opts, importDir: dirname(full) }, nested);
    } catch (err) {
      if (err instanceof ParseError) {
        const { line, column } = offsetToLineCol(text, err.pos);
        this.fail(`failed to parse import '${path}': line ${line} char ${column}: ${err.message}`, pos);
      }
      throw err;
    }
    for (const [name, def] of prog.maps) {
      if (this.maps.has(name)) this.fail(`map name collision: ${name}`, pos);
      this.maps.set(name, def);
    }
  }

  // ---- expressions ----

  expr(): Expr {
    return this.nested(() => this.exprInner());
  }

  private exprInner(): Expr {
    const first = this.unary();
    const operands: Expr[] = [first];
    const ops: { op: BinOp; pos: Pos }[] = [];
    for (;;) {
      const save = this.p;
      this.ws(true);
      const opPos = this.p;
      const op = this.binOp();
      if (!op) {
        this.p = save;
        break;
      }
      this.ws(true);
      operands.push(this.unary());
      ops.push({ op, pos: opPos });
    }
    if (ops.length === 0) return first;
    // Fold level by level, left to right, exactly like Benthos resolves its operator chains.
    let xs = operands;
    let os = ops;
    for (let level = 0; level <= 3; level++) {
      const nx: Expr[] = [xs[0]!];
      const no: typeof os = [];
      os.forEach((o, i) => {
        if (OP_LEVEL[o.op] === level) {
          const l = nx[nx.length - 1]!;
          nx[nx.length - 1] = { k: 'bin', op: o.op, l, r: xs[i + 1]!, pos: o.pos };
        } else {
          nx.push(xs[i + 1]!);
          no.push(o);
        }
      });
      xs = nx;
      os = no;
    }
    return xs[0]!;
  }

  private binOp(): BinOp | undefined {
    const s = this.src;
    const c = s[this.p];
    const n = s[this.p + 1];
    const two = (op: BinOp): BinOp => {
      this.p += 2;
      return op;
    };
    const one = (op: BinOp): BinOp => {
      this.p += 1;
      return op;
    };
    switch (c) {
      case '+':
        return one('+');
      case '-':
        return n === '>' ? undefined : one('-');
      case '*':
        return one('*');
      case '/':
        return one('/');
      case '%':
        return one('%');
      case '=':
        return n === '=' ? two('==') : undefined;
      case '!':
        return n === '=' ? two('!=') : undefined;
      case '>':
        return n === '=' ? two('>=') : one('>');
      case '<':
        return n === '=' ? two('<=') : one('<');
      case '&':
        return n === '&' ? two('&&') : undefined;
      case '|':
        return n === '|' ? two('||') : one('|');
    }
    return undefined;
  }

  private unary(): Expr {
    const pos = this.p;
    if (this.ch === '!' && this.src[this.p + 1] !== '=') {
      this.p++;
      this.ws(false);
      return { k: 'not', e: this.nested(() => this.unary()), pos };
    }
    if (this.ch === '-' && this.src[this.p + 1] !== '>') {
      this.p++;
      this.ws(false);
      const e = this.nested(() => this.unary());
      if (e.k === 'lit' && typeof e.v === 'number') return { k: 'lit', v: -e.v, pos };
      if (e.k === 'lit' && typeof e.v === 'bigint') return { k: 'lit', v: -e.v, pos };
      return { k: 'neg', e, pos };
    }
    return this.postfix(this.primary());
  }

  private postfix(target: Expr): Expr {
    for (;;) {
      const pos = this.p;
      if (this.ch === '.') {
        this.p++;
        const afterDot = this.p;
        this.ws(true);
        if (this.src[this.p] === '(') {
          this.p++;
          this.ws(true);
          const body = this.lambdaOrExpr();
          this.ws(true);
          this.expect(')');
          target = { k: 'ctx', target, body, pos };
          continue;
        }
        const id = this.identAt(this.p);
        if (id !== undefined && this.src[this.p + id.length] === '(') {
          // Errors about a method (unknown name, bad arguments) point at its name, as Benthos does.
          const namePos = this.p;
          this.p += id.length;
          const args = this.callArgs();
          target = { k: 'method', target, name: id, args, pos: namePos };
          continue;
        }
        const seg = this.pathSegment();
        if (seg === undefined) this.fail('expected method or field path', afterDot);
        target = appendPath(target, seg, pos);
        continue;
      }
      if (this.ch === '[') {
        this.p++;
        this.ws(true);
        target = this.indexOrSlice(target, pos);
        continue;
      }
      return target;
    }
  }

  private indexOrSlice(target: Expr, pos: Pos): Expr {
    const parts: (Expr | undefined)[] = [];
    let colons = 0;
    let cur: Expr | undefined;
    for (;;) {
      this.ws(true);
      if (this.ch === ']') {
        this.p++;
        parts.push(cur);
        break;
      }
      if (this.ch === ':') {
        this.p++;
        parts.push(cur);
        cur = undefined;
        colons++;
        if (colons > 2) this.fail('too many colons in slice', this.p - 1);
        continue;
      }
      if (cur !== undefined) this.fail("expected ']'");
      cur = this.expr();
    }
    if (colons === 0) {
      if (!parts[0]) this.fail('expected index', pos);
      return { k: 'index', target, index: parts[0], pos };
    }
    return { k: 'slice', target, start: parts[0], end: parts[1], step: parts[2], pos };
  }

  /** `name -> body` when present at the cursor, otherwise a plain expression. */
  private lambdaOrExpr(): Expr {
    const pos = this.p;
    const id = this.identAt(this.p);
    if (id !== undefined && KEYWORDS.has(id)) {
      let q = this.p + id.length;
      while (this.src[q] === ' ' || this.src[q] === '\t') q++;
      if (this.src.startsWith('->', q)) this.fail(`\`${id}\` is a reserved word and cannot name a lambda parameter`);
    }
    if (id !== undefined && !KEYWORDS.has(id)) {
      let q = this.p + id.length;
      while (this.src[q] === ' ' || this.src[q] === '\t') q++;
      if (this.src.startsWith('->', q)) {
        this.p = q + 2;
        this.ws(true);
        this.names.push(id);
        try {
          const body = this.expr();
          return { k: 'lambda', param: id, body, pos };
        } finally {
          this.names.pop();
        }
      }
    }
    return this.expr();
  }

  private callArgs(): CallArg[] {
    this.expect('(');
    const args: CallArg[] = [];
    const argAt: number[] = [];
    this.ws(true);
    if (this.eat(')')) return args;
    for (;;) {
      this.ws(true);
      argAt.push(this.p);
      let name: string | undefined;
      const id = this.identAt(this.p);
      if (id !== undefined) {
        let q = this.p + id.length;
        while (this.src[q] === ' ' || this.src[q] === '\t') q++;
        if (this.src[q] === ':') {
          name = id;
          this.p = q + 1;
          this.ws(true);
        }
      }
      const expr = this.lambdaOrExpr();
      args.push(name === undefined ? { expr } : { name, expr });
      this.ws(true);
      if (this.eat(',')) {
        this.ws(true);
        if (this.eat(')')) break;
        continue;
      }
      if (this.eat(')')) break;
      this.fail("expected ',' or ')'");
    }
    // Mixed styles: point at the first argument written differently from the first one.
    const odd = args.findIndex((a) => (a.name === undefined) !== (args[0]!.name === undefined));
    if (odd > 0) this.fail('cannot mix named and unnamed arguments', argAt[odd]);
    return args;
  }

  private primary(): Expr {
    const pos = this.p;
    const c = this.ch;
    if (c === '(') {
      this.p++;
      this.ws(true);
      const e = this.lambdaOrExpr();
      this.ws(true);
      this.expect(')');
      return e;
    }
    if (c === '"') return { k: 'lit', v: this.stringLit(), pos };
    if (c >= '0' && c <= '9') return this.number();
    if (c === '[') return this.arrayLit();
    if (c === '{') return this.objectLit();
    if (c === '$') {
      this.p++;
      const name = this.ident();
      if (name === undefined) this.fail('expected variable name');
      return { k: 'var', name, path: [], pos };
    }
    if (c === '@') {
      this.p++;
      let key: string | undefined;
      if (this.ch === '"') key = this.stringLit();
      else key = this.pathSegment();
      return { k: 'meta', key, pos };
    }
    const id = this.identAt(this.p);
    if (id === undefined) {
      if (this.atEnd(this.p)) this.fail('expected query, got end of input');
      this.fail('expected query');
    }
    switch (id) {
      case 'true':
      case 'false':
        this.p += id.length;
        return { k: 'lit', v: id === 'true', pos };
      case 'null':
        this.p += id.length;
        return { k: 'lit', v: null, pos };
      case 'this':
        this.p += 4;
        return { k: 'this', path: [], pos };
      case 'root':
        this.p += 4;
        return { k: 'root', path: [], pos };
      case 'if':
        return this.ifExpr();
      case 'match':
        if (!IDENT_CHAR.test(this.src[this.p + 5] ?? '')) return this.matchExpr();
    }
    // A lambda in a position that is not a call argument (e.g. `match` body) is still allowed.
    let q = this.p + id.length;
    while (this.src[q] === ' ' || this.src[q] === '\t') q++;
    if (this.src.startsWith('->', q)) return this.lambdaOrExpr();
    this.p += id.length;
    if (this.ch === '(') {
      if (this.opts.disableImpure && getFunction(id)?.impure) {
        this.fail(`function ${id} is impure (it reads the environment, files or the clock) and is disabled for this mapping`, pos);
      }
      const args = this.callArgs();
      return { k: 'call', name: id, args, pos };
    }
    if (this.names.includes(id)) return { k: 'named', name: id, path: [], pos };
    // A bare identifier is a path on `this`.
    return { k: 'this', path: [id], pos };
  }

  private ifExpr(): Expr {
    const pos = this.p;
    this.p += 2;
    const branches: [Expr, Expr][] = [];
    let otherwise: Expr | undefined;
    for (;;) {
      this.ws(false);
      const cond = this.expr();
      this.ws(false);
      this.expect('{');
      this.ws(true);
      const body = this.expr();
      this.ws(true);
      this.expect('}');
      branches.push([cond, body]);
      const save = this.p;
      this.ws(true);
      if (!this.atKeyword('else')) {
        this.p = save;
        break;
      }
      this.p += 4;
      this.ws(false);
      if (this.atKeyword('if')) {
        this.p += 2;
        continue;
      }
      this.expect('{');
      this.ws(true);
      otherwise = this.expr();
      this.ws(true);
      this.expect('}');
      break;
    }
    return { k: 'if', branches, otherwise, pos };
  }

  private matchExpr(): Expr {
    const pos = this.p;
    this.p += 5;
    this.ws(false);
    let subject: Expr | undefined;
    if (this.ch !== '{') {
      subject = this.expr();
      this.ws(false);
    }
    this.expect('{');
    const cases: MatchCase[] = [];
    for (;;) {
      this.ws(true);
      if (this.eat('}')) break;
      let pattern: Expr | undefined;
      const id = this.identAt(this.p);
      let q = this.p + 1;
      while (this.src[q] === ' ' || this.src[q] === '\t') q++;
      if (id === '_' && this.src.startsWith('=>', q)) {
        this.p = q;
      } else {
        pattern = this.expr();
        this.ws(false);
      }
      this.expect('=>');
      this.ws(true);
      const body = this.lambdaOrExpr();
      cases.push(pattern ? { pattern, body } : { body });
      this.ws(false);
      if (this.eat(',')) continue;
      if (this.ch === '\n' || this.ch === '}') continue;
      this.fail("expected ',', line break or '}'");
    }
    return { k: 'match', subject, cases, pos };
  }

  private arrayLit(): Expr {
    const pos = this.p;
    this.p++;
    const items: Expr[] = [];
    for (;;) {
      this.ws(true);
      if (this.eat(']')) break;
      items.push(this.expr());
      this.ws(true);
      if (this.eat(',')) continue;
      if (this.eat(']')) break;
      this.fail("expected ',' or ']'");
    }
    return { k: 'arr', items, pos };
  }

  private objectLit(): Expr {
    const pos = this.p;
    this.p++;
    const entries: [Expr, Expr][] = [];
    for (;;) {
      this.ws(true);
      if (this.eat('}')) break;
      const key = this.expr();
      this.ws(true);
      this.expect(':');
      this.ws(true);
      const value = this.expr();
      entries.push([key, value]);
      this.ws(true);
      if (this.eat(',')) continue;
      if (this.eat('}')) break;
      this.fail("expected ',' or '}'");
    }
    return { k: 'obj', entries, pos };
  }

  private number(): Expr {
    const pos = this.p;
    const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.src.slice(this.p, this.p + 400))!;
    this.p += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return { k: 'lit', v: Number.isSafeInteger(n) ? n : BigInt(m[0]), pos };
    }
    return { k: 'lit', v: Number(m[0]), pos };
  }

  /** A double-quoted string with Go escapes, or a raw triple-quoted string. */
  stringLit(): string {
    const start = this.p;
    if (this.peek('"""')) {
      const end = this.src.indexOf('"""', this.p + 3);
      if (end < 0) this.fail('required: """', start);
      this.p = end + 3;
      return this.src.slice(start + 3, end);
    }
    this.p++;
    let out = '';
    const s = this.src;
    // Runs of plain characters are copied in one slice, not one character at a time.
    for (;;) {
      let runEnd = this.p;
      while (runEnd < s.length) {
        const code = s.charCodeAt(runEnd);
        if (code === 34 /* " */ || code === 92 /* backslash */ || code === 10) break;
        runEnd++;
      }
      if (runEnd > this.p) {
        out += s.slice(this.p, runEnd);
        this.p = runEnd;
      }
      if (this.p >= s.length || s[this.p] === '\n') this.fail('required: "', start);
      const c = s[this.p++]!;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = s[this.p++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case "'": out += "'"; break;
        case 'a': out += '\x07'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case 'x':
        case 'u':
        case 'U': {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = s.slice(this.p, this.p + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail('invalid escape sequence', this.p - 2);
          const code = parseInt(hex, 16);
          // Beyond U+10FFFF is no character at all (Go rejects it too).
          if (code > 0x10ffff) this.fail('invalid escape sequence', this.p - 2);
          this.p += len;
          out += String.fromCodePoint(code);
          break;
        }
        default:
          if (e !== undefined && e >= '0' && e <= '7') {
            const oct = s.slice(this.p - 1, this.p + 2);
            if (!/^[0-7]{3}$/.test(oct)) this.fail('invalid escape sequence', this.p - 2);
            this.p += 2;
            out += String.fromCharCode(parseInt(oct, 8));
            break;
          }
          this.fail('invalid escape sequence', this.p - 2);
      }
    }
  }
}

function appendPath(target: Expr, seg: string, pos: Pos): Expr {
  switch (target.k) {
    case 'this':
    case 'root':
    case 'var':
    case 'named':
    case 'field':
      return { ...target, path: [...target.path, seg] };
    default:
      return { k: 'field', target, path: [seg], pos };
  }
}

export function offsetToLineCol(src: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < src.length; i++) {
    if (src.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}
