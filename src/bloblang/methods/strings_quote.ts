/**
 * Go's strconv.Quote and strconv.Unquote, used by `quote()`, `unquote()`, `%q` in `format()`
 * and in Go-style error messages (`parsing "abc": invalid syntax`).
 */
import { BloblangError } from '../value.js';
import { utf8Bytes, utf8String } from './coercion_values.js';

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isGoPrintable(ch: string): boolean {
  return printable.test(ch);
}

const simpleEscapes: Record<string, string> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** strconv.Quote (quote = '"') or QuoteRune-style quoting with another quote character. */
export function goQuote(s: string, quote = '"', asciiOnly = false): string {
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote) {
      out += `\\${quote}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate stands for invalid UTF-8, which Go shows as the replacement char escape.
      out += '\\ufffd';
    } else if (isGoPrintable(ch) && (!asciiOnly || cp < 0x80)) {
      out += ch;
    } else if (simpleEscapes[ch] !== undefined) {
      out += simpleEscapes[ch];
    } else if (cp < 0x20 || cp === 0x7f) {
      out += `\\x${hex(cp, 2)}`;
    } else if (cp < 0x10000) {
      out += `\\u${hex(cp, 4)}`;
    } else {
      out += `\\U${hex(cp, 8)}`;
    }
  }
  return out + quote;
}

/** strconv.Quote over raw bytes: invalid UTF-8 bytes are shown as \xNN like Go does. */
export function goQuoteBytes(b: Uint8Array): string {
  const text = utf8String(b);
  if (!text.includes('\ufffd')) return goQuote(text);
  // Slow path: walk valid sequences and escape the invalid bytes one by one.
  let out = '"';
  let i = 0;
  while (i < b.length) {
    const len = validSequenceLength(b, i);
    if (len === 0) {
      out += `\\x${hex(b[i], 2)}`;
      i++;
    } else {
      out += goQuote(utf8String(b.subarray(i, i + len))).slice(1, -1);
      i += len;
    }
  }
  return out + '"';
}

function validSequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const need = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
  if (need === 0 || i + need > b.length) return 0;
  for (let k = 1; k < need; k++) if ((b[i + k] & 0xc0) !== 0x80) return 0;
  const decoded = utf8String(b.subarray(i, i + need));
  return decoded.includes('\ufffd') ? 0 : need;
}

const syntaxError = (): BloblangError => new BloblangError('invalid syntax');

/** strconv.Unquote: "..." with Go escapes, `raw`, or a single 'c' rune. */
export function goUnquote(s: string): string {
  if (s.length < 2) throw syntaxError();
  const q = s[0];
  if (q !== s[s.length - 1]) throw syntaxError();
  const body = s.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw syntaxError();
    return body.replace(/\r/g, '');
  }
  if (q !== '"' && q !== "'") throw syntaxError();
  if (body.includes('\n')) throw syntaxError();
  if (!body.includes('\\') && !body.includes(q)) {
    if (q === '"') return body;
    if ([...body].length === 1) return body;
    throw syntaxError();
  }
  const bytes: number[] = [];
  const pushText = (t: string): void => {
    for (const b of utf8Bytes(t)) bytes.push(b);
  };
  let runes = 0;
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === q) throw syntaxError();
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      pushText(ch);
      i += ch.length;
      runes++;
      continue;
    }
    const e = body[i + 1];
    i += 2;
    runes++;
    switch (e) {
      case 'a': bytes.push(7); break;
      case 'b': bytes.push(8); break;
      case 'f': bytes.push(12); break;
      case 'n': bytes.push(10); break;
      case 'r': bytes.push(13); break;
      case 't': bytes.push(9); break;
      case 'v': bytes.push(11); break;
      case '\\': bytes.push(92); break;
      case "'":
      case '"':
        if (e !== q) throw syntaxError();
        bytes.push(e.charCodeAt(0));
        break;
      case 'x':
      case 'u':
      case 'U': {
        const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const digits = body.slice(i, i + n);
        if (digits.length !== n || !/^[0-9a-fA-F]+$/.test(digits)) throw syntaxError();
        i += n;
        const v = parseInt(digits, 16);
        if (e === 'x') {
          if (q === "'") pushText(String.fromCodePoint(v));
          else bytes.push(v);
        } else {
          if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw syntaxError();
          pushText(String.fromCodePoint(v));
        }
        break;
      }
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
        const digits = body.slice(i - 1, i + 2);
        if (!/^[0-7]{3}$/.test(digits)) throw syntaxError();
        const v = parseInt(digits, 8);
        if (v > 255) throw syntaxError();
        i += 2;
        bytes.push(v);
        break;
      }
      default:
        throw syntaxError();
    }
  }
  if (q === "'" && runes !== 1) throw syntaxError();
  return utf8String(Uint8Array.from(bytes));
}
