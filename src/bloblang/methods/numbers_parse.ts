/**
 * Go's strconv.ParseInt / ParseUint (base 0: `0x`, `0o`, `0b`, leading-zero octal, `_`
 * separators) and strconv.ParseFloat, with Go's error texts, for the number coercions.
 */
import { BloblangError } from '../value.js';
import { goQuote } from './strings_quote.js';

function numError(fn: string, s: string, what: 'invalid syntax' | 'value out of range'): BloblangError {
  return new BloblangError(`strconv.${fn}: parsing ${goQuote(s)}: ${what}`);
}

/** Go's underscoreOK: `_` only between digits and only after a base prefix. */
function underscoresOk(s: string): boolean {
  let i = 0;
  if (s[0] === '+' || s[0] === '-') i++;
  const hasPrefix = s.length - i >= 2 && s[i] === '0' && /[xXoObB]/.test(s[i + 1]);
  if (!hasPrefix) return !s.includes('_');
  // After the prefix, underscores must sit between digits (or right after the prefix).
  const body = s.slice(i + 2);
  return !/__|_$/.test(body) && !body.startsWith('__');
}

/** Parse an unsigned magnitude in Go base-0 syntax; undefined on bad syntax. */
function parseMagnitude(s: string): bigint | undefined {
  if (s === '') return undefined;
  let base = 10;
  let digits = s;
  if (s.length >= 2 && s[0] === '0') {
    const p = s[1].toLowerCase();
    if (p === 'x') { base = 16; digits = s.slice(2); }
    else if (p === 'o') { base = 8; digits = s.slice(2); }
    else if (p === 'b') { base = 2; digits = s.slice(2); }
    else { base = 8; digits = s.slice(1); }
  }
  digits = digits.replace(/_/g, '');
  if (digits === '') return undefined;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) return undefined;
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  return BigInt(prefix + digits);
}

/** strconv.ParseInt(s, 0, bits). */
export function parseGoInt(s: string, bits = 64): bigint {
  let body = s;
  let neg = false;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  if (!underscoresOk(s)) throw numError('ParseInt', s, 'invalid syntax');
  const mag = parseMagnitude(body);
  if (mag === undefined) throw numError('ParseInt', s, 'invalid syntax');
  const v = neg ? -mag : mag;
  const limit = 1n << BigInt(bits - 1);
  if (v >= limit || v < -limit) throw numError('ParseInt', s, 'value out of range');
  return v;
}

/** strconv.ParseUint(s, 0, bits): no sign allowed. */
export function parseGoUint(s: string, bits = 64): bigint {
  if (!underscoresOk(s) || s[0] === '+' || s[0] === '-') throw numError('ParseUint', s, 'invalid syntax');
  const mag = parseMagnitude(s);
  if (mag === undefined) throw numError('ParseUint', s, 'invalid syntax');
  if (mag >= 1n << BigInt(bits)) throw numError('ParseUint', s, 'value out of range');
  return mag;
}

const decimalFloat = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const hexFloat = /^([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+))[pP]([+-]?\d+)$/;
const specialFloat = /^([+-]?)(inf|infinity|nan)$/i;
const maxFloat32 = 3.4028234663852886e38;

/** strconv.ParseFloat(s, bitSize), returning a float64 (rounded to float32 for bitSize 32). */
export function parseGoFloat(s: string, bitSize: 32 | 64 = 64): number {
  let v: number;
  const special = specialFloat.exec(s);
  if (special) {
    if (special[2].toLowerCase() === 'nan') {
      if (special[1] !== '') throw numError('ParseFloat', s, 'invalid syntax');
      return NaN;
    }
    return special[1] === '-' ? -Infinity : Infinity;
  }
  const hasPrefix = /^[+-]?0[xXbBoO]/.test(s);
  if (s.includes('_') && (!hasPrefix || !underscoresOk(s))) throw numError('ParseFloat', s, 'invalid syntax');
  const clean = s.replace(/_/g, '');
  const hx = hexFloat.exec(clean);
  if (hx) {
    const [intPart, fracPart = ''] = hx[2].split('.');
    const mant = BigInt(`0x${intPart || '0'}${fracPart}`);
    v = Number(mant) * 2 ** (Number(hx[3]) - 4 * fracPart.length);
    if (hx[1] === '-') v = -v;
  } else if (decimalFloat.test(clean)) {
    v = Number(clean);
  } else {
    throw numError('ParseFloat', s, 'invalid syntax');
  }
  if (bitSize === 32) {
    const f = Math.fround(v);
    if (!Number.isFinite(f) && Number.isFinite(v)) throw numError('ParseFloat', s, 'value out of range');
    if (Math.abs(v) > maxFloat32 && Number.isFinite(v) && !Number.isFinite(f)) {
      throw numError('ParseFloat', s, 'value out of range');
    }
    return f;
  }
  if (!Number.isFinite(v)) throw numError('ParseFloat', s, 'value out of range');
  return v;
}

/**
 * The float64 whose shortest decimal form equals the shortest form of a float32 value, so
 * that a float32 prints as Go prints it (6.674283e-11, not 6.674282819622222e-11).
 */
export function float32Shortest(f: number): number {
  const single = Math.fround(f);
  if (!Number.isFinite(single) || single === 0) return single;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(single.toPrecision(p));
    if (Math.fround(candidate) === single) return candidate;
  }
  return single;
}
