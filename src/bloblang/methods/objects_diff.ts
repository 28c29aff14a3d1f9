/**
 * `diff` / `patch`: a changelog in the shape of github.com/r3labs/diff (which Bento wraps):
 * `[{"type":"create"|"update"|"delete","path":["a","0"],"from":x,"to":y}]`.
 * Objects are compared key by key and arrays index by index (best effort: r3labs matches
 * slice elements irrespective of position, which this does not reproduce).
 */
import { BloblangError, DELETE, isObject, type Value } from '../value.js';
import { hasKey, setPath, valuesEqual } from './objects_util.js';

type Change = { type: string; path: string[]; from: Value; to: Value };

function walk(a: Value, b: Value, path: string[], out: Change[]): void {
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a).sort()) {
      if (!hasKey(b, k)) out.push({ type: 'delete', path: [...path, k], from: a[k], to: null });
      else walk(a[k], b[k], [...path, k], out);
    }
    for (const k of Object.keys(b).sort()) {
      if (!hasKey(a, k)) out.push({ type: 'create', path: [...path, k], from: null, to: b[k] });
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      if (i >= b.length) out.push({ type: 'delete', path: [...path, String(i)], from: a[i], to: null });
      else if (i >= a.length) out.push({ type: 'create', path: [...path, String(i)], from: null, to: b[i] });
      else walk(a[i], b[i], [...path, String(i)], out);
    }
    return;
  }
  if (!valuesEqual(a, b)) out.push({ type: 'update', path, from: a, to: b });
}

export function diffValues(a: Value, b: Value): Value {
  const out: Change[] = [];
  walk(a, b, [], out);
  return out;
}

export function applyChangelog(target: Value, changelog: Value): Value {
  if (!Array.isArray(changelog)) throw new BloblangError('expected array value for changelog');
  let result = target;
  for (const c of changelog) {
    if (!isObject(c) || !Array.isArray(c.path)) throw new BloblangError('invalid changelog entry');
    const path = c.path.map((s) => String(s));
    if (c.type === 'delete') {
      if (path.length === 0) result = null;
      else if (Array.isArray(result) || isObject(result)) result = setPath(result, path, DELETE);
    } else if (c.type === 'create' || c.type === 'update') {
      result = setPath(result, path, c.to);
    } else {
      throw new BloblangError(`unknown change type: ${String(c.type)}`);
    }
  }
  return result;
}
