/**
 * Go's net/url escaping (QueryEscape, PathEscape and their unescapes) and path/filepath's Join,
 * Clean and Split for Unix separators, for the URL and file path string methods.
 */
import { BloblangError } from '../value.js';
import { utf8Bytes, utf8String } from './coercion_values.js';

const HEX = '0123456789ABCDEF';

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e
  );
}

// Characters a path segment may keep as they are: $ & + , : ; = @
const pathSafe = new Set([0x24, 0x26, 0x2b, 0x2c, 0x3a, 0x3b, 0x3d, 0x40]);

function escape(s: string, mode: 'query' | 'path'): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    if (isUnreserved(b) || (mode === 'path' && pathSafe.has(b))) out += String.fromCharCode(b);
    else if (b === 0x20 && mode === 'query') out += '+';
    else out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
  }
  return out;
}

/** url.QueryEscape */
export function queryEscape(s: string): string {
  return escape(s, 'query');
}

/** url.PathEscape */
export function pathEscape(s: string): string {
  return escape(s, 'path');
}

function unescape(s: string, mode: 'query' | 'path'): string {
  if (!s.includes('%') && (mode === 'path' || !s.includes('+'))) return s;
  const bytes = utf8Bytes(s);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x25) {
      const h = String.fromCharCode(bytes[i + 1] ?? 0, bytes[i + 2] ?? 0);
      if (i + 2 >= bytes.length || !/^[0-9a-fA-F]{2}$/.test(h)) {
        let shown = utf8String(bytes.subarray(i, i + 3));
        if (shown.length > 3) shown = shown.slice(0, 3);
        throw new BloblangError(`invalid URL escape "${shown}"`);
      }
      out.push(parseInt(h, 16));
      i += 2;
    } else if (b === 0x2b && mode === 'query') {
      out.push(0x20);
    } else {
      out.push(b);
    }
  }
  return utf8String(Uint8Array.from(out));
}

/** url.QueryUnescape */
export function queryUnescape(s: string): string {
  return unescape(s, 'query');
}

/** url.PathUnescape */
export function pathUnescape(s: string): string {
  return unescape(s, 'path');
}

/** path.Clean: lexical processing of `.`, `..` and repeated separators. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** filepath.Join: non-empty elements joined with `/` and cleaned; all empty gives "". */
export function joinPath(elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== '');
  return nonEmpty.length === 0 ? '' : cleanPath(nonEmpty.join('/'));
}

/** filepath.Split: directory (with its trailing separator) and file name. */
export function splitPath(p: string): [string, string] {
  const i = p.lastIndexOf('/');
  return [p.slice(0, i + 1), p.slice(i + 1)];
}
