/**
 * Can a mapping edit the input document in place instead of copying it on write?
 *
 * The usual shape `root = this` followed by `root.a.b = ...` edits must leave `this` unchanged
 * for later statements, so each edit copies the containers along its path (copy-on-write). That
 * copy is the largest cost of such a mapping. When the document was parsed for this run alone
 * nobody else can see it, and the copies only protect the mapping from itself. This analysis
 * proves, once at compile time, that they are not needed:
 *
 * - the first statement to touch `root` is a top-level `root = this`, and no other statement
 *   assigns the whole root;
 * - no statement reads a path another statement writes, or a path above or below it (so no
 *   read sees an edit, and no value read earlier aliases a container edited later);
 * - a statement may read the path it writes or below it (`root.a = this.a.uppercase()`), but
 *   not above it (`root.a.b = this.a` would make a cycle);
 * - no two statements write overlapping paths (so an edit never goes through a container
 *   another statement put in place, which might be a constant of the mapping);
 * - nothing reads `root`, the whole of `this` after the first statement, another message
 *   (`from`), the parsed content (`json()`), or runs named maps; a `this` inside a query
 *   argument or context is taken as the whole document. Functions not known to leave the
 *   message content alone disqualify the mapping.
 *
 * Anything the analysis does not understand answers false, which only costs the copies.
 */
import type { Expr, Program, Stmt } from './ast.js';
import { isPrefix, visitReads, type Path } from './reads.js';
import { getMethod } from './registry.js';

interface Access {
  /** Which statement (each statement and if-condition gets its own number). */
  readonly at: number;
  readonly path: Path;
}

/** Functions that never read the parsed message content (`json()` does). */
const CONTENT_FREE_FUNCTIONS = new Set([
  'env', 'hostname', 'now', 'deleted', 'nothing', 'throw', 'counter', 'count', 'range', 'pi',
  'cosine_similarity', 'uuid_v4', 'nanoid', 'random_int', 'ksuid', 'ulid', 'snowflake_id',
  'batch_index', 'batch_size', 'content', 'error', 'errored', 'tracing_id', 'tracing_span',
  'metadata', 'meta', 'root_meta',
]);

/** Methods that see other messages or run named maps. */
const OUT_OF_REACH_METHODS = new Set(['from', 'from_all', 'apply']);

/** The whole document: overlaps every path. */
const WHOLE: Path = [];

class Unsupported extends Error {}

export function editsInputInPlace(prog: Program): boolean {
  try {
    return analyse(prog.stmts);
  } catch (err) {
    if (err instanceof Unsupported) return false;
    throw err;
  }
}

function analyse(stmts: readonly Stmt[]): boolean {
  // Statements before `root = this` may only set variables and metadata.
  let first = 0;
  for (; first < stmts.length; first++) {
    const s = stmts[first]!;
    if (s.k === 'assign' && s.target.kind === 'root') break;
    if (s.k !== 'assign' && s.k !== 'noop') return false;
  }
  const start = stmts[first];
  if (!start || start.k !== 'assign' || start.target.kind !== 'root' || start.target.path.length !== 0) return false;
  if (start.expr.k !== 'this' || start.expr.path.length !== 0) return false;

  const reads: Access[] = [];
  const writes: Access[] = [];
  let counter = 0;
  const visit = (s: Stmt): void => {
    const at = counter++;
    if (s.k === 'noop') return;
    if (s.k === 'if') {
      for (const [cond, body] of s.branches) {
        collectReads(cond, at, reads);
        body.forEach(visit);
      }
      s.otherwise?.forEach(visit);
      return;
    }
    collectReads(s.expr, at, reads);
    if (s.target.kind === 'root') writes.push({ at, path: s.target.path });
  };
  stmts.forEach((s, i) => {
    if (i === first) counter++;
    else visit(s);
  });

  if (writes.length === 0) return false;
  for (const w of writes) {
    if (w.path.length === 0) return false;
    for (const r of reads) {
      if (r.at === w.at ? isProperPrefix(r.path, w.path) : overlaps(r.path, w.path)) return false;
    }
    for (const o of writes) if (o !== w && overlaps(o.path, w.path)) return false;
  }
  return true;
}

function overlaps(a: Path, b: Path): boolean {
  return isPrefix(a, b) || isPrefix(b, a);
}

function isProperPrefix(a: Path, b: Path): boolean {
  return a.length < b.length && isPrefix(a, b);
}

/** Record the `this` paths an expression reads; throw Unsupported for what could see an edit. */
function collectReads(e: Expr, at: number, out: Access[]): void {
  visitReads(e, {
    this: (path, rebound) => out.push({ at, path: rebound ? WHOLE : path }),
    root: () => {
      throw new Unsupported();
    },
    variable: () => {},
    call: (name) => {
      if (!CONTENT_FREE_FUNCTIONS.has(name)) throw new Unsupported();
    },
    method: (name) => {
      if (OUT_OF_REACH_METHODS.has(name)) throw new Unsupported();
      if (name !== 'or' && name !== 'catch' && !getMethod(name)) throw new Unsupported();
    },
  });
}
