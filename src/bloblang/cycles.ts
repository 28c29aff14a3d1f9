/**
 * Can a root assignment put the document inside itself? `root.self = root` writes into the
 * very container it assigns, and so does `root.original = this` in a mutation, where `this` and
 * `root` are one document. A cycle cannot be serialised, so it would fail far from its cause
 * (in an output) or overflow the stack. The value needs a copy only when it may hold a container
 * on the path written to: when it reads `root` (or, in a mutation, `this`) at or above the
 * parent of the target. Found once per statement at compile time, so other assignments never
 * pay for a copy.
 */
import type { Expr, Program, Stmt } from './ast.js';
import { isPrefix, visitReads, type Path } from './reads.js';

export interface CycleRisk {
  /** The value may hold a container of the root being written. */
  viaRoot: boolean;
  /** Only in a mutation, where `this` is the root: the value may hold a container of it. */
  viaThis: boolean;
}

/** What variables may hold, program-wide: a variable read counts as reading that. */
interface VarSources {
  root: boolean;
  doc: boolean;
}

export function cycleRisk(prog: Program, expr: Expr, target: Path): CycleRisk {
  const parent = target.slice(0, -1);
  const vars = varSources(prog);
  const risk: CycleRisk = { viaRoot: false, viaThis: false };
  visitReads(expr, {
    this: (path, rebound) => {
      if (rebound || isPrefix(path, parent)) risk.viaThis = true;
    },
    root: (path) => {
      if (isPrefix(path, parent)) risk.viaRoot = true;
    },
    variable: () => {
      if (vars.root) risk.viaRoot = true;
      if (vars.doc) risk.viaThis = true;
    },
    // json() reads the message's parsed document, which in a mutation is the root.
    call: (name) => {
      if (name === 'json') risk.viaThis = true;
    },
    method: () => {},
  });
  return risk;
}

const varSourceCache = new WeakMap<Program, VarSources>();

function varSources(prog: Program): VarSources {
  let found = varSourceCache.get(prog);
  if (found) return found;
  const sources: VarSources = { root: false, doc: false };
  const visit = (s: Stmt): void => {
    if (s.k === 'if') {
      for (const [, body] of s.branches) body.forEach(visit);
      s.otherwise?.forEach(visit);
      return;
    }
    if (s.k !== 'assign' || s.target.kind !== 'let') return;
    visitReads(s.expr, {
      this: () => void (sources.doc = true),
      root: () => void (sources.root = true),
      // A variable set from another one: what it holds is already counted.
      variable: () => {},
      call: (name) => {
        if (name === 'json') sources.doc = true;
      },
      method: () => {},
    });
  };
  prog.stmts.forEach(visit);
  for (const def of prog.maps.values()) def.body.forEach(visit);
  found = sources;
  varSourceCache.set(prog, found);
  return found;
}
