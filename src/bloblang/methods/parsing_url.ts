/**
 * Go's net/url parsing, for parse_url (url.Parse) and parse_form_url_encoded (url.ParseQuery).
 * Reproduced by hand because WHATWG URL normalises differently (lower-cases hosts, resolves
 * dot segments, ...) and reports other errors.
 */
import { BloblangError } from '../value.js';

type Mode = 'path' | 'fragment' | 'query' | 'user' | 'host';

const HEX = '0123456789ABCDEF';

function isHex(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

class UrlError extends Error {}

/** Go's unescape: %XX sequences (and '+' as space in query mode). */
function unescape(s: string, mode: Mode): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) {
        const bad = s.slice(i, i + 3);
        throw new UrlError(`invalid URL escape ${JSON.stringify(bad)}`);
      }
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '+' && mode === 'query') {
      bytes.push(0x20);
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Go's shouldEscape for the path and fragment modes. */
function shouldEscape(c: number, mode: Mode): boolean {
  if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) return false;
  const ch = String.fromCharCode(c);
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    if (mode === 'path') return ch === '?';
    if (mode === 'fragment') return false;
    return true;
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += shouldEscape(b, mode) ? `%${HEX[b >> 4]}${HEX[b & 15]}` : String.fromCharCode(b);
  }
  return out;
}

export interface GoUrl {
  scheme: string;
  opaque: string;
  user?: { name: string; password?: string };
  host: string;
  path: string;
  raw_path: string;
  raw_query: string;
  fragment: string;
  raw_fragment: string;
}

function parseAuthority(authority: string, u: GoUrl): void {
  const at = authority.lastIndexOf('@');
  const hostPart = at < 0 ? authority : authority.slice(at + 1);
  if (at >= 0) {
    const userinfo = authority.slice(0, at);
    if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new UrlError('net/url: invalid userinfo');
    const colon = userinfo.indexOf(':');
    if (colon < 0) u.user = { name: unescape(userinfo, 'user') };
    else u.user = { name: unescape(userinfo.slice(0, colon), 'user'), password: unescape(userinfo.slice(colon + 1), 'user') };
  }
  let host = hostPart;
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    if (end < 0) throw new UrlError("missing ']' in host");
    const port = host.slice(end + 1);
    if (port !== '' && !/^:\d*$/.test(port)) throw new UrlError(`invalid port ${JSON.stringify(port)} after host`);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      const port = host.slice(colon);
      if (!/^:\d*$/.test(port)) throw new UrlError(`invalid port ${JSON.stringify(port)} after host`);
    }
  }
  u.host = unescape(host, 'host');
}

/** Go's url.Parse. Errors are worded `parse "<url>": <reason>`. */
export function parseGoUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const main = hash < 0 ? raw : raw.slice(0, hash);
  const u: GoUrl = { scheme: '', opaque: '', host: '', path: '', raw_path: '', raw_query: '', fragment: '', raw_fragment: '' };
  const wrap = (shown: string, e: unknown): never => {
    if (e instanceof UrlError) throw new BloblangError(`parse ${JSON.stringify(shown)}: ${e.message}`);
    throw e;
  };
  try {
    parseMain(main, u);
  } catch (e) {
    wrap(main, e);
  }
  if (hash >= 0) {
    const frag = raw.slice(hash + 1);
    try {
      u.fragment = unescape(frag, 'fragment');
    } catch (e) {
      wrap(raw, e);
    }
    u.raw_fragment = escape(u.fragment, 'fragment') === frag ? '' : frag;
  }
  return u;
}

function parseMain(rawURL: string, u: GoUrl): void {
  if (/[\u0000-\u001f\u007f]/.test(rawURL)) throw new UrlError('net/url: invalid control character in URL');
  if (rawURL === '*') {
    u.path = '*';
    return;
  }
  let rest = rawURL;
  const sm = /^([A-Za-z][A-Za-z0-9+\-.]*):/.exec(rawURL);
  if (sm) {
    u.scheme = sm[1]!.toLowerCase();
    rest = rawURL.slice(sm[0].length);
  } else if (rawURL.startsWith(':')) {
    throw new UrlError('missing protocol scheme');
  }
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.raw_query = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return;
    }
    const slash = rest.indexOf('/');
    const segment = slash < 0 ? rest : rest.slice(0, slash);
    if (segment.includes(':')) throw new UrlError('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    const afterSlashes = rest.slice(2);
    const slash = afterSlashes.indexOf('/');
    const authority = slash < 0 ? afterSlashes : afterSlashes.slice(0, slash);
    rest = slash < 0 ? '' : afterSlashes.slice(slash);
    parseAuthority(authority, u);
  }
  u.path = unescape(rest, 'path');
  u.raw_path = escape(u.path, 'path') === rest ? '' : rest;
}

/** Go's url.ParseQuery: values in key order of first appearance; errors on bad escapes and ';'. */
export function parseGoQuery(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let firstErr: string | undefined;
  for (const part of query.split('&')) {
    if (part === '') continue;
    if (part.includes(';')) {
      firstErr ??= 'invalid semicolon separator in query';
      continue;
    }
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawVal = eq < 0 ? '' : part.slice(eq + 1);
    let key: string;
    let val: string;
    try {
      key = unescape(rawKey, 'query');
      val = unescape(rawVal, 'query');
    } catch (e) {
      firstErr ??= (e as Error).message;
      continue;
    }
    const list = out.get(key);
    if (list) list.push(val);
    else out.set(key, [val]);
  }
  if (firstErr !== undefined) throw new BloblangError(firstErr);
  return out;
}
