/**
 * Go RE2 regular expressions via re2js (linear time, no catastrophic backtracking), with Go's
 * regexp API shapes: FindAllStringSubmatch (unmatched groups as ""), SubexpNames and
 * ReplaceAllString's `$1` / `${name}` template expansion.
 */
import { RE2JS } from 're2js';
import { BloblangError } from '../value.js';

export interface GoRegexp {
  /** Group names by index; unnamed groups (and the whole match at 0) are "". */
  names: string[];
  test(s: string): boolean;
  /** Match and submatch index pairs (-1 for unmatched groups) of up to n matches (-1: all). */
  findAllIndex(s: string, n: number): number[][];
  replaceAll(s: string, template: string): string;
}

interface RE2Like {
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
  numberOfCapturingGroups(): number;
  namedGroups: Record<string, number>;
}

export function compileGoRegexp(pattern: string): GoRegexp {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(pattern);
  } catch (err) {
    throw new BloblangError((err as Error).message);
  }
  const re2 = compiled.re2() as unknown as RE2Like;
  const names: string[] = new Array(re2.numberOfCapturingGroups() + 1).fill('');
  for (const [name, index] of Object.entries(re2.namedGroups ?? {})) names[index] = name;
  const findAllIndex = (s: string, n: number): number[][] =>
    (re2.findAllSubmatchIndex(s, n) ?? []).map((m) => m.map((x) => (x === undefined ? -1 : x)));
  return {
    names,
    test: (s) => compiled.test(s),
    findAllIndex,
    replaceAll: (s, template) => {
      const parts = parseTemplate(template, names);
      let out = '';
      let last = 0;
      for (const m of findAllIndex(s, -1)) {
        out += s.slice(last, m[0]);
        for (const p of parts) {
          if (typeof p === 'string') out += p;
          else if (p >= 0 && 2 * p + 1 < m.length && m[2 * p] >= 0) out += s.slice(m[2 * p], m[2 * p + 1]);
        }
        last = m[1];
      }
      return out + s.slice(last);
    },
  };
}

/** The submatch strings of one match: "" for unmatched groups, as Go's Find*StringSubmatch. */
export function submatches(s: string, m: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < m.length; i += 2) out.push(m[i] < 0 ? '' : s.slice(m[i], m[i + 1]));
  return out;
}

/**
 * Parse a Go Expand template into literal text and group references. `$name` takes the
 * longest run of letters, digits and underscores; `${name}` is explicit; `$$` is a dollar.
 * A reference to a group that does not exist expands to nothing (-1).
 */
function parseTemplate(template: string, names: string[]): (string | number)[] {
  const parts: (string | number)[] = [];
  let lit = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c !== '$') {
      lit += c;
      i++;
      continue;
    }
    if (template[i + 1] === '$') {
      lit += '$';
      i += 2;
      continue;
    }
    let name: string | undefined;
    let end = i + 1;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const candidate = close < 0 ? '' : template.slice(i + 2, close);
      if (close >= 0 && /^\w+$/.test(candidate)) {
        name = candidate;
        end = close + 1;
      }
    } else {
      const m = /^\w+/.exec(template.slice(i + 1));
      if (m) {
        name = m[0];
        end = i + 1 + m[0].length;
      }
    }
    if (name === undefined) {
      // Malformed reference: Go copies the `$` literally.
      lit += '$';
      i++;
      continue;
    }
    if (lit) parts.push(lit);
    lit = '';
    parts.push(groupIndex(name, names));
    i = end;
  }
  if (lit) parts.push(lit);
  return parts;
}

function groupIndex(name: string, names: string[]): number {
  if (/^\d+$/.test(name)) {
    const n = Number(name);
    return n < names.length ? n : -1;
  }
  return names.indexOf(name);
}
