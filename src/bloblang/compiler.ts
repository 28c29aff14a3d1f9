/**
 * Turns the syntax tree into closures, once. Each expression becomes `(ctx) => value` plus the
 * annotation Benthos uses to name it in errors (`field \`this.a\``, `string literal`, ...).
 * Method and function arguments that are literals are resolved here, so registry definitions
 * build their regexes, layouts and so on a single time.
 */
import type { CallArg, Expr, Program, Stmt } from './ast.js';
import { cycleRisk } from './cycles.js';
import { editsInputInPlace } from './in_place.js';
import { ParseError } from './parser.js';
import { LIMITS, getFunction, getMethod, type Args, type ParamDef, type QueryFn } from './registry.js';
import {
  AnnotatedError,
  MAX_APPLY_DEPTH,
  UNSET,
  annotate,
  boolTypeError,
  deepCopy,
  getPath,
  getThis,
  lookupNamed,
  mismatch,
  safeSet,
  setPath,
  toNum,
  valuesEqual,
  withNamed,
  withSelf,
  type Ctx,
  type MapRunner,
  type RunState,
} from './runtime.js';
import { BloblangError, DELETE, NOTHING, Timestamp, isObject, typeName, type Value } from './value.js';

export type Fn = (ctx: Ctx) => Value;

export interface CExpr {
  fn: Fn;
  ann: string;
  /** Present when the expression is a compile-time constant. */
  lit?: { v: Value };
}

export type StmtFn = (ctx: Ctx) => void;

export interface CompiledProgram {
  stmts: StmtFn[];
  maps: Map<string, MapRunner>;
  /** The mapping may edit a document parsed for it alone in place (see in_place.ts). */
  inPlace: boolean;
}

/** Methods whose target must stay lazy (they catch its errors or change its perspective). */
const LAZY_METHODS = new Set(['catch', 'or', 'from', 'from_all', 'apply']);

export function compileProgram(prog: Program): CompiledProgram {
  const maps = new Map<string, MapRunner>();
  const c = new Compiler(prog);
  for (const [name, def] of prog.maps) {
    const body = def.body.map((s) => c.stmt(s));
    maps.set(name, (ctx, input) => {
      const parent = ctx.st;
      if (parent.depth >= MAX_APPLY_DEPTH) {
        throw new BloblangError(`maximum map recursion depth (${MAX_APPLY_DEPTH}) exceeded applying map ${name}`);
      }
      const st: RunState = { root: NOTHING, outMeta: parent.outMeta, depth: parent.depth + 1, owned: parent.owned, inPlace: false };
      const inner: Ctx = { batch: ctx.batch, index: ctx.index, vars: {}, self: input, named: null, st, maps: ctx.maps };
      for (const s of body) s(inner);
      return st.root === UNSET ? NOTHING : st.root;
    });
  }
  const stmts = prog.stmts.map((s) => c.stmt(s));
  return { stmts, maps, inPlace: editsInputInPlace(prog) };
}

/**
 * A value read from another message of the batch may end up in this run's output, sharing
 * containers with that message's document: the message must copy before changing it in place.
 */
function lentFrom(ctx: Ctx, index: number): void {
  if (index !== ctx.index) ctx.batch[index]?.markStructuredShared();
}

function lit(v: Value, ann?: string): CExpr {
  return { fn: () => v, ann: ann ?? `${typeName(v)} literal`, lit: { v } };
}

function pathAnn(base: string, path: readonly string[]): string {
  return `field \`${[base, ...path].join('.')}\``;
}

function rootValue(ctx: Ctx): Value {
  const st = ctx.st;
  if (st.root === UNSET) st.root = st.loadRoot ? st.loadRoot() : NOTHING;
  return st.root;
}

class Compiler {
  constructor(private readonly prog: Program) {}

  // ---- statements ----

  stmt(s: Stmt): StmtFn {
    const prefix = `failed assignment (line ${s.line})`;
    const fail = (err: unknown): never => {
      if (err instanceof BloblangError && err.message.startsWith('failed assignment (line ')) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      throw new BloblangError(`${prefix}: ${msg}`);
    };
    if (s.k === 'noop') return () => {};
    if (s.k === 'if') {
      const branches = s.branches.map(([c, body]) => [this.expr(c).fn, body.map((b) => this.stmt(b))] as const);
      const otherwise = s.otherwise?.map((b) => this.stmt(b));
      return (ctx) => {
        for (const [cond, body] of branches) {
          let ok: Value;
          try {
            ok = cond(ctx);
          } catch (err) {
            fail(err);
          }
          if (typeof ok !== 'boolean') fail(boolTypeError(ok));
          if (ok) {
            for (const b of body) b(ctx);
            return;
          }
        }
        if (otherwise) for (const b of otherwise) b(ctx);
      };
    }
    const e = this.expr(s.expr).fn;
    const t = s.target;
    if (t.kind === 'root') {
      const path = t.path;
      const risk = path.length > 0 ? cycleRisk(this.prog, s.expr, path) : undefined;
      return (ctx) => {
        let v: Value;
        try {
          v = e(ctx);
          if (v === NOTHING) return;
          const st = ctx.st;
          if (path.length === 0) {
            st.root = v;
            return;
          }
          // Copy a value that may hold the container it is written into (see cycles.ts).
          if (risk !== undefined && (risk.viaRoot || (risk.viaThis && st.loadRoot !== undefined))) v = deepCopy(v);
          let base = rootValue(ctx);
          if (base === DELETE || base === NOTHING) base = undefined;
          st.root = setPath(st, base, path, v);
        } catch (err) {
          fail(err);
        }
      };
    }
    if (t.kind === 'meta') {
      const key = t.key;
      return (ctx) => {
        try {
          const v = e(ctx);
          if (v === NOTHING) return;
          const meta = ctx.st.outMeta;
          if (key !== undefined) {
            if (v === DELETE) meta.delete(key);
            else meta.set(key, v);
            return;
          }
          if (v === DELETE || v === null) {
            meta.clear();
            return;
          }
          if (!isObject(v)) throw new BloblangError(`setting root meta object requires object value, received: ${typeName(v)}`);
          meta.clear();
          for (const k of Object.keys(v)) {
            const x = v[k];
            if (x !== DELETE && x !== NOTHING) meta.set(k, x);
          }
        } catch (err) {
          fail(err);
        }
      };
    }
    const name = t.name;
    return (ctx) => {
      try {
        const v = e(ctx);
        if (v === NOTHING) return;
        if (v === DELETE) delete (ctx.vars as Record<string, Value>)[name];
        else safeSet(ctx.vars as Record<string, Value>, name, v);
      } catch (err) {
        fail(err);
      }
    };
  }

  // ---- expressions ----

  expr(e: Expr): CExpr {
    switch (e.k) {
      case 'lit':
        return lit(e.v);
      case 'this': {
        const path = e.path;
        const ann = pathAnn('this', path);
        if (path.length === 0) return { fn: getThis, ann };
        return { fn: (ctx) => getPath(getThis(ctx), path), ann };
      }
      case 'root': {
        const path = e.path;
        return {
          fn: (ctx) => {
            const r = rootValue(ctx);
            return getPath(r === NOTHING || r === DELETE ? null : r, path);
          },
          ann: pathAnn('root', path),
        };
      }
      case 'var': {
        const { name, path } = e;
        return {
          fn: (ctx) => {
            const vars = ctx.vars as Record<string, Value>;
            if (!Object.prototype.hasOwnProperty.call(vars, name)) throw new BloblangError(`variable '${name}' undefined`);
            return getPath(vars[name], path);
          },
          ann: `variable ${[name, ...path].join('.')}`,
        };
      }
      case 'named': {
        const { name, path } = e;
        return {
          fn: (ctx) => {
            const v = lookupNamed(ctx.named, name);
            if (v === UNSET) throw new BloblangError(`named context ${name} was not found`);
            return getPath(v, path);
          },
          ann: pathAnn(name, path),
        };
      }
      case 'meta': {
        const key = e.key;
        if (key === undefined) return { fn: (ctx) => ctx.st.outMeta.object(), ann: 'metadata object' };
        return {
          fn: (ctx) => {
            const v = ctx.st.outMeta.get(key);
            return v === undefined ? null : v;
          },
          ann: `meta field ${key}`,
        };
      }
      case 'field': {
        const t = this.expr(e.target);
        const path = e.path;
        return { fn: (ctx) => getPath(t.fn(ctx), path), ann: `${t.ann}.${path.join('.')}` };
      }
      case 'index':
        return this.index(e);
      case 'slice':
        return this.slice(e);
      case 'ctx': {
        const t = this.expr(e.target);
        const body = this.queryFn(e.body);
        return { fn: (ctx) => body(ctx, t.fn(ctx)), ann: t.ann };
      }
      case 'lambda': {
        const q = this.queryFn(e);
        return { fn: (ctx) => q(ctx, getThis(ctx)), ann: 'lambda' };
      }
      case 'not': {
        const x = this.expr(e.e);
        return {
          fn: (ctx) => {
            const v = x.fn(ctx);
            if (typeof v !== 'boolean') throw annotate(boolTypeError(v), x.ann);
            return !v;
          },
          ann: x.ann,
        };
      }
      case 'neg': {
        const x = this.expr(e.e);
        return {
          fn: (ctx) => {
            const v = x.fn(ctx);
            if (typeof v === 'number') return -v;
            if (typeof v === 'bigint') return -v;
            throw mismatch('subtract', 'number literal', x.ann, 0, v);
          },
          ann: x.ann,
        };
      }
      case 'bin':
        return this.binary(e.op, this.expr(e.l), this.expr(e.r), e.pos);
      case 'obj':
        return this.object(e);
      case 'arr': {
        const items = e.items.map((i) => this.expr(i));
        if (items.every((i) => i.lit && i.lit.v !== DELETE && i.lit.v !== NOTHING)) {
          return lit(items.map((i) => i.lit!.v), 'array literal');
        }
        const fns = items.map((i) => i.fn);
        return {
          fn: (ctx) => {
            const out: Value[] = [];
            for (const f of fns) {
              const v = f(ctx);
              if (v !== DELETE && v !== NOTHING) out.push(v);
            }
            ctx.st.owned.add(out);
            return out;
          },
          ann: 'array literal',
        };
      }
      case 'if': {
        const branches = e.branches.map(([c, b]) => [this.expr(c), this.expr(b).fn] as const);
        const otherwise = e.otherwise ? this.expr(e.otherwise).fn : undefined;
        return {
          fn: (ctx) => {
            for (const [c, b] of branches) {
              const ok = c.fn(ctx);
              if (typeof ok !== 'boolean') throw annotate(boolTypeError(ok), c.ann);
              if (ok) return b(ctx);
            }
            return otherwise ? otherwise(ctx) : NOTHING;
          },
          ann: 'if expression',
        };
      }
      case 'match':
        return this.match(e);
      case 'call':
        return this.call(e.name, e.args, e.pos);
      case 'method':
        return this.method(e);
    }
  }

  /** A query argument: lambdas bind their parameter, plain queries rebind `this`. */
  queryFn(e: Expr): QueryFn {
    if (e.k === 'lambda') {
      const body = this.expr(e.body).fn;
      const param = e.param;
      return (ctx, v) => body(withNamed(ctx as Ctx, param, v));
    }
    const body = this.expr(e);
    if (body.lit) {
      const v = body.lit.v;
      return () => v;
    }
    const fn = body.fn;
    return (ctx, v) => fn(withSelf(ctx as Ctx, v));
  }

  private index(e: Extract<Expr, { k: 'index' }>): CExpr {
    const t = this.expr(e.target);
    const idx = this.expr(e.index);
    return {
      fn: (ctx) => {
        const v = t.fn(ctx);
        const i = idx.fn(ctx);
        if (typeof i === 'string') {
          if (!isObject(v)) throw annotate(new BloblangError(`expected object value, got ${typeName(v)}`), t.ann);
          return getPath(v, [i]);
        }
        const n = toNum(i);
        if (n === undefined || !Number.isInteger(n)) {
          throw annotate(new BloblangError(`expected number or string index, got ${typeName(i)}`), idx.ann);
        }
        if (typeof v === 'string') {
          const chars = Array.from(v);
          const k = n < 0 ? chars.length + n : n;
          if (k < 0 || k >= chars.length) throw annotate(new BloblangError(`index ${n} out of bounds for string of length ${chars.length}`), t.ann);
          return chars[k];
        }
        if (v instanceof Uint8Array) {
          const k = n < 0 ? v.length + n : n;
          if (k < 0 || k >= v.length) throw annotate(new BloblangError(`index ${n} out of bounds for bytes of length ${v.length}`), t.ann);
          return v[k];
        }
        if (Array.isArray(v)) {
          const k = n < 0 ? v.length + n : n;
          if (k < 0 || k >= v.length) throw annotate(new BloblangError(`index ${n} out of bounds for array of length ${v.length}`), t.ann);
          return v[k];
        }
        throw annotate(new BloblangError(`expected array, string or bytes value, got ${typeName(v)}`), t.ann);
      },
      ann: t.ann,
    };
  }

  private slice(e: Extract<Expr, { k: 'slice' }>): CExpr {
    const t = this.expr(e.target);
    const part = (x: Expr | undefined) => (x ? this.expr(x) : undefined);
    const [start, end, step] = [part(e.start), part(e.end), part(e.step)];
    const num = (ctx: Ctx, x: CExpr | undefined): number | undefined => {
      if (!x) return undefined;
      const v = x.fn(ctx);
      if (v === null) return undefined;
      const n = toNum(v);
      if (n === undefined || !Number.isInteger(n)) throw annotate(new BloblangError(`expected integer slice index, got ${typeName(v)}`), x.ann);
      return n;
    };
    return {
      fn: (ctx) => {
        const v = t.fn(ctx);
        const a = num(ctx, start);
        const b = num(ctx, end);
        const s = num(ctx, step) ?? 1;
        if (s === 0) throw new BloblangError('slice step cannot be zero');
        const pick = <T>(xs: T[]): T[] => {
          const len = xs.length;
          const norm = (x: number | undefined, dflt: number, lo: number, hi: number) => {
            if (x === undefined) return dflt;
            if (x < 0) x += len;
            return Math.min(Math.max(x, lo), hi);
          };
          const out: T[] = [];
          if (s > 0) {
            const from = norm(a, 0, 0, len);
            const to = norm(b, len, 0, len);
            for (let i = from; i < to; i += s) out.push(xs[i]!);
          } else {
            const from = norm(a, len - 1, -1, len - 1);
            const to = norm(b, -1, -1, len - 1);
            for (let i = from; i > to; i += s) out.push(xs[i]!);
          }
          return out;
        };
        if (typeof v === 'string') return pick(Array.from(v)).join('');
        if (Array.isArray(v)) return pick(v);
        if (v instanceof Uint8Array) return Uint8Array.from(pick(Array.from(v)));
        throw annotate(new BloblangError(`expected array, string or bytes value, got ${typeName(v)}`), t.ann);
      },
      ann: t.ann,
    };
  }

  private object(e: Extract<Expr, { k: 'obj' }>): CExpr {
    const entries = e.entries.map(([k, v]) => [this.expr(k), this.expr(v)] as const);
    for (const [k] of entries) {
      if (k.lit && typeof k.lit.v !== 'string') {
        throw new ParseError(e.pos, `object keys must be strings, received: ${typeName(k.lit.v)}`);
      }
    }
    if (entries.every(([k, v]) => k.lit && v.lit && v.lit.v !== DELETE && v.lit.v !== NOTHING)) {
      const out: Record<string, Value> = {};
      for (const [k, v] of entries) safeSet(out, k.lit!.v as string, v.lit!.v);
      return lit(out, 'object literal');
    }
    return {
      fn: (ctx) => {
        const out: Record<string, Value> = {};
        for (const [k, v] of entries) {
          const key = k.fn(ctx);
          if (typeof key !== 'string') {
            throw annotate(new BloblangError(`object keys must be strings, received: ${typeName(key)}`), k.ann);
          }
          const val = v.fn(ctx);
          if (val !== DELETE && val !== NOTHING) safeSet(out, key, val);
        }
        ctx.st.owned.add(out);
        return out;
      },
      ann: 'object literal',
    };
  }

  private match(e: Extract<Expr, { k: 'match' }>): CExpr {
    const subject = e.subject ? this.expr(e.subject).fn : undefined;
    const cases = e.cases.map((c) => {
      const body = this.expr(c.body).fn;
      if (!c.pattern) return { kind: 'any' as const, body };
      const p = this.expr(c.pattern);
      if (p.lit && typeof p.lit.v !== 'boolean') return { kind: 'eq' as const, v: p.lit.v, body };
      return { kind: 'cond' as const, p, body };
    });
    return {
      fn: (ctx) => {
        let inner = ctx;
        let subj: Value = UNSET;
        if (subject) {
          subj = subject(ctx);
          inner = withSelf(ctx, subj);
        }
        // Without a subject `this` is only parsed if a case compares against it.
        const subjectValue = () => (subj === UNSET ? (subj = getThis(ctx)) : subj);
        for (const c of cases) {
          if (c.kind === 'any') return c.body(inner);
          if (c.kind === 'eq') {
            if (valuesEqual(subjectValue(), c.v)) return c.body(inner);
            continue;
          }
          const r = c.p.fn(inner);
          if (typeof r === 'boolean') {
            if (r) return c.body(inner);
          } else if (valuesEqual(subjectValue(), r)) {
            return c.body(inner);
          }
        }
        return NOTHING;
      },
      ann: 'match expression',
    };
  }

  private binary(op: string, l: CExpr, r: CExpr, _pos: number): CExpr {
    const ann = r.ann;
    const lf = l.fn;
    const rf = r.fn;
    let fn: Fn;
    switch (op) {
      case '|':
        fn = (ctx) => {
          try {
            const v = lf(ctx);
            if (v !== null && v !== undefined) return v;
          } catch {
            // coalescing treats a failed left-hand side like null
          }
          return rf(ctx);
        };
        break;
      case '&&':
      case '||': {
        const isAnd = op === '&&';
        fn = (ctx) => {
          const a = lf(ctx);
          if (typeof a !== 'boolean') throw boolTypeError(a);
          if (isAnd ? !a : a) return a;
          const b = rf(ctx);
          if (typeof b !== 'boolean') throw boolTypeError(b);
          return b;
        };
        break;
      }
      case '==':
      case '!=': {
        // Equality never fails, so it skips the operator table.
        const eq = op === '==';
        fn = (ctx) => valuesEqual(lf(ctx), rf(ctx)) === eq;
        break;
      }
      default: {
        const arith = ARITH[op]!;
        fn = (ctx) => arith(lf(ctx), rf(ctx), l.ann, r.ann);
      }
    }
    if (l.lit && r.lit && op !== '|') {
      // Constant operands: fold now so type errors surface at parse time like Benthos.
      try {
        return lit(fn(undefined as unknown as Ctx), ann);
      } catch (err) {
        throw new ParseError(_pos, (err as Error).message);
      }
    }
    return { fn, ann };
  }

  // ---- calls ----

  private call(name: string, args: CallArg[], pos: number): CExpr {
    const def = getFunction(name);
    if (!def) throw new ParseError(pos, `unrecognised function '${name}'`);
    const ann = `function ${name}`;
    const resolved = this.args(`function ${name}`, def.params, args, pos);
    if (resolved.static) {
      let run: (ctx: Ctx) => Value;
      try {
        run = def.build(resolved.static) as (ctx: Ctx) => Value;
      } catch (err) {
        throw new ParseError(pos, `${ann}: ${(err as Error).message}`);
      }
      return { fn: run, ann };
    }
    const dyn = resolved.dynamic!;
    return { fn: (ctx) => (def.build(dyn(ctx)) as (ctx: Ctx) => Value)(ctx), ann };
  }

  private method(e: Extract<Expr, { k: 'method' }>): CExpr {
    const { name, args, pos } = e;
    const target = this.expr(e.target);
    if (LAZY_METHODS.has(name)) return this.lazyMethod(name, target, args, pos);
    const def = getMethod(name);
    if (!def) throw new ParseError(pos, `unrecognised method '${name}'`);
    const ann = `method ${name}`;
    const resolved = this.args(ann, def.params, args, pos);
    const tf = target.fn;
    const tAnn = target.ann;
    if (resolved.static) {
      let run: (t: Value, ctx: Ctx) => Value;
      try {
        run = def.build(resolved.static) as (t: Value, ctx: Ctx) => Value;
      } catch (err) {
        throw new ParseError(pos, `${ann}: ${(err as Error).message}`);
      }
      return {
        fn: (ctx) => {
          const t = tf(ctx);
          try {
            return run(t, ctx);
          } catch (err) {
            throw annotate(err, tAnn);
          }
        },
        ann: tAnn,
      };
    }
    const dyn = resolved.dynamic!;
    return {
      fn: (ctx) => {
        const t = tf(ctx);
        const a = dyn(ctx);
        try {
          return (def.build(a) as (t: Value, ctx: Ctx) => Value)(t, ctx);
        } catch (err) {
          throw annotate(err, tAnn);
        }
      },
      ann: tAnn,
    };
  }

  private lazyMethod(name: string, target: CExpr, args: CallArg[], pos: number): CExpr {
    const tf = target.fn;
    const arity = (n: number) => {
      if (args.length !== n) throw new ParseError(pos, `method ${name}: expected ${n} arguments, received ${args.length}`);
    };
    switch (name) {
      case 'catch': {
        arity(1);
        const fallback = this.queryFn(args[0]!.expr);
        return {
          fn: (ctx) => {
            try {
              return tf(ctx);
            } catch (err) {
              return fallback(ctx, err instanceof Error ? err.message : String(err));
            }
          },
          ann: target.ann,
        };
      }
      case 'or': {
        arity(1);
        const fallback = this.expr(args[0]!.expr).fn;
        return {
          fn: (ctx) => {
            try {
              const v = tf(ctx);
              if (v !== null && v !== undefined) return v;
            } catch {
              // fall through to the fallback
            }
            return fallback(ctx);
          },
          ann: target.ann,
        };
      }
      case 'from': {
        arity(1);
        const idx = this.expr(args[0]!.expr);
        return {
          fn: (ctx) => {
            const i = toNum(idx.fn(ctx));
            if (i === undefined || !Number.isInteger(i)) throw annotate(new BloblangError('expected integer index'), idx.ann);
            const v = tf({ ...ctx, index: i, self: UNSET });
            lentFrom(ctx, i);
            return v;
          },
          ann: target.ann,
        };
      }
      case 'from_all': {
        arity(0);
        return {
          fn: (ctx) => {
            const out: Value[] = [];
            for (let i = 0; i < ctx.batch.length; i++) {
              out.push(tf({ ...ctx, index: i, self: UNSET }));
              lentFrom(ctx, i);
            }
            return out;
          },
          ann: target.ann,
        };
      }
      case 'apply': {
        arity(1);
        const nameArg = this.expr(args[0]!.expr);
        if (nameArg.lit) {
          const mapName = nameArg.lit.v;
          if (typeof mapName !== 'string') throw new ParseError(pos, 'method apply: expected string map name');
          if (!this.prog.maps.has(mapName)) throw new ParseError(pos, `map ${mapName} was not found`);
        }
        return {
          fn: (ctx) => {
            const t = tf(ctx);
            const mapName = nameArg.fn(ctx);
            const runner = typeof mapName === 'string' ? ctx.maps.get(mapName) : undefined;
            if (!runner) throw new AnnotatedError(`map ${String(mapName)} was not found`);
            return runner(ctx, t);
          },
          ann: target.ann,
        };
      }
    }
    throw new ParseError(pos, `unrecognised method '${name}'`);
  }

  /**
   * Definitions without declared parameters take any number of positional arguments: they
   * arrive as `args.args` (an array) and as keys "0", "1", ... in order.
   */
  private variadicArgs(who: string, args: CallArg[]): { static?: Args; dynamic?: (ctx: Ctx) => Args } {
    const compiled = args.map((a) => {
      if (a.expr.k === 'lambda') throw new ParseError(a.expr.pos, `${who}: unexpected lambda argument`);
      return this.expr(a.expr);
    });
    const pack = (values: Value[]): Args => {
      const out: Args = { args: values };
      values.forEach((v, i) => (out[String(i)] = v));
      return out;
    };
    if (compiled.every((c) => c.lit)) return { static: pack(compiled.map((c) => c.lit!.v)) };
    const fns = compiled.map((c) => c.fn);
    return { dynamic: (ctx) => pack(fns.map((f) => f(ctx))) };
  }

  /** Match call arguments to parameters; static when no argument needs the message. */
  private args(
    who: string,
    params: ParamDef[],
    args: CallArg[],
    pos: number,
  ): { static?: Args; dynamic?: (ctx: Ctx) => Args } {
    const named = args.length > 0 && args[0]!.name !== undefined;
    if (params.length === 0 && args.length > 0 && !named) return this.variadicArgs(who, args);
    if (args.length > params.length) {
      throw new ParseError(pos, `${who}: wrong number of arguments, expected ${params.length}, got ${args.length}`);
    }
    const byName = new Map<string, Expr>();
    if (named) {
      for (const a of args) {
        if (!params.some((p) => p.name === a.name)) throw new ParseError(pos, `${who}: unknown parameter '${a.name}'`);
        byName.set(a.name!, a.expr);
      }
    }
    const fixed: Args = {};
    const dynamic: [string, Fn][] = [];
    params.forEach((p, i) => {
      const e = named ? byName.get(p.name) : args[i]?.expr;
      if (e === undefined) {
        if (!p.optional && p.default === undefined) throw new ParseError(pos, `${who}: missing required parameter '${p.name}'`);
        fixed[p.name] = p.default;
        return;
      }
      if (p.type === 'query') {
        fixed[p.name] = this.queryFn(e);
        return;
      }
      if (e.k === 'lambda') throw new ParseError(e.pos, `${who}: parameter '${p.name}' does not accept a lambda`);
      const c = this.expr(e);
      if (c.lit) fixed[p.name] = c.lit.v;
      else {
        const fn = c.fn;
        dynamic.push([p.name, fn]);
      }
    });
    if (dynamic.length === 0) return { static: fixed };
    return {
      dynamic: (ctx) => {
        const a: Args = { ...fixed };
        for (const [k, f] of dynamic) a[k] = f(ctx);
        return a;
      },
    };
  }
}

// ---- arithmetic, following Benthos's number degradation rules ----

type Arith = (a: Value, b: Value, la: string, ra: string) => Value;

function num2(op: string, a: Value, b: Value, la: string, ra: string): [number, number] | [bigint, bigint] {
  if (typeof a === 'bigint' && typeof b === 'bigint') return [a, b];
  // An int64 beyond 2^53 with an integer on the other side stays exact, as Benthos's int64 does.
  if (typeof a === 'bigint' && Number.isInteger(b) && op !== '/') return [a, BigInt(b as number)];
  if (typeof b === 'bigint' && Number.isInteger(a) && op !== '/') return [BigInt(a as number), b];
  const x = toNum(a);
  const y = toNum(b);
  if (x === undefined || y === undefined) throw mismatch(op, la, ra, a, b);
  return [x, y];
}

function fixBig(v: bigint): Value {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function compare(op: string, a: Value, b: Value, la: string, ra: string): boolean {
  if (op === '==' || op === '!=') {
    const eq = valuesEqual(a, b);
    return op === '==' ? eq : !eq;
  }
  let x: number | bigint | string;
  let y: number | bigint | string;
  if (typeof a === 'string' && typeof b === 'string') {
    x = a;
    y = b;
  } else if (a instanceof Timestamp && b instanceof Timestamp) {
    x = a.epochNs;
    y = b.epochNs;
  } else {
    [x, y] = num2('compare', a, b, la, ra);
  }
  switch (op) {
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    default:
      return x <= y;
  }
}

const ARITH: Record<string, Arith> = {
  // Two plain numbers are the common case: no degradation rules, no operand tuple.
  '+': (a, b, la, ra) => {
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (typeof a === 'string' || a instanceof Uint8Array) {
      if (typeof b === 'string' || b instanceof Uint8Array) {
        const x = text(a);
        const y = text(b);
        // Repeated doubling (`$s + $s`) would otherwise grow one message's string to what V8
        // refuses only at ~512 Mi characters, after taking gigabytes: a per-message error instead.
        if (x.length + y.length > LIMITS.maxStringLength) {
          throw new BloblangError(`adding would build ${x.length + y.length} characters, over the limit of ${LIMITS.maxStringLength}`);
        }
        return x + y;
      }
      throw mismatch('add', la, ra, a, b);
    }
    const [x, y] = num2('add', a, b, la, ra);
    return typeof x === 'bigint' ? fixBig(x + (y as bigint)) : x + (y as number);
  },
  '-': (a, b, la, ra) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const [x, y] = num2('subtract', a, b, la, ra);
    return typeof x === 'bigint' ? fixBig(x - (y as bigint)) : x - (y as number);
  },
  '*': (a, b, la, ra) => {
    if (typeof a === 'number' && typeof b === 'number') return a * b;
    const [x, y] = num2('multiply', a, b, la, ra);
    return typeof x === 'bigint' ? fixBig(x * (y as bigint)) : x * (y as number);
  },
  '/': (a, b, la, ra) => {
    const x = toNum(a);
    const y = toNum(b);
    if (x === undefined || y === undefined) throw mismatch('divide', la, ra, a, b);
    if (y === 0) throw annotate(new BloblangError('attempted to divide by zero'), ra);
    return x / y;
  },
  '%': (a, b, la, ra) => {
    const x = toNum(a);
    const y = toNum(b);
    if (x === undefined || y === undefined) throw mismatch('modulo', la, ra, a, b);
    const xi = Math.trunc(x);
    const yi = Math.trunc(y);
    if (yi === 0) throw annotate(new BloblangError('attempted to divide by zero'), ra);
    return xi % yi;
  },
  '==': (a, b, la, ra) => compare('==', a, b, la, ra),
  '!=': (a, b, la, ra) => compare('!=', a, b, la, ra),
  '>': (a, b, la, ra) => compare('>', a, b, la, ra),
  '>=': (a, b, la, ra) => compare('>=', a, b, la, ra),
  '<': (a, b, la, ra) => compare('<', a, b, la, ra),
  '<=': (a, b, la, ra) => compare('<=', a, b, la, ra),
};

function text(v: string | Uint8Array): string {
  return typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
}
