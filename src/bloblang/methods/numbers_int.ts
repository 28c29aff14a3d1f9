/**
 * Benthos's integer casts (IToInt, IToUint and their 8/16/32-bit narrowings) with Benthos's
 * error texts. Integral JS numbers count as int64 values, fractional ones as float64.
 */
import { BloblangError, typeError, type Value } from '../value.js';
import { utf8String } from './coercion_values.js';
import { parseGoInt, parseGoUint } from './numbers_parse.js';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

const roundHint = 'if you intend to round the value then call `.round()` explicitly before this cast';

/** IToInt: a value as an int64 (bigint). */
export function toInt64(v: Value): bigint {
  if (typeof v === 'bigint') {
    if (v > INT64_MAX) throw new BloblangError('unsigned integer value is too large to be cast as a signed integer');
    if (v < INT64_MIN) throw new BloblangError('float value is too small to be cast as a signed integer');
    return v;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      throw new BloblangError(Number.isNaN(v) ? 'cannot convert NAN to an integer' : 'cannot convert +/-INF to an integer');
    }
    if (v >= 2 ** 63) throw new BloblangError('float value is too large to be cast as a signed integer');
    if (v < -(2 ** 63)) throw new BloblangError('float value is too small to be cast as a signed integer');
    if (!Number.isInteger(v)) {
      throw new BloblangError(`float value contains decimals and therefore cannot be cast as a signed integer, ${roundHint}`);
    }
    return BigInt(v);
  }
  if (typeof v === 'string') return parseGoInt(v, 64);
  if (v instanceof Uint8Array) return parseGoInt(utf8String(v), 64);
  throw typeError('number', v);
}

/** IToUint: a value as a uint64 (bigint). */
export function toUint64(v: Value): bigint {
  if (typeof v === 'bigint') {
    if (v < 0n) throw new BloblangError('signed integer value is negative and cannot be cast as an unsigned integer');
    if (v > UINT64_MAX) throw new BloblangError('float value is too large to be cast as an unsigned integer');
    return v;
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v < 0) {
      throw new BloblangError('signed integer value is negative and cannot be cast as an unsigned integer');
    }
    if (v < 0) throw new BloblangError('float value is negative and cannot be cast as an unsigned integer');
    if (Number.isNaN(v)) throw new BloblangError('cannot convert NAN to an unsigned integer');
    if (v === Infinity) throw new BloblangError('cannot convert +/-INF to an unsigned integer');
    if (v >= 2 ** 64) throw new BloblangError('float value is too large to be cast as an unsigned integer');
    if (!Number.isInteger(v)) {
      throw new BloblangError(`float value contains decimals and therefore cannot be cast as an unsigned integer, ${roundHint}`);
    }
    return BigInt(v);
  }
  if (typeof v === 'string') return parseGoUint(v, 64);
  if (v instanceof Uint8Array) return parseGoUint(utf8String(v), 64);
  throw typeError('number', v);
}

const article = (bits: number): string => (bits === 8 ? 'an' : 'a');

/** IToInt8/16/32. */
export function toSignedBits(v: Value, bits: 8 | 16 | 32 | 64): bigint {
  const i = toInt64(v);
  if (bits === 64) return i;
  const limit = 1n << BigInt(bits - 1);
  if (i >= limit) throw new BloblangError(`value is too large to be cast as ${article(bits)} ${bits}-bit signed integer`);
  if (i < -limit) throw new BloblangError(`value is too small to be cast as ${article(bits)} ${bits}-bit signed integer`);
  return i;
}

/** IToUint8/16/32. */
export function toUnsignedBits(v: Value, bits: 8 | 16 | 32 | 64): bigint {
  const u = toUint64(v);
  if (bits === 64) return u;
  if (u >= 1n << BigInt(bits)) {
    throw new BloblangError(`value is too large to be cast as ${article(bits)} ${bits}-bit unsigned integer`);
  }
  return u;
}

/** IGetInt: numbers only, floats truncated toward zero (Go's int64(f) conversion). */
export function getInt64(v: Value): bigint {
  if (typeof v === 'bigint') return BigInt.asIntN(64, v);
  if (typeof v === 'number' && Number.isFinite(v)) {
    const t = Math.trunc(v);
    if (t >= 2 ** 63 || t < -(2 ** 63)) return INT64_MIN; // Go's out-of-range conversion result on amd64
    return BigInt(t);
  }
  throw typeError('integer', v);
}
