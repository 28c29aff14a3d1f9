/**
 * Structural JSON comparison for the `json_equals` / `json_contains` conditions: formatting and
 * key order never matter, numbers compare by value (so `1` equals `1.0`, and a bigint equals
 * the same integer written as a number).
 */

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numbersEqual(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === typeof b) return a === b;
  // Mixed bigint/number: equal only when the number is an integer of the same value.
  const n = typeof a === 'number' ? a : (b as number);
  const big = typeof a === 'bigint' ? a : (b as bigint);
  return Number.isInteger(n) && BigInt(n) === big;
}

function isNumber(v: unknown): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

/** Deep equality of two JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (isNumber(a) && isNumber(b)) return numbersEqual(a, b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return a === b;
}

/**
 * True when `actual` holds everything in `expected`: objects may have extra keys, arrays may be
 * longer (elements compare position by position), scalars must be equal.
 */
export function jsonContains(actual: unknown, expected: unknown): boolean {
  if (isNumber(actual) && isNumber(expected)) return numbersEqual(actual, expected);
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length >= expected.length && expected.every((x, i) => jsonContains(actual[i], x));
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return false;
    return Object.keys(expected).every((k) => Object.hasOwn(actual, k) && jsonContains(actual[k], expected[k]));
  }
  return actual === expected;
}
