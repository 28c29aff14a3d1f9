/**
 * Output conditions of a unit test, with Benthos's names and failure wording. Each is compiled
 * once per case and then checked against one output message; a failure is a reason string.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RE2JS } from 're2js';
import { compileMapping } from '../../plugin/bloblang.js';
import { parseJson } from '../../core/json.js';
import { errorMessage } from '../../core/errors.js';
import { serialiseValue, type Batch } from '../../core/message.js';
import { jsonContains, jsonEqual } from './json_compare.js';
import { yamlValueAsJsonText, type ConditionSet } from './definition.js';

/** Checks message `index` of `batch`; returns why it failed, or undefined when it passed. */
export type Check = (batch: Batch, index: number) => string | undefined;

export interface CompiledCondition {
  name: string;
  check: Check;
}

function readRelative(dir: string, path: string, what: string): { text?: string; error?: string } {
  try {
    return { text: readFileSync(resolve(dir, path), 'utf8') };
  } catch (e) {
    return { error: `failed to read ${what}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `open ${path}: no such file or directory` : errorMessage(e)}` };
  }
}

function mismatch(what: string, expected: string, received: string): string {
  return `${what}\n  expected: ${expected}\n  received: ${received}`;
}

function parseOrReason(text: string, whose: string): { value?: unknown; error?: string } {
  try {
    return { value: parseJson(text) };
  } catch (e) {
    return { error: `${whose} is not valid JSON: ${errorMessage(e)}` };
  }
}

/** Compare message content with an expected JSON text, as equality or containment. */
function jsonCheck(expectedText: string, contains: boolean): Check {
  const exp = parseOrReason(expectedText, 'expected value');
  const label = contains ? 'JSON superset mismatch' : 'JSON content mismatch';
  return (batch, i) => {
    if (exp.error) return exp.error;
    const received = batch[i]!.asString();
    const act = parseOrReason(received, 'message content');
    if (act.error) return `${label}: ${act.error}\n  received: ${received}`;
    const ok = contains ? jsonContains(act.value, exp.value) : jsonEqual(act.value, exp.value);
    return ok ? undefined : mismatch(label, expectedText.trim(), received);
  };
}

function metadataEquals(expected: unknown): Check {
  if (typeof expected !== 'object' || expected === null || Array.isArray(expected)) {
    return () => 'expected an object of metadata key/value pairs';
  }
  const entries = Object.entries(expected as Record<string, unknown>);
  return (batch, i) => {
    const msg = batch[i]!;
    for (const [k, want] of entries) {
      if (!msg.hasMeta(k)) return `metadata key '${k}' expected but not found`;
      const got = msg.getMeta(k);
      // Values written in YAML compare by value, and by text against string metadata
      // (`count: 5` matches both the number 5 and the string "5").
      if (jsonEqual(got, want)) continue;
      const gotText = serialiseValue(got);
      const wantText = serialiseValue(want);
      if (gotText !== wantText) return mismatch(`metadata key '${k}' mismatch`, wantText, gotText);
    }
    return undefined;
  };
}

function bloblang(src: unknown): Check {
  let query: ReturnType<typeof compileMapping>;
  try {
    query = compileMapping(String(src));
  } catch (e) {
    const reason = `failed to parse mapping: ${errorMessage(e)}`;
    return () => reason;
  }
  return (batch, i) => {
    let v: unknown;
    try {
      v = query.queryPart(batch, i);
    } catch (e) {
      return errorMessage(e);
    }
    return v === true ? undefined : 'bloblang expression was false';
  };
}

function contentMatches(pattern: string): Check {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    const reason = `invalid regular expression: ${errorMessage(e)}`;
    return () => reason;
  }
  return (batch, i) => {
    const received = batch[i]!.asString();
    // Go's MatchString finds the pattern anywhere: anchors must be written out.
    return re.matcher(received).find() ? undefined : `pattern mismatch\n   pattern: ${pattern}\n  received: ${received}`;
  };
}

function fromFile(dir: string, path: string, what: string, use: (text: string) => Check): Check {
  let compiled: Check | undefined;
  return (batch, i) => {
    if (!compiled) {
      const f = readRelative(dir, path, what);
      compiled = f.error !== undefined ? () => f.error : use(f.text!);
    }
    return compiled(batch, i);
  };
}

function contentEquals(expected: string): Check {
  return (batch, i) => {
    const received = batch[i]!.asString();
    return received === expected ? undefined : mismatch('content mismatch', expected, received);
  };
}

const BUILDERS: Record<string, (arg: unknown, dir: string) => Check> = {
  bloblang: (arg) => bloblang(arg),
  content_equals: (arg) => contentEquals(arg === null || arg === undefined ? '' : String(arg)),
  content_matches: (arg) => contentMatches(String(arg)),
  json_equals: (arg) => jsonCheck(yamlValueAsJsonText(arg), false),
  json_contains: (arg) => jsonCheck(yamlValueAsJsonText(arg), true),
  metadata_equals: (arg) => metadataEquals(arg),
  file_equals: (arg, dir) => fromFile(dir, String(arg), 'comparison file', contentEquals),
  file_json_equals: (arg, dir) => fromFile(dir, String(arg), 'comparison JSON file', (t) => jsonCheck(t, false)),
  file_json_contains: (arg, dir) => fromFile(dir, String(arg), 'comparison JSON file', (t) => jsonCheck(t, true)),
};

export const CONDITION_NAMES = Object.keys(BUILDERS);

/**
 * Compile the conditions of one expected message, in alphabetical order as Benthos runs them.
 * File paths are relative to `dir`, the definition file's directory.
 */
export function compileConditions(set: ConditionSet, dir: string): { conditions: CompiledCondition[]; problems: string[] } {
  const conditions: CompiledCondition[] = [];
  const problems: string[] = [];
  for (const name of Object.keys(set).sort()) {
    const build = BUILDERS[name];
    if (!build) {
      problems.push(`message part condition type not recognised: ${name}`);
      continue;
    }
    conditions.push({ name, check: build(set[name], dir) });
  }
  return { conditions, problems };
}
