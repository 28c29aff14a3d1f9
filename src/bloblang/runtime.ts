/**
 * What compiled closures share at run time: the execution context, value access along paths,
 * safe object writes, equality and the error shapes Benthos reports.
 */
import type { Message } from '../core/message.js';
import type { ExecContext } from './registry.js';
import { BloblangError, DELETE, NOTHING, Timestamp, ValueTypeError, isObject, typeError, typeName, type Value } from './value.js';

/** `this` has not been read yet: parse the message content on first use. */
export const UNSET: unique symbol = Symbol('unset');

/** A compiled named map (`map foo { ... }`), run by `.apply("foo")`. */
export type MapRunner = (ctx: Ctx, input: Value) => Value;

/** Per-execution state shared by every context derived during one run of a mapping. */
export interface RunState {
  /** The document being built (`root`); UNSET until read in a mutation (lazy input parse). */
  root: Value | typeof UNSET;
  /** Metadata of the message being produced: `meta x = ...` writes here, `@x` reads here. */
  outMeta: MetaStore;
  /** Nesting depth of `.apply()` calls, bounded to turn runaway recursion into an error. */
  depth: number;
  /** Containers created during this run, safe to mutate in place (copy-on-write for others). */
  owned: OwnedSet;
  /** Loads the root lazily (mutation: the input document). */
  loadRoot?: () => Value;
  /**
   * Every container reachable from the root may be changed in place: the root is a document
   * parsed for this run alone and the mapping passed the in_place.ts analysis.
   */
  inPlace?: boolean;
}

/**
 * The containers one run may mutate. A plain Set does: the state lives for one run only, so
 * weak references buy nothing, and a WeakSet per message costs the collector ephemeron work.
 * Many runs create no container at all, so the Set is made on the first add.
 */
export interface OwnedSet {
  has(o: object): boolean;
  add(o: object): unknown;
}

class LazyOwnedSet implements OwnedSet {
  private set: Set<object> | null = null;
  has(o: object): boolean {
    return this.set !== null && this.set.has(o);
  }
  add(o: object): void {
    (this.set ??= new Set()).add(o);
  }
}

export function newOwnedSet(): OwnedSet {
  return new LazyOwnedSet();
}

export interface MetaStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  clear(): void;
  object(): Record<string, unknown>;
}

/** A message's metadata as a MetaStore: one small object per run rather than five closures. */
class MessageMetaStore implements MetaStore {
  constructor(private readonly msg: Message) {}
  get(k: string): unknown {
    return this.msg.getMeta(k);
  }
  set(k: string, v: unknown): void {
    this.msg.setMeta(k, v);
  }
  delete(k: string): void {
    this.msg.deleteMeta(k);
  }
  clear(): void {
    this.msg.clearMeta();
  }
  object(): Record<string, unknown> {
    return this.msg.metaObject();
  }
}

export function messageMetaStore(msg: Message): MetaStore {
  return new MessageMetaStore(msg);
}

export interface Ctx extends ExecContext {
  /** The current `this`. */
  self: Value | typeof UNSET;
  /** Lambda parameters in scope, innermost first. */
  named: NamedScope | null;
  st: RunState;
  /** Maps defined by the mapping, for `.apply()`. */
  maps: Map<string, MapRunner>;
}

/**
 * One lambda parameter binding, linked to the enclosing ones. Lambdas run once per element, so
 * binding must be cheap: one small object, where a copied dictionary of all names cost a
 * null-prototype (slow-mode) object and a copy per call.
 */
export interface NamedScope {
  readonly name: string;
  readonly value: Value;
  readonly outer: NamedScope | null;
}

/** The value bound to `name` in scope, or UNSET when no lambda in scope binds it. */
export function lookupNamed(scope: NamedScope | null, name: string): Value | typeof UNSET {
  for (let s = scope; s !== null; s = s.outer) if (s.name === name) return s.value;
  return UNSET;
}

export const MAX_APPLY_DEPTH = 200;

/** `this`, parsing the message content on first use (once per message). */
export function getThis(ctx: Ctx): Value {
  if (ctx.self !== UNSET) return ctx.self;
  const msg = ctx.batch[ctx.index];
  if (!msg) throw new BloblangError('message index out of range');
  let v: Value;
  try {
    v = msg.asStructured();
  } catch (err) {
    throw new BloblangError(`unable to reference message as structured (with 'this'): parse as json: ${(err as Error).message}`);
  }
  ctx.self = v;
  return v;
}

// Both spell out every field in Ctx's order, so derived contexts share the root context's shape
// and the closures reading them stay monomorphic.
export function withSelf(ctx: Ctx, self: Value): Ctx {
  return { batch: ctx.batch, index: ctx.index, vars: ctx.vars, self, named: ctx.named, st: ctx.st, maps: ctx.maps };
}

export function withNamed(ctx: Ctx, name: string, v: Value): Ctx {
  const named: NamedScope = { name, value: v, outer: ctx.named };
  return { batch: ctx.batch, index: ctx.index, vars: ctx.vars, self: ctx.self, named, st: ctx.st, maps: ctx.maps };
}

// ---- path access ----

export function getField(v: Value, key: string): Value {
  if (isObject(v)) return Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
  if (Array.isArray(v) && /^-?[0-9]+$/.test(key)) {
    let i = Number(key);
    if (i < 0) i += v.length;
    return v[i];
  }
  return undefined;
}

/** Walk a dot path; missing fields are null (undefined internally). */
export function getPath(v: Value, path: readonly string[]): Value {
  for (let i = 0; i < path.length; i++) {
    if (v === undefined || v === null) return null;
    v = getField(v, path[i]!);
  }
  return v === undefined ? null : v;
}

/** Set a key without ever touching prototypes (`__proto__` becomes a plain own key). */
export function safeSet(obj: Record<string, Value>, key: string, v: Value): void {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
  } else {
    obj[key] = v;
  }
}

/** A deep copy of arrays and plain objects; timestamps and bytes are immutable and shared. */
export function deepCopy(v: Value): Value {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Timestamp || v instanceof Uint8Array) return v;
  if (isObject(v)) {
    const out: Record<string, Value> = {};
    for (const k of Object.keys(v)) safeSet(out, k, deepCopy(v[k]));
    return out;
  }
  return v;
}

function ownedCopy(st: RunState, v: Value): Record<string, Value> | Value[] | undefined {
  if (Array.isArray(v)) {
    if (st.inPlace === true || st.owned.has(v)) return v;
    const c = v.slice();
    st.owned.add(c);
    return c;
  }
  if (isObject(v)) {
    if (st.inPlace === true || st.owned.has(v)) return v;
    // Key by key rather than `{ ...v }`: spread gives the copy a map outside V8's transition
    // tree, so adding the edited keys afterwards was slower than this whole loop.
    const c: Record<string, Value> = {};
    for (const k of Object.keys(v)) safeSet(c, k, v[k]);
    st.owned.add(c);
    return c;
  }
  return undefined;
}

/**
 * Assign `v` at `path` inside `base`, returning the new base. Containers not created by this run
 * are shallow-copied before being written, so input documents are never modified.
 */
export function setPath(st: RunState, base: Value, path: readonly string[], v: Value): Value {
  if (path.length === 0) return v;
  let top = ownedCopy(st, base);
  if (top === undefined) {
    if (v === DELETE) return base;
    top = {};
    st.owned.add(top);
  }
  let cur: Record<string, Value> | Value[] = top;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const last = i === path.length - 1;
    if (Array.isArray(cur)) {
      const idx = /^[0-9]+$/.test(key) ? Number(key) : NaN;
      if (Number.isNaN(idx)) throw new BloblangError(`unable to set path segment '${key}' of an array`);
      if (last) {
        if (v === DELETE) cur.splice(idx, 1);
        else cur[idx] = v;
        break;
      }
      let next = ownedCopy(st, cur[idx]);
      if (next === undefined) {
        next = {};
        st.owned.add(next);
      }
      cur[idx] = next;
      cur = next;
      continue;
    }
    if (last) {
      if (v === DELETE) delete cur[key];
      else safeSet(cur, key, v);
      break;
    }
    const existing = Object.prototype.hasOwnProperty.call(cur, key) ? cur[key] : undefined;
    let next = ownedCopy(st, existing);
    if (next === undefined) {
      if (v === DELETE) break;
      next = {};
      st.owned.add(next);
    }
    safeSet(cur, key, next);
    cur = next;
  }
  return top;
}

// ---- equality ----

export function toNum(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

export function valuesEqual(a: Value, b: Value): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  const an = toNum(a);
  if (an !== undefined) {
    const bn = toNum(b);
    return bn !== undefined && (typeof a === 'bigint' && typeof b === 'bigint' ? a === b : an === bn);
  }
  if (typeof a === 'string' || a instanceof Uint8Array) {
    if (typeof b === 'string' || b instanceof Uint8Array) return asText(a) === asText(b);
    return false;
  }
  if (a instanceof Timestamp) return b instanceof Timestamp && a.epochNs === b.epochNs;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    for (const k of ak) {
      if (!Object.prototype.hasOwnProperty.call(b, k) || !valuesEqual(a[k], b[k])) return false;
    }
    return true;
  }
  return false;
}

function asText(v: string | Uint8Array): string {
  return typeof v === 'string' ? v : Buffer.from(v).toString('utf8');
}

// ---- errors ----

/** An error already prefixed with the annotation of the query that produced it. */
export class AnnotatedError extends BloblangError {}

/** `cannot add types string (from field \`this.a\`) and number (from number literal)` */
export class TypeMismatchError extends BloblangError {}

export function annotate(err: unknown, annotation: string): Error {
  if (err instanceof AnnotatedError || err instanceof TypeMismatchError) return err;
  if (err instanceof ValueTypeError) return err.withFrom(annotation);
  if (err instanceof BloblangError) {
    const e = new AnnotatedError(`${annotation}: ${err.message}`);
    return e;
  }
  if (err instanceof RangeError && /call stack/i.test(err.message)) {
    return new AnnotatedError(`${annotation}: maximum recursion depth exceeded`);
  }
  if (err instanceof Error) return new AnnotatedError(`${annotation}: ${err.message}`);
  return new AnnotatedError(`${annotation}: ${String(err)}`);
}

export function mismatch(op: string, lAnn: string, rAnn: string, l: Value, r: Value): TypeMismatchError {
  return new TypeMismatchError(`cannot ${op} types ${typeName(l)} (from ${lAnn}) and ${typeName(r)} (from ${rAnn})`);
}

/** Benthos's type error for `!`, `&&`, `||` and conditions: not attributed to a query. */
export function boolTypeError(v: Value): BloblangError {
  return typeError('bool', v);
}

export function isSentinel(v: Value): boolean {
  return v === DELETE || v === NOTHING;
}
