/**
 * Runs the Bloblang conformance corpus (docs-examples.json) through the same path a `mapping`
 * processor uses: parseMapping + mapPart on a Message made from the input bytes. Shared by the
 * test (test/conformance/bloblang.test.ts) and the CLI (scripts/conformance.ts).
 */
process.env.TZ = 'UTC';

import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { Message } from '../../src/core/message.js';
import { parseMapping, type Mapping } from '../../src/bloblang/index.js';

export const CORPUS_PATH = process.env.BLOBLANG_CORPUS ?? '/work/shared/conformance/bloblang/docs-examples.json';

export interface Case {
  id: string;
  category: string;
  mapping: string;
  input: string;
  output?: string;
  error?: string;
  deleted?: true;
  input_metadata?: Record<string, unknown>;
  output_metadata?: Record<string, unknown>;
  example?: string;
  step?: number;
}

export interface CaseResult {
  c: Case;
  /** Passed with the strict rule (error messages compared exactly). */
  strict: boolean;
  /** Passed with the lenient rule (expected error message contained in the actual one). */
  lenient: boolean;
  reason?: string;
  actual?: string;
}

export function loadCorpus(path = CORPUS_PATH): Case[] {
  return JSON.parse(readFileSync(path, 'utf8')) as Case[];
}

/** Does `filter` select this case (category or id substring, case-insensitive)? */
export function matches(c: Case, filter: string | undefined): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return c.category.toLowerCase().includes(f) || c.id.toLowerCase().includes(f);
}

function tryJson(s: string): { ok: true; v: unknown } | { ok: false } {
  try {
    return { ok: true, v: JSON.parse(s) };
  } catch {
    return { ok: false };
  }
}

/** Structural JSON equality: key order ignored, numbers by value. */
function jsonEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(normalise(a), normalise(b));
}

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = normalise((v as Record<string, unknown>)[k]);
    return out;
  }
  if (typeof v === 'number' && Object.is(v, -0)) return 0;
  return v;
}

function compareOutput(expected: string, actual: string): boolean {
  const e = tryJson(expected);
  if (e.ok) {
    const a = tryJson(actual);
    return a.ok && jsonEqual(e.v, a.v);
  }
  return expected === actual;
}

function runOne(c: Case, mapping: Mapping | undefined, parseError: string | undefined): CaseResult {
  let out: Message | null;
  try {
    if (parseError !== undefined) throw new Error(parseError);
    const meta = new Map<string, unknown>(Object.entries(c.input_metadata ?? {}));
    const msg = Message.fromBytes(Buffer.from(c.input, 'utf8'), meta);
    out = mapping!.mapPart([msg], 0);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    if (c.error !== undefined) {
      const strict = msg === c.error;
      const lenient = strict || msg.includes(c.error);
      return { c, strict, lenient, actual: `Error(${msg})`, reason: strict ? undefined : 'error message differs' };
    }
    return { c, strict: false, lenient: false, actual: `Error(${msg})`, reason: parseError !== undefined ? 'parse error' : 'unexpected error' };
  }
  if (c.error !== undefined) {
    const actual = out === null ? '<deleted>' : out.asString();
    return { c, strict: false, lenient: false, actual, reason: 'expected an error' };
  }
  if (c.deleted) {
    const ok = out === null;
    return { c, strict: ok, lenient: ok, actual: out === null ? '<deleted>' : out.asString(), reason: ok ? undefined : 'expected deletion' };
  }
  if (out === null) return { c, strict: false, lenient: false, actual: '<deleted>', reason: 'unexpected deletion' };
  const actual = out.asString();
  if (!compareOutput(c.output ?? '', actual)) return { c, strict: false, lenient: false, actual, reason: 'output differs' };
  if (c.output_metadata) {
    const got = out.metaObject();
    if (!jsonEqual(JSON.parse(JSON.stringify(got)), c.output_metadata)) {
      return { c, strict: false, lenient: false, actual: `${actual}\nmeta: ${JSON.stringify(got)}`, reason: 'metadata differs' };
    }
  }
  return { c, strict: true, lenient: true, actual };
}

/** Run the selected cases; multi-step examples share one compiled mapping, in step order. */
export function runCorpus(cases: Case[], filter?: string): CaseResult[] {
  const selected = cases.filter((c) => matches(c, filter));
  const groups = new Map<string, Case[]>();
  for (const c of selected) {
    const key = c.example ?? `case:${c.id}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(c);
  }
  const results: CaseResult[] = [];
  for (const [key, group] of groups) {
    // A filter may select only some steps of a stateful example: run the whole group for fidelity.
    const full = key.startsWith('case:') ? group : cases.filter((c) => c.example === key);
    full.sort((a, b) => (a.step ?? 0) - (b.step ?? 0));
    let mapping: Mapping | undefined;
    let parseError: string | undefined;
    try {
      const r = parseMapping(full[0]!.mapping);
      if (r.mapping) mapping = r.mapping;
      else parseError = r.diagnostics.map((d) => d.message).join('; ');
    } catch (err) {
      parseError = `compiler crashed: ${(err as Error).stack ?? String(err)}`;
    }
    for (const c of full) {
      const r = runOne(c, mapping, parseError);
      if (group.includes(c)) results.push(r);
    }
  }
  const order = new Map(selected.map((c, i) => [c.id, i]));
  results.sort((a, b) => order.get(a.c.id)! - order.get(b.c.id)!);
  return results;
}

export interface Summary {
  total: number;
  strict: number;
  lenient: number;
  byCategory: Map<string, { total: number; strict: number; lenient: number }>;
}

export function summarise(results: CaseResult[]): Summary {
  const byCategory = new Map<string, { total: number; strict: number; lenient: number }>();
  let strict = 0;
  let lenient = 0;
  for (const r of results) {
    let s = byCategory.get(r.c.category);
    if (!s) byCategory.set(r.c.category, (s = { total: 0, strict: 0, lenient: 0 }));
    s.total++;
    if (r.strict) (s.strict++, strict++);
    if (r.lenient) (s.lenient++, lenient++);
  }
  return { total: results.length, strict, lenient, byCategory };
}

export function formatSummary(s: Summary): string {
  const lines = [`bloblang conformance: ${s.strict}/${s.total} passed (strict), ${s.lenient}/${s.total} (lenient error messages)`];
  const cats = [...s.byCategory.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  for (const [cat, v] of cats) lines.push(`  ${cat.padEnd(32)} ${String(v.strict).padStart(3)}/${v.total}${v.lenient !== v.strict ? ` (lenient ${v.lenient})` : ''}`);
  return lines.join('\n');
}

function fence(s: string | undefined): string {
  const t = s ?? '';
  return '```\n' + t.replace(/```/g, '`\u200b``') + '\n```';
}

export function formatFailure(r: CaseResult): string {
  const c = r.c;
  const expected = c.error !== undefined ? `Error(${c.error})` : c.deleted ? '<deleted>' : (c.output ?? '');
  return [
    `### ${c.id} (${c.category}): ${r.reason ?? 'failed'}`,
    '',
    'mapping:',
    fence(c.mapping),
    'input:',
    fence(c.input),
    'expected:',
    fence(expected),
    'actual:',
    fence(r.actual),
    '',
  ].join('\n');
}

export function failuresMarkdown(results: CaseResult[]): string {
  const failed = results.filter((r) => !r.strict);
  const s = summarise(results);
  return [
    '# Bloblang conformance failures',
    '',
    'Generated by `npx tsx scripts/conformance.ts --write`; do not edit by hand.',
    '',
    '```',
    formatSummary(s),
    '```',
    '',
    ...failed.map(formatFailure),
  ].join('\n');
}
