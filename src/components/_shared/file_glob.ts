/**
 * Glob expansion for the `file` input's `paths`, with the syntax of Go's doublestar (which
 * Benthos uses): `*`, `?`, `[abc]`, `[!a-z]`, `{a,b}` inside a path segment, and `**` as a whole
 * segment for any number of directories. A path without glob characters is kept as written,
 * so a missing file is reported when it is opened, not silently skipped.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const GLOB_CHARS = /[*?[{]/;

export function hasGlob(path: string): boolean {
  return GLOB_CHARS.test(path);
}

/** Expand every pattern in order; matches of one pattern are sorted, and each file appears once. */
export async function expandGlobs(patterns: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const pattern of patterns) {
    const found = hasGlob(pattern) ? await expandOne(pattern) : [pattern];
    for (const p of found) {
      if (seen.has(p)) continue;
      seen.add(p);
      out.push(p);
    }
  }
  return out;
}

async function expandOne(pattern: string): Promise<string[]> {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  // The leading segments without glob characters are a directory to start from.
  let i = 0;
  const fixed: string[] = [];
  while (i < segments.length - 1 && !hasGlob(segments[i]!)) fixed.push(segments[i++]!);
  const root = absolute ? '/' + fixed.filter((s) => s !== '').join('/') : fixed.join('/');
  const matchers = segments.slice(i).map(compileSegment);
  const results: string[] = [];
  await walk(root, root === '' ? '' : root, matchers, 0, results);
  return results;
}

type SegmentMatcher = { kind: 'any_dirs' } | { kind: 'regex'; re: RegExp } | { kind: 'literal'; name: string };

function compileSegment(seg: string): SegmentMatcher {
  if (seg === '**') return { kind: 'any_dirs' };
  if (!hasGlob(seg)) return { kind: 'literal', name: seg };
  return { kind: 'regex', re: new RegExp('^' + segmentToRegex(seg) + '$', 'su') };
}

/** Translate one path segment's glob into a regular expression source. */
export function segmentToRegex(seg: string): string {
  let out = '';
  let depth = 0; // inside {a,b}
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '\\' && i + 1 < seg.length) {
      out += escapeRe(seg[++i]!);
    } else if (c === '*') {
      // `**` inside a segment behaves as `*` (it cannot cross a separator there).
      while (seg[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, close);
      let negate = false;
      if (body[0] === '!' || body[0] === '^') {
        negate = true;
        body = body.slice(1);
      }
      out += '[' + (negate ? '^' : '') + body.replace(/[\]\\^]/g, (m) => '\\' + m) + ']';
      i = close;
    } else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) out += '|';
    else out += escapeRe(c);
  }
  while (depth-- > 0) out += ')';
  return out;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? '\\' + c : c;
}

interface DirEntry {
  name: string;
  isDir: boolean;
  /** A symbolic link to a directory: matched by name, never walked into by `**` (no loops). */
  isLink: boolean;
}

async function listDir(dir: string): Promise<DirEntry[]> {
  try {
    const entries = await readdir(dir === '' ? '.' : dir, { withFileTypes: true });
    const out: DirEntry[] = [];
    for (const e of entries) {
      let isDir = e.isDirectory();
      const isLink = e.isSymbolicLink();
      if (isLink) isDir = await stat(join(dir === '' ? '.' : dir, e.name)).then((s) => s.isDirectory(), () => false);
      out.push({ name: e.name, isDir, isLink });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

function joinPath(dir: string, name: string): string {
  if (dir === '') return name;
  return dir.endsWith('/') ? dir + name : dir + '/' + name;
}

/** Depth-first, in name order: the same order Go's directory walk gives. Only files match. */
async function walk(dir: string, shown: string, matchers: SegmentMatcher[], idx: number, out: string[]): Promise<void> {
  const m = matchers[idx]!;
  const last = idx === matchers.length - 1;
  if (m.kind === 'any_dirs') {
    if (last) {
      // A trailing `**` matches every file below.
      for (const e of await listDir(dir)) {
        const p = joinPath(shown, e.name);
        if (!e.isDir) out.push(p);
        else if (!e.isLink) await walk(joinPath(dir, e.name), p, matchers, idx, out);
      }
      return;
    }
    // Zero directories ...
    await walk(dir, shown, matchers, idx + 1, out);
    // ... or one more, then `**` again.
    for (const e of await listDir(dir)) {
      if (e.isDir && !e.isLink) {
        await walk(joinPath(dir, e.name), joinPath(shown, e.name), matchers, idx, out);
      }
    }
    return;
  }
  const entries: DirEntry[] = m.kind === 'literal' ? [{ name: m.name, isDir: await isDirectory(joinPath(dir, m.name)), isLink: false }] : await listDir(dir);
  for (const e of entries) {
    if (m.kind === 'regex' && !m.re.test(e.name)) continue;
    const p = joinPath(shown, e.name);
    if (last) {
      if (!e.isDir && (m.kind === 'regex' || (await exists(joinPath(dir, e.name))))) out.push(p);
    } else if (e.isDir) {
      await walk(joinPath(dir, e.name), p, matchers, idx + 1, out);
    }
  }
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}
async function exists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}
