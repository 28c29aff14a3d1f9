/**
 * Conversions between Bloblang values as Benthos (Go) performs them: `IToString`, `IToBytes`,
 * Go's shortest float formatting, Go's `encoding/json` marshalling (sorted keys, HTML-safe
 * escapes), and reading strings/bytes/numbers out of values. Shared by the string, number,
 * coercion and encoding methods.
 */
import { BloblangError, Timestamp, isObject, typeError, type Value } from '../value.js';

const utf8Encoder = new TextEncoder();

/** UTF-8 bytes of a JS string. */
export function utf8Bytes(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** A JS string from UTF-8 bytes (invalid sequences become U+FFFD). */
export function utf8String(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

/** A Buffer view on the same memory (no copy), to use Buffer's helpers on any Uint8Array. */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Go's strconv.FormatFloat(f, 'g', -1, 64): the shortest round-trip digits, in exponent form
 * when the decimal exponent is < -4 or >= 6 (Go decides with precision 6 in shortest mode),
 * hence `1e+06`, `1.2345675e+06`, `1e-05` and `0.0001`.
 */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const sign = f < 0 ? '-' : '';
  // JS's exponential form gives the same shortest round-trip digits as Go's shortest mode.
  const [mant, expStr] = Math.abs(f).toExponential().split('e');
  const digits = mant.replace('.', '');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp);
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Integral values within int64 range are Benthos integers and print in full; others as Go floats. */
export function formatNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return Object.is(n, -0) ? '0' : BigInt(n).toString();
  return formatGoFloat(n);
}

/** Escape a string the way Go's encoding/json does (HTML-safe: <, >, & as \u00XX). */
export function goJsonString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      switch (c) {
        case 0x22: rep = '\\"'; break;
        case 0x5c: rep = '\\\\'; break;
        case 0x0a: rep = '\\n'; break;
        case 0x0d: rep = '\\r'; break;
        case 0x09: rep = '\\t'; break;
        case 0x08: rep = '\\b'; break;
        case 0x0c: rep = '\\f'; break;
        default: rep = `\\u${c.toString(16).padStart(4, '0')}`;
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Lone surrogates are invalid UTF-8 in Go and become U+FFFD.
      const isPair = c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      if (isPair) { i++; continue; }
      rep = '\ufffd';
    }
    if (rep !== undefined) {
      out += s.slice(start, i) + rep;
      start = i + 1;
    }
  }
  return `${out}${s.slice(start)}"`;
}

/**
 * Go's json.Marshal of a Bloblang value: object keys sorted, bytes as base64, timestamps as
 * RFC 3339, floats in Go's JSON number form (which matches JS's for finite numbers).
 * Non-finite floats cannot be marshalled; Benthos's fallback then yields `null`.
 */
export function goJsonMarshal(v: Value): string {
  try {
    return marshal(v);
  } catch {
    return 'null';
  }
}

function marshal(v: Value): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return goJsonString(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      if (!Number.isFinite(v)) throw new Error('unsupported value');
      return Object.is(v, -0) ? '-0' : String(v);
  }
  if (v instanceof Uint8Array) return `"${asBuffer(v).toString('base64')}"`;
  if (v instanceof Timestamp) return goJsonString(v.toJSON());
  if (Array.isArray(v)) return `[${v.map(marshal).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v).sort(compareUtf8);
    return `{${keys.map((k) => `${goJsonString(k)}:${marshal(v[k])}`).join(',')}}`;
  }
  return 'null';
}

/** Go sorts map keys by byte order; for UTF-16 strings code point order gives the same. */
function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const ca = [...a];
  const cb = [...b];
  const n = Math.min(ca.length, cb.length);
  for (let i = 0; i < n; i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** Benthos's IToString: any value as text (structured values as JSON). */
export function valueToString(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return utf8String(v);
  if (typeof v === 'number' || typeof v === 'bigint') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Timestamp) return v.toJSON();
  if (v === null || v === undefined) return 'null';
  return goJsonMarshal(v);
}

/** Benthos's IToBytes. */
export function valueToBytes(v: Value): Uint8Array {
  if (v instanceof Uint8Array) return v;
  return utf8Bytes(valueToString(v));
}

/** A string or bytes target as text; anything else is a type error (`expected string value`). */
export function requireText(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return utf8String(v);
  throw typeError('string', v);
}

/** A string or bytes target as bytes. */
export function requireBytes(v: Value): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return utf8Bytes(v);
  throw typeError('string', v);
}

/** Benthos's IGetString for arguments: strings, bytes and timestamps are text. */
export function argText(v: Value, what: string): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return utf8String(v);
  if (v instanceof Timestamp) return v.toJSON();
  throw new BloblangError(`${what}: ${typeError('string', v).message}`);
}

/** Benthos's IGetNumber: a number (int or float) as float64, else `expected number value`. */
export function requireNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw typeError('number', v);
}

/** A JS integer, or a bigint when it does not fit exactly in a double. */
export function intResult(n: bigint): number | bigint {
  return n >= -(2n ** 53n) && n <= 2n ** 53n ? Number(n) : n;
}
