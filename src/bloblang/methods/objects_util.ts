/**
 * Helpers shared by the object and array methods: safe key writes (no prototype pollution),
 * Benthos-style value comparison, deep clone, and dot paths (`a.b.0.c`, `~1` for a literal dot).
 */
import { DELETE, NOTHING, Timestamp, isObject, type Value } from '../value.js';

type Obj = Record<string, Value>;

/**
 * Write `key` on `obj` as plain data. `__proto__` would otherwise hit the Object.prototype
 * setter (and change the prototype instead of storing a field), so it is defined explicitly.
 */
export function putKey(obj: Obj, key: string, value: Value): void {
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** Own-property lookup: inherited names such as `constructor` are not fields. */
export function hasKey(obj: Obj, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

export function getKey(obj: Obj, key: string): Value {
  return hasKey(obj, key) ? obj[key] : undefined;
}

/** Deep copy of arrays and objects; leaves scalars, bytes and timestamps shared (immutable). */
export function cloneValue(v: Value): Value {
  if (Array.isArray(v)) return v.map(cloneValue);
  if (isObject(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v)) putKey(out, k, cloneValue(v[k]));
    return out;
  }
  return v;
}

function asComparableString(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  if (v instanceof Timestamp) return v.toJSON();
  return undefined;
}

function asNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/**
 * Benthos's ICompare: equal when both are strings/bytes with the same text, both numbers with
 * the same value (int or float alike), both bools, or arrays/objects whose members compare
 * equal this same way. Null only equals null.
 */
export function valuesEqual(left: Value, right: Value): boolean {
  if ((left === null || left === undefined) && (right === null || right === undefined)) return true;
  if (typeof left === 'bigint' && typeof right === 'bigint') return left === right;
  const ls = asComparableString(left);
  if (ls !== undefined) return ls === asComparableString(right);
  const ln = asNumber(left);
  if (ln !== undefined) {
    const rn = asNumber(right);
    return rn !== undefined && ln === rn;
  }
  if (typeof left === 'boolean') {
    if (typeof right === 'boolean') return left === right;
    const rn = asNumber(right);
    return rn !== undefined && left === (rn !== 0);
  }
  if (Array.isArray(left)) {
    if (!Array.isArray(right) || right.length !== left.length) return false;
    for (let i = 0; i < left.length; i++) if (!valuesEqual(left[i], right[i])) return false;
    return true;
  }
  if (isObject(left)) {
    if (!isObject(right)) return false;
    const lk = Object.keys(left);
    if (lk.length !== Object.keys(right).length) return false;
    for (const k of lk) if (!valuesEqual(left[k], getKey(right, k))) return false;
    return true;
  }
  return false;
}

/** gabs.DotPathToSlice: split on `.`, then `~1` means a literal `.` and `~0` a literal `~`. */
export function dotPathToSlice(path: string): string[] {
  return path.split('.').map((p) => p.replaceAll('~1', '.').replaceAll('~0', '~'));
}

/** Array index segment as gabs accepts it (a plain non-negative integer). */
function arrayIndex(seg: string, length: number): number | undefined {
  if (!/^\d+$/.test(seg)) return undefined;
  const i = Number(seg);
  return i < length ? i : undefined;
}

/**
 * gabs Search: walk objects by key and arrays by index; at an array `*` collects the rest of
 * the path from every element. Undefined when the path is absent.
 */
export function searchPath(root: Value, path: readonly string[]): Value | undefined {
  let cur: Value = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isObject(cur)) {
      if (!hasKey(cur, seg)) return undefined;
      cur = cur[seg];
    } else if (Array.isArray(cur)) {
      if (seg === '*') {
        const rest = path.slice(i + 1);
        const found: Value[] = [];
        for (const e of cur) {
          const r = searchPath(e, rest);
          if (r !== undefined) found.push(r);
        }
        return found.length === 0 ? undefined : found;
      }
      const idx = arrayIndex(seg, cur.length);
      if (idx === undefined) return undefined;
      cur = cur[idx];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** True when every segment of the path resolves (a null leaf still exists). */
export function pathExists(root: Value, path: readonly string[]): boolean {
  return searchPath(root, path) !== undefined;
}

/**
 * Set `value` at `path` inside `root`, copying every container on the way so the input is
 * never mutated. Missing or non-object intermediates become objects; array segments must be
 * existing indexes. DELETE removes the field. Returns the new root.
 */
export function setPath(root: Value, path: readonly string[], value: Value): Value {
  if (path.length === 0) return value;
  const [seg, ...rest] = path as [string, ...string[]];
  if (Array.isArray(root)) {
    if (seg === '-') {
      // Field paths use `-` to append a new element.
      if (value === DELETE) return root;
      return [...root, setPath(rest.length === 0 ? undefined : {}, rest, value)];
    }
    const i = arrayIndex(seg, root.length);
    if (i !== undefined) {
      const copy = root.slice();
      if (rest.length === 0 && value === DELETE) copy.splice(i, 1);
      else copy[i] = setPath(copy[i], rest, value);
      return copy;
    }
    if (rest.length === 0 && value === DELETE) return root;
    // Not an index: gabs replaces the array by an object holding the new field.
    return setPath({}, path, value);
  }
  const base: Obj = {};
  if (isObject(root)) for (const k of Object.keys(root)) putKey(base, k, root[k]);
  if (rest.length === 0) {
    if (value === DELETE) delete base[seg];
    else if (value !== NOTHING) putKey(base, seg, value);
    return base;
  }
  if (value === DELETE && !hasKey(base, seg)) return base;
  putKey(base, seg, setPath(getKey(base, seg), rest, value));
  return base;
}

/** Benthos mapWithout: copy of `m` without the given paths (missing paths ignored). */
export function mapWithout(m: Obj, paths: readonly (readonly string[])[]): Obj {
  const out: Obj = {};
  for (const k of Object.keys(m)) {
    let excluded = false;
    const nested: string[][] = [];
    for (const p of paths) {
      if (p[0] !== k) continue;
      if (p.length > 1) nested.push(p.slice(1));
      else excluded = true;
    }
    if (excluded) continue;
    const v = m[k];
    putKey(out, k, nested.length > 0 && isObject(v) ? mapWithout(v, nested) : v);
  }
  return out;
}

/** Benthos mapWith: copy of `m` keeping only the given paths. */
export function mapWith(m: Obj, paths: readonly (readonly string[])[]): Obj {
  const out: Obj = {};
  for (const k of Object.keys(m)) {
    let included = false;
    const nested: string[][] = [];
    for (const p of paths) {
      if (p[0] !== k) continue;
      included = true;
      if (p.length > 1) nested.push(p.slice(1));
    }
    if (!included) continue;
    const v = m[k];
    putKey(out, k, nested.length > 0 && isObject(v) ? mapWith(v, nested) : v);
  }
  return out;
}

/**
 * gabs Merge semantics (used by `merge` and `squash`): objects merge recursively; on a
 * collision of non-objects the destination becomes an array holding both values, with arrays
 * on either side flattened into it.
 */
export function mergeInto(dst: Obj, src: Value, collide: (a: Value, b: Value) => Value): void {
  if (!isObject(src)) return;
  for (const k of Object.keys(src)) {
    const sv = src[k];
    if (!hasKey(dst, k)) {
      putKey(dst, k, cloneValue(sv));
      continue;
    }
    const dv = dst[k];
    if (isObject(dv) && isObject(sv)) {
      const copy: Obj = {};
      for (const dk of Object.keys(dv)) putKey(copy, dk, dv[dk]);
      mergeInto(copy, sv, collide);
      putKey(dst, k, copy);
    } else {
      putKey(dst, k, collide(dv, cloneValue(sv)));
    }
  }
}

/** Collision rule of `merge`: both values end up in one array. */
export function collideIntoArray(dst: Value, src: Value): Value {
  const out: Value[] = Array.isArray(dst) ? dst.slice() : [dst];
  if (Array.isArray(src)) out.push(...src);
  else out.push(src);
  return out;
}

/** Collision rule of `assign`: the source wins. */
export function collideOverwrite(_dst: Value, src: Value): Value {
  return src;
}
