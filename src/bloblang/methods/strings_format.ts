/**
 * Go's fmt.Sprintf for `format()`: verbs %v %s %d %f %e %g %t %q %x %X %o %O %b %c %U %T %%,
 * flags `+ - # 0 space`, width and precision (also `*`), explicit argument indexes `[n]`, and
 * Go's `%!verb(type=value)`, `%!v(MISSING)` and `%!(EXTRA ...)` markers.
 *
 * Bloblang values map to Go types the way Benthos hands them to fmt: integral numbers are
 * int64, other numbers float64, bytes []uint8, arrays []interface {}, objects
 * map[string]interface {} and null <nil>.
 */
import { Timestamp, isObject, type Value } from '../value.js';
import { formatGoFloat, utf8String } from './coercion_values.js';
import { goQuote, goQuoteBytes } from './strings_quote.js';

/** Go's fmt refuses widths and precisions above this (fmt.tooLarge). */
const MAX_WIDTH = 1_000_000;

interface Spec {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

type Kind = 'nil' | 'bool' | 'int' | 'float' | 'string' | 'bytes' | 'array' | 'map' | 'time';

function kindOf(v: Value): Kind {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? 'int' : 'float';
  if (typeof v === 'string') return 'string';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof Timestamp) return 'time';
  if (Array.isArray(v)) return 'array';
  return isObject(v) ? 'map' : 'nil';
}

function goTypeName(v: Value): string {
  switch (kindOf(v)) {
    case 'nil': return '<nil>';
    case 'bool': return 'bool';
    case 'int': return typeof v === 'bigint' && v > (1n << 63n) - 1n ? 'uint64' : 'int64';
    case 'float': return 'float64';
    case 'string': return 'string';
    case 'bytes': return '[]uint8';
    case 'time': return 'time.Time';
    case 'array': return '[]interface {}';
    case 'map': return 'map[string]interface {}';
  }
}

function asBigInt(v: Value): bigint {
  return typeof v === 'bigint' ? v : BigInt(v as number);
}

function pad(s: string, spec: Spec, zeroAllowed = true): string {
  if (spec.width === undefined || [...s].length >= spec.width) return s;
  const n = spec.width - [...s].length;
  if (spec.minus) return s + ' '.repeat(n);
  if (spec.zero && zeroAllowed) {
    const signLen = /^[+\- ]/.test(s) ? 1 : 0;
    return s.slice(0, signLen) + '0'.repeat(n) + s.slice(signLen);
  }
  return ' '.repeat(n) + s;
}

function signed(body: string, negative: boolean, spec: Spec): string {
  if (negative) return `-${body}`;
  if (spec.plus) return `+${body}`;
  if (spec.space) return ` ${body}`;
  return body;
}

function formatInteger(n: bigint, verb: string, spec: Spec): string {
  const neg = n < 0n;
  const mag = neg ? -n : n;
  let body: string;
  switch (verb) {
    case 'b': body = mag.toString(2); if (spec.sharp) body = `0b${body}`; break;
    case 'o': body = mag.toString(8); if (spec.sharp && body !== '0') body = `0${body}`; break;
    case 'O': body = `0o${mag.toString(8)}`; break;
    case 'x': body = mag.toString(16); if (spec.sharp) body = `0x${body}`; break;
    case 'X': body = mag.toString(16).toUpperCase(); if (spec.sharp) body = `0X${body}`; break;
    default: body = mag.toString(10);
  }
  if (spec.prec !== undefined) {
    const digits = body.replace(/^0[xXbo]/, '');
    const prefix = body.slice(0, body.length - digits.length);
    body = prefix + digits.padStart(spec.prec, '0');
    if (spec.prec === 0 && mag === 0n) body = '';
  }
  // Go ignores the 0 flag when a precision is given.
  return pad(signed(body, neg, spec), spec, spec.prec === undefined);
}

/** Go's %e mantissa/exponent layout: at least two exponent digits. */
function expForm(digits: string, exp: number, upper: boolean): string {
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${m}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
}

function formatFloat(f: number, verb: string, spec: Spec): string {
  const upper = verb === 'E' || verb === 'G' || verb === 'F';
  if (!Number.isFinite(f)) {
    const body = Number.isNaN(f) ? 'NaN' : 'Inf';
    const s = Number.isNaN(f) ? (spec.plus ? '+NaN' : spec.space ? ' NaN' : 'NaN') : signed(body, f < 0, spec);
    return pad(s, spec, false);
  }
  const neg = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  let body: string;
  switch (verb) {
    case 'e':
    case 'E': {
      const [mant, e] = a.toExponential(spec.prec ?? 6).split('e');
      body = expForm(mant.replace('.', ''), Number(e), upper);
      if ((spec.prec ?? 6) === 0) body = body.replace(/^(\d)/, spec.sharp ? '$1.' : '$1');
      break;
    }
    case 'f':
    case 'F':
      body = a.toFixed(spec.prec ?? 6);
      if (spec.sharp && !body.includes('.')) body += '.';
      break;
    default: {
      // %g / %v: shortest digits unless a precision is given.
      if (spec.prec === undefined) {
        body = formatGoFloat(a);
        if (upper) body = body.toUpperCase();
      } else {
        const p = spec.prec === 0 ? 1 : spec.prec;
        const [mant, e] = a.toExponential(p - 1).split('e');
        const digits = spec.sharp ? mant.replace('.', '') : mant.replace('.', '').replace(/0+$/, '') || '0';
        const exp = Number(e);
        let eprec = p;
        if (eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
        if (exp < -4 || exp >= eprec) body = expForm(digits, exp, upper);
        else if (exp < 0) body = `0.${'0'.repeat(-exp - 1)}${digits}`;
        else if (digits.length <= exp + 1) body = digits + '0'.repeat(exp + 1 - digits.length);
        else body = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
      }
    }
  }
  return pad(signed(body, neg, spec), spec);
}

function hexText(bytes: Uint8Array, spec: Spec, upper: boolean): string {
  const parts: string[] = [];
  for (const b of bytes) {
    let h = b.toString(16).padStart(2, '0');
    if (upper) h = h.toUpperCase();
    parts.push(h);
  }
  const prefix = spec.sharp ? (upper ? '0X' : '0x') : '';
  if (spec.space) return parts.map((p) => prefix + p).join(' ');
  return prefix + parts.join('');
}

const encoder = new TextEncoder();

function badVerb(verb: string, v: Value): string {
  if (v === null || v === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${goTypeName(v)}=${formatValue(v, 'v', plainSpec)})`;
}

const plainSpec: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false };

function timeString(t: Timestamp): string {
  const iso = t.toJSON();
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (!m) return iso;
  const offset = m[4] === 'Z' ? '+0000 UTC' : `${m[4].replace(':', '')} ${m[4].replace(':', '')}`;
  return `${m[1]} ${m[2]}${m[3] ?? ''} ${offset}`;
}

/** Format one value for one verb. */
function formatValue(v: Value, verb: string, spec: Spec): string {
  const kind = kindOf(v);
  if (verb === 'T') return pad(goTypeName(v), spec, false);
  if (verb === 'v' && spec.sharp) {
    // %#v: Go-syntax representation; approximate with Go literal forms for scalars.
    if (kind === 'string') return pad(goQuote(v as string), spec, false);
  }
  switch (kind) {
    case 'nil':
      return verb === 'v' ? pad('<nil>', spec, false) : badVerb(verb, v);
    case 'bool':
      return verb === 'v' || verb === 't' ? pad(v ? 'true' : 'false', spec, false) : badVerb(verb, v);
    case 'int': {
      const n = asBigInt(v);
      switch (verb) {
        case 'v': case 'd': case 'b': case 'o': case 'O': case 'x': case 'X':
          return formatInteger(n, verb, spec);
        case 'c':
          return pad(String.fromCodePoint(Number(n)), spec, false);
        case 'q':
          return pad(goQuote(String.fromCodePoint(Number(n)), "'"), spec, false);
        case 'U': {
          let s = `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;
          if (spec.sharp) s += ` '${String.fromCodePoint(Number(n))}'`;
          return pad(s, spec, false);
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
          // Bloblang cannot tell 0.0 from 0; treat integral numbers as floats for float verbs.
          return formatFloat(Number(n), verb, spec);
        default:
          return badVerb(verb, v);
      }
    }
    case 'float': {
      const f = v as number;
      switch (verb) {
        case 'v': case 'e': case 'E': case 'f': case 'F': case 'g': case 'G':
          return formatFloat(f, verb, spec);
        default:
          return badVerb(verb, v);
      }
    }
    case 'string':
    case 'bytes': {
      const text = kind === 'string' ? (v as string) : utf8String(v as Uint8Array);
      switch (verb) {
        case 's':
        case 'v': {
          if (kind === 'bytes' && verb === 'v') {
            return pad(`[${[...(v as Uint8Array)].join(' ')}]`, spec, false);
          }
          let s = text;
          if (spec.prec !== undefined) s = [...s].slice(0, spec.prec).join('');
          return pad(s, spec, false);
        }
        case 'q':
          return pad(kind === 'bytes' ? goQuoteBytes(v as Uint8Array) : goQuote(text), spec, false);
        case 'x':
        case 'X': {
          let bytes = kind === 'bytes' ? (v as Uint8Array) : encoder.encode(text);
          if (spec.prec !== undefined) bytes = bytes.subarray(0, spec.prec);
          return pad(hexText(bytes, spec, verb === 'X'), spec, false);
        }
        default:
          return badVerb(verb, v);
      }
    }
    case 'time':
      return verb === 'v' || verb === 's' ? pad(timeString(v as Timestamp), spec, false) : badVerb(verb, v);
    case 'array': {
      const inner = (v as Value[]).map((item) => formatValue(item, verb, { ...spec, width: undefined }));
      return pad(`[${inner.join(' ')}]`, spec, false);
    }
    case 'map': {
      const obj = v as Record<string, Value>;
      const keys = Object.keys(obj).sort();
      const inner = keys.map((k) => `${formatValue(k, verb, { ...spec, width: undefined })}:${formatValue(obj[k], verb, { ...spec, width: undefined })}`);
      return pad(`map[${inner.join(' ')}]`, spec, false);
    }
  }
}

/** fmt.Sprintf(format, ...args). */
export function goSprintf(format: string, args: readonly Value[]): string {
  let out = '';
  let argIndex = 0;
  let reordered = false;
  const used = new Set<number>();
  let i = 0;
  const n = format.length;

  const readArgIndex = (): boolean => {
    // [n] selects argument n (1-based) for the next verb, width or precision.
    if (format[i] !== '[') return true;
    const close = format.indexOf(']', i);
    const num = close > i ? Number(format.slice(i + 1, close)) : NaN;
    if (!Number.isInteger(num) || num < 1) return false;
    argIndex = num - 1;
    reordered = true;
    i = close + 1;
    return true;
  };

  while (i < n) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { plus: false, minus: false, sharp: false, space: false, zero: false };
    flags: while (i < n) {
      switch (format[i]) {
        case '+': spec.plus = true; break;
        case '-': spec.minus = true; spec.zero = false; break;
        case '#': spec.sharp = true; break;
        case ' ': spec.space = true; break;
        case '0': spec.zero = !spec.minus; break;
        default: break flags;
      }
      i++;
    }
    let badIndex = !readArgIndex();
    if (format[i] === '*') {
      i++;
      const w = args[argIndex];
      used.add(argIndex);
      argIndex++;
      if (typeof w === 'number' && Number.isInteger(w) && Math.abs(w) <= MAX_WIDTH) {
        spec.width = Math.abs(w);
        if (w < 0) { spec.minus = true; spec.zero = false; }
      } else {
        out += '%!(BADWIDTH)';
      }
    } else {
      const m = /^\d+/.exec(format.slice(i));
      // Go's fmt gives up on a width over 1e6 and reads no verb: nothing that size is built.
      if (m && Number(m[0]) > MAX_WIDTH) i = n;
      else if (m) { spec.width = Number(m[0]); i += m[0].length; }
    }
    if (format[i] === '.') {
      i++;
      badIndex = badIndex || !readArgIndex();
      if (format[i] === '*') {
        i++;
        const p = args[argIndex];
        used.add(argIndex);
        argIndex++;
        if (typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= MAX_WIDTH) spec.prec = p;
        else out += '%!(BADPREC)';
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
        if (spec.prec > MAX_WIDTH) {
          spec.prec = undefined;
          i = n;
        }
      }
    }
    badIndex = badIndex || !readArgIndex();
    if (i >= n) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (badIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argIndex >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const arg = args[argIndex];
    used.add(argIndex);
    argIndex++;
    out += formatValue(arg, verb, spec);
  }
  if (!reordered && argIndex < args.length) {
    const extra = args.slice(argIndex).map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatValue(a, 'v', plainSpec)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
