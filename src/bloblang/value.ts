/**
 * Bloblang values as plain JavaScript data, so mapping results can be handed to a message
 * without conversion:
 *   null | boolean | number | bigint (integers beyond 2^53) | string | Uint8Array (bytes)
 *   | Value[] | plain object (prototype-free keys only) | Timestamp
 * plus two sentinels that only exist during execution: DELETE (`deleted()`) and NOTHING
 * (`nothing()`, "leave the target unchanged").
 */

export type Value = unknown;

/** A point in time with nanosecond precision, and the zone it is displayed in. */
export class Timestamp {
  /** Nanoseconds since the Unix epoch. */
  readonly epochNs: bigint;
  /** IANA zone name or fixed offset like "+02:00"; undefined means UTC. */
  readonly zone: string | undefined;
  constructor(epochNs: bigint, zone?: string) {
    this.epochNs = epochNs;
    this.zone = zone;
  }
  static fromMillis(ms: number, zone?: string): Timestamp {
    return new Timestamp(BigInt(Math.round(ms * 1e6)), zone);
  }
  get epochMs(): number {
    return Number(this.epochNs / 1_000_000n) + Number(this.epochNs % 1_000_000n) / 1e6;
  }
  /** RFC 3339 with nanoseconds when present, as Go marshals time.Time to JSON. */
  toJSON(): string {
    return timestampToRfc3339Nano(this);
  }
}

/** Formatting hook: the timestamp module installs the real zone-aware formatter at load time. */
export let timestampToRfc3339Nano = (t: Timestamp): string => {
  const ms = Number(t.epochNs / 1_000_000n);
  const iso = new Date(ms).toISOString();
  const ns = Number(((t.epochNs % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n);
  const frac = ns === 0 ? '' : `.${String(ns).padStart(9, '0').replace(/0+$/, '')}`;
  return `${iso.slice(0, 19)}${frac}Z`;
};

export function setTimestampFormatter(fn: (t: Timestamp) => string): void {
  timestampToRfc3339Nano = fn;
}

class Sentinel {
  constructor(readonly kind: 'delete' | 'nothing') {}
}
export const DELETE = new Sentinel('delete');
export const NOTHING = new Sentinel('nothing');
export type SentinelValue = Sentinel;

export function isObject(v: Value): v is Record<string, Value> {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Timestamp) &&
    !(v instanceof Sentinel)
  );
}

export function isNumber(v: Value): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

/** Benthos's type names, as `.type()` returns them and as error messages use them. */
export function typeName(v: Value): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Timestamp) return 'timestamp';
  if (v === DELETE) return 'delete';
  if (v === NOTHING) return 'nothing';
  return 'object';
}

/** An error raised while executing a mapping; the compiler adds context (field, line). */
export class BloblangError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BloblangError';
  }
}

/** A short rendering of a value for error messages, e.g. `number (5)` or `string ("foo")`. */
export function describeValue(v: Value): string {
  const t = typeName(v);
  if (t === 'null') return 'null';
  let shown: string;
  if (typeof v === 'string') shown = JSON.stringify(v);
  else if (v instanceof Uint8Array) shown = JSON.stringify(Buffer.from(v).toString('utf8'));
  else if (v instanceof Timestamp) shown = v.toJSON();
  else shown = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x)) ?? String(v);
  if (shown.length > 100) shown = `${shown.slice(0, 97)}...`;
  return `${t} (${shown})`;
}

/**
 * A value of the wrong type reached a function, method or operator. Kept structured so the
 * compiler can name the query it came from the way Benthos does:
 * `expected number value, got string from field \`this.a\` ("foo")`.
 */
export class ValueTypeError extends BloblangError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    /** The value as shown in the message: `"foo"` for strings, numbers and bools as is, else empty. */
    readonly shown: string,
    readonly from = '',
  ) {
    super(formatTypeError(expected, actual, shown, from));
    this.name = 'BloblangError';
  }
  /** The same error, attributed to the query that produced the value (kept if already set). */
  withFrom(from: string): ValueTypeError {
    if (this.from) return this;
    return new ValueTypeError(this.expected, this.actual, this.shown, from);
  }
}

function formatTypeError(expected: string, actual: string, shown: string, from: string): string {
  let s = `expected ${expected} value, got ${actual}`;
  if (from) s += ` from ${from}`;
  if (shown) s += ` (${shown})`;
  return s;
}

/** `expected number value, got string ("foo")` */
export function typeError(expected: string, got: Value): BloblangError {
  let shown = '';
  if (typeof got === 'string') shown = `"${got}"`;
  else if (typeof got === 'number' || typeof got === 'bigint' || typeof got === 'boolean') shown = String(got);
  return new ValueTypeError(expected, typeName(got), shown);
}
