/**
 * What an expression reads, found once at compile time: the `this` and `root` paths, variables
 * and calls. The in-place analysis and the assignment cycle check both decide from this.
 */
import type { CallArg, Expr } from './ast.js';
import { getFunction, getMethod, type ParamDef } from './registry.js';

export type Path = readonly string[];

export interface ReadVisitor {
  /**
   * A `this` read. `rebound` is true inside query arguments and contexts, where `this` may be
   * another value (or, in a lambda, still the document): callers take those as the whole.
   */
  this(path: Path, rebound: boolean): void;
  root(path: Path): void;
  variable(name: string): void;
  /** A function call (its arguments are visited too). */
  call(name: string): void;
  /** A method call (its target and arguments are visited too). */
  method(name: string): void;
}

export function visitReads(e: Expr, v: ReadVisitor, rebound = false): void {
  const walk = (x: Expr | undefined, r = rebound): void => {
    if (x) visitReads(x, v, r);
  };
  switch (e.k) {
    case 'lit':
    case 'named':
    case 'meta':
      return;
    case 'var':
      v.variable(e.name);
      return;
    case 'this':
      v.this(e.path, rebound);
      return;
    case 'root':
      v.root(e.path);
      return;
    case 'call':
      v.call(e.name);
      walkArgs(e.args, getFunction(e.name)?.params, rebound, v);
      return;
    case 'method':
      v.method(e.name);
      walk(e.target);
      if (e.name === 'or' || e.name === 'from' || e.name === 'apply') {
        for (const a of e.args) walk(a.expr);
      } else if (e.name === 'catch') {
        for (const a of e.args) walk(a.expr, true);
      } else {
        walkArgs(e.args, getMethod(e.name)?.params, rebound, v);
      }
      return;
    case 'field':
      walk(e.target);
      return;
    case 'index':
      walk(e.target);
      walk(e.index);
      return;
    case 'slice':
      walk(e.target);
      walk(e.start);
      walk(e.end);
      walk(e.step);
      return;
    case 'ctx':
      walk(e.target);
      walk(e.body, true);
      return;
    case 'bin':
      walk(e.l);
      walk(e.r);
      return;
    case 'not':
    case 'neg':
      walk(e.e);
      return;
    case 'obj':
      for (const [k, x] of e.entries) {
        walk(k);
        walk(x);
      }
      return;
    case 'arr':
      for (const x of e.items) walk(x);
      return;
    case 'if':
      for (const [c, b] of e.branches) {
        walk(c);
        walk(b);
      }
      walk(e.otherwise);
      return;
    case 'match': {
      walk(e.subject);
      const inner = rebound || e.subject !== undefined;
      for (const c of e.cases) {
        walk(c.pattern, inner);
        walk(c.body, inner);
      }
      return;
    }
    case 'lambda':
      walk(e.body, true);
      return;
  }
  // A node kind added to the syntax tree but not here: the safe answer is "reads everything".
  v.this([], true);
  v.root([]);
}

function walkArgs(args: readonly CallArg[], params: readonly ParamDef[] | undefined, rebound: boolean, v: ReadVisitor): void {
  args.forEach((a, i) => {
    const p = a.name !== undefined ? params?.find((x) => x.name === a.name) : params?.[i];
    visitReads(a.expr, v, rebound || a.expr.k === 'lambda' || p?.type === 'query');
  });
}

/** Is `a` a prefix of `b` (equal included)? */
export function isPrefix(a: Path, b: Path): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
