/**
 * Splits a stream of concatenated JSON documents (`{"a":1} {"b":2}[3]"x"`) into parsed values,
 * the way Go's json.Decoder reads them: each value ends where its grammar ends, whitespace
 * between values is optional, and the first malformed value stops the read with an error.
 */

export function parseJsonDocuments(text: string): unknown[] {
  const out: unknown[] = [];
  let i = skipSpace(text, 0);
  while (i < text.length) {
    const end = valueEnd(text, i);
    out.push(parseValue(text.slice(i, end)));
    i = skipSpace(text, end);
  }
  return out;
}

function parseValue(src: string): unknown {
  try {
    return JSON.parse(src);
  } catch (e) {
    throw new Error(`invalid JSON document: ${(e as Error).message}`);
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

function unexpected(s: string, i: number): never {
  throw new Error(`invalid character '${s[i]}' looking for beginning of value`);
}

/** Where the value starting at `i` ends (exclusive). Structure only: JSON.parse validates. */
function valueEnd(s: string, i: number): number {
  const c = s[i];
  if (c === '{' || c === '[') return containerEnd(s, i);
  if (c === '"') return stringEnd(s, i);
  if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return numberEnd(s, i);
  for (const lit of ['true', 'false', 'null']) {
    if (c !== lit[0]) continue;
    for (let k = 1; k < lit.length; k++) {
      if (i + k >= s.length) throw new Error('unexpected EOF');
      if (s[i + k] !== lit[k]) throw new Error(`invalid character '${s[i + k]}' in literal ${lit} (expecting '${lit[k]}')`);
    }
    return i + lit.length;
  }
  return unexpected(s, i);
}

function containerEnd(s: string, i: number): number {
  let depth = 0;
  for (let k = i; k < s.length; k++) {
    const c = s[k];
    if (c === '"') {
      k = stringEnd(s, k) - 1;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      if (--depth === 0) return k + 1;
    }
  }
  throw new Error('unexpected EOF');
}

function stringEnd(s: string, i: number): number {
  for (let k = i + 1; k < s.length; k++) {
    const c = s[k];
    if (c === '\\') k++;
    else if (c === '"') return k + 1;
  }
  throw new Error('unexpected EOF');
}

/** JSON's number grammar, greedy: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`. */
function numberEnd(s: string, i: number): number {
  let k = i;
  const digit = (at: number): boolean => {
    const c = s.charCodeAt(at);
    return c >= 0x30 && c <= 0x39;
  };
  if (s[k] === '-') k++;
  if (s[k] === '0') k++;
  else if (digit(k)) while (digit(k)) k++;
  else throw new Error(`invalid character '${s[k] ?? 'EOF'}' in numeric literal`);
  if (s[k] === '.') {
    k++;
    if (!digit(k)) throw new Error(`invalid character '${s[k] ?? 'EOF'}' after decimal point in numeric literal`);
    while (digit(k)) k++;
  }
  if (s[k] === 'e' || s[k] === 'E') {
    k++;
    if (s[k] === '+' || s[k] === '-') k++;
    if (!digit(k)) throw new Error(`invalid character '${s[k] ?? 'EOF'}' in exponent of numeric literal`);
    while (digit(k)) k++;
  }
  return k;
}
