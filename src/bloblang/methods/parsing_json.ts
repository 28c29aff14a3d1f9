/**
 * JSON as Go's encoding/json writes and reads it, for format_json / parse_json:
 * object keys sorted, `<`, `>`, `&` escaped as \u003c... unless escape_html is off, U+2028 and
 * U+2029 always escaped, bytes as base64, timestamps as RFC 3339. The reader can keep integers
 * beyond 2^53 exact (as bigint) for `use_number`.
 */
import { BloblangError, DELETE, NOTHING, Timestamp, isObject, type Value } from '../value.js';
import { putKey } from './objects_util.js';
import { parseJson } from '../../core/json.js';

const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026' };

function quote(s: string, escapeHtml: boolean): string {
  let out = JSON.stringify(s);
  out = out.replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'));
  if (escapeHtml) out = out.replace(/[<>&]/g, (c) => HTML_ESCAPES[c]!);
  return out;
}

function formatNumber(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toString();
  if (!Number.isFinite(n)) throw new BloblangError(`json: unsupported value: ${Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'}`);
  // JS and Go agree on when to switch to exponent form (1e21, 1e-6) and on its shape.
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Serialise like Go's json.Encoder with SetIndent("", indent) (or compact when indent is null). */
export function formatGoJson(v: Value, indent: string | null, escapeHtml: boolean): string {
  const nl = indent === null ? '' : '\n';
  const write = (x: Value, depth: number): string => {
    if (x === null || x === undefined || x === DELETE || x === NOTHING) return 'null';
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (typeof x === 'number' || typeof x === 'bigint') return formatNumber(x);
    if (typeof x === 'string') return quote(x, escapeHtml);
    if (x instanceof Uint8Array) return quote(Buffer.from(x).toString('base64'), escapeHtml);
    if (x instanceof Timestamp) return quote(x.toJSON(), escapeHtml);
    const pad = indent === null ? '' : indent.repeat(depth + 1);
    const closePad = indent === null ? '' : indent.repeat(depth);
    if (Array.isArray(x)) {
      if (x.length === 0) return '[]';
      return `[${nl}${x.map((e) => pad + write(e, depth + 1)).join(`,${nl}`)}${nl}${closePad}]`;
    }
    if (isObject(x)) {
      const keys = Object.keys(x).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (keys.length === 0) return '{}';
      const sep = indent === null ? ':' : ': ';
      return `{${nl}${keys.map((k) => `${pad}${quote(k, escapeHtml)}${sep}${write(x[k], depth + 1)}`).join(`,${nl}`)}${nl}${closePad}}`;
    }
    return 'null';
  };
  return write(v, 0);
}

/**
 * Parse the first JSON value of `text` (trailing data is ignored, as Go's json.Decoder does).
 * With `exactIntegers`, integers outside the safe range become bigints rather than losing
 * precision. `__proto__` keys are stored as plain data.
 */
export function parseGoJson(text: string, exactIntegers: boolean): Value {
  try {
    return parseJson(text, { exactIntegers }) as Value;
  } catch (e) {
    // Too deep is final: the reader below recurses and would only crash on it.
    if (/nested deeper than/.test((e as Error).message)) throw new BloblangError(`failed to parse value as JSON: ${(e as Error).message}`);
    // Otherwise fall through: Go's json.Decoder reads the first value and ignores what follows
    // it, and the hand-written reader below does the same.
  }
  let pos = 0;
  const fail = (msg: string): never => {
    throw new BloblangError(`failed to parse value as JSON: ${msg} at position ${pos}`);
  };
  const ws = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos]!)) pos++;
  };
  const value = (): Value => {
    ws();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const obj: Record<string, Value> = {};
      ws();
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[pos] !== '"') fail('expected string key');
        const k = str();
        ws();
        if (text[pos] !== ':') fail("expected ':'");
        pos++;
        putKey(obj, k, value());
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        fail("expected ',' or '}'");
      }
    }
    if (c === '[') {
      pos++;
      const arr: Value[] = [];
      ws();
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[pos] === ',') {
          pos++;
          continue;
        }
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        fail("expected ',' or ']'");
      }
    }
    if (c === '"') return str();
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(pos));
    if (m) {
      pos += m[0].length;
      if (!m[2] && !m[3]) {
        const n = Number(m[0]);
        return Number.isSafeInteger(n) || !exactIntegers ? n : BigInt(m[0]);
      }
      return Number(m[0]);
    }
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    return fail('unexpected character');
  };
  const str = (): string => {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/.exec(text.slice(pos));
    if (!m) return fail('invalid string');
    pos += m[0].length;
    return JSON.parse(m[0]) as string;
  };
  ws();
  if (pos >= text.length) fail('unexpected end of JSON input');
  return value();
}
