/**
 * Coercion of method targets to timestamps (Benthos's IGetTimestamp): timestamps as they are,
 * numbers as unix seconds (fractions give sub-second precision, in the local zone), strings and
 * bytes as RFC 3339 with optional nanoseconds.
 */
import { BloblangError, Timestamp, typeError, type Value } from '../value.js';
import { compileLayout, formatLayout, parseLayout } from './timestamps_golayout.js';
import { LOCAL_ZONE } from './timestamps_zone.js';

export const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00';
const RFC3339_NANO_TOKENS = compileLayout(RFC3339_NANO);

const NS = 1_000_000_000n;

export function formatRfc3339Nano(t: Timestamp): string {
  return formatLayout(t, RFC3339_NANO_TOKENS);
}

export function parseRfc3339Nano(s: string): Timestamp {
  return parseLayout(RFC3339_NANO, RFC3339_NANO_TOKENS, s);
}

/** Unix seconds (possibly fractional) to a timestamp, as Go's time.Unix(int, frac*1e9). */
export function fromUnixSeconds(n: number | bigint): Timestamp {
  if (typeof n === 'bigint') return new Timestamp(n * NS, LOCAL_ZONE);
  if (!Number.isFinite(n)) throw new BloblangError(`cannot convert ${n} to a timestamp`);
  const whole = Math.trunc(n);
  const frac = Math.trunc((n - whole) * 1e9);
  return new Timestamp(BigInt(whole) * NS + BigInt(frac), LOCAL_ZONE);
}

export function toTimestamp(v: Value): Timestamp {
  if (v instanceof Timestamp) return v;
  if (typeof v === 'number' || typeof v === 'bigint') return fromUnixSeconds(v);
  if (typeof v === 'string') return parseRfc3339Nano(v);
  if (v instanceof Uint8Array) return parseRfc3339Nano(Buffer.from(v).toString('utf8'));
  throw typeError('number or string', v);
}

/** An int64 result as a Value: a number when exactly representable, otherwise a bigint. */
export function intValue(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
