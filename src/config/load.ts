/**
 * Loading a stream config: YAML with positions, `--set` overrides, resource files, then parsing
 * against the stream spec. Never throws on bad input: everything wrong comes back as diagnostics.
 */
import { registerConfigSecrets } from './secrets.js';
import { LineCounter, Lexer, parseDocument, isMap, isScalar, type Node, type Document } from 'yaml';
import { CONTROL_TOKENS, MAX_YAML_DEPTH, duplicateKeys, excessiveNesting, lineOf } from './yaml_checks.js';
import { unknownResourceLabels } from './resource_refs.js';
import type { Diagnostic } from '../core/errors.js';
import { parseField, setAliasDocument, setSourceText, type ComponentConfig, type ComponentLookup, type ParseContext, type ParseHooks, keyOf } from './parse.js';
import { streamConfigSpec, type StreamConfig } from './stream_config.js';

export interface SourceFile {
  /** Shown in diagnostics. */
  file: string;
  text: string;
}

export interface LoadOptions {
  lookup: ComponentLookup;
  hooks?: ParseHooks;
  env?: Record<string, string | undefined>;
  /** `path.to.field=value` overrides applied to the main file before parsing. */
  sets?: string[];
  /** Resource files (`-r`): only their `*_resources` sections are used. */
  resources?: SourceFile[];
  /**
   * Parsed YAML to reuse when the same sources (the same SourceFile objects) are loaded again:
   * a config whose components are imported on demand is parsed in several passes, read once.
   */
  yamlCache?: WeakMap<SourceFile, ParsedYaml>;
  /**
   * Benthos's `--chilled`: unknown fields (lint errors, not parse errors) become warnings and do
   * not stop startup. Wrong types, missing fields and bad mappings still do.
   */
  chilled?: boolean;
}

export interface LoadResult {
  config?: StreamConfig;
  diagnostics: Diagnostic[];
}

export interface ParsedYaml {
  doc?: Document;
  lineCounter: LineCounter;
  diagnostics: Diagnostic[];
}

export function parseYaml(src: SourceFile): ParsedYaml {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  const tooDeep = excessiveNesting(src.text);
  if (tooDeep !== undefined) {
    // Counted on the lexer's tokens first: composing such a file would exhaust the stack.
    const lp = linePosIn(src.text, tooDeep);
    diagnostics.push({ code: 'E_YAML_DEPTH', severity: 'error', message: `invalid YAML: nested deeper than ${MAX_YAML_DEPTH} levels`, position: { file: src.file, line: lp.line, column: lp.col } });
    return { lineCounter, diagnostics };
  }
  let doc: Document;
  try {
    // Duplicate keys are found below, where both places can be named.
    doc = parseDocument(src.text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  } catch (e) {
    diagnostics.push({ code: 'E_YAML', severity: 'error', message: `invalid YAML: ${(e as Error).message}`, position: { file: src.file, line: 1, column: 1 } });
    return { lineCounter, diagnostics };
  }
  for (const err of [...doc.errors, ...doc.warnings]) {
    const at = errorOffset(src.text, err.message, err.pos[0]);
    const lp = lineCounter.linePos(at);
    let firstLine = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    if (err.code === 'MULTIPLE_DOCS') firstLine = 'a config file holds one YAML document; a second one starts here';
    diagnostics.push({
      code: 'E_YAML',
      severity: doc.errors.includes(err as never) ? 'error' : 'warning',
      message: `invalid YAML: ${firstLine}`,
      position: { file: src.file, line: lp.line, column: lp.col },
    });
  }
  for (const dup of duplicateKeys(doc)) {
    const lp = lineCounter.linePos(dup.node.range?.[0] ?? 0);
    diagnostics.push({
      code: 'E_DUPLICATE_KEY',
      severity: 'error',
      message: `duplicate key "${dup.key}" (also at line ${lineOf(lineCounter, dup.first)})`,
      position: { file: src.file, line: lp.line, column: lp.col },
    });
  }
  if (doc.contents === null && diagnostics.length === 0) {
    diagnostics.push({ code: 'W_EMPTY', severity: 'warning', message: 'the config is empty: every section takes its default (stdin to stdout)', position: { file: src.file, line: 1, column: 1 } });
  }
  return { doc, lineCounter, diagnostics };
}

function linePosIn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: offset - start + 1 };
}

/**
 * Where to point for a YAML error: an unclosed quote or bracket is reported where the file
 * ends, so point at the quote or bracket that opened it instead.
 */
function errorOffset(text: string, message: string, at: number): number {
  const quote = /Missing closing ("|')quote/.exec(message)?.[1];
  if (quote) return openingToken(text, at, (tok) => tok[0] === quote) ?? at;
  // Indentation errors are reported where the line starts: point at what is misplaced.
  if (text[at] === ' ' && /^ *$/.test(text.slice(text.lastIndexOf('\n', at - 1) + 1, at))) {
    let i = at;
    while (text[i] === ' ') i++;
    if (text[i] !== '\n' && i < text.length) return i;
  }
  if (/^Flow (sequence|map)[^\n]*(end with a|must end)/.test(message) || /^Expected flow (sequence|map) to end/.test(message)) {
    const open = unclosedBracket(text, at);
    if (open !== undefined) return open;
  }
  return at;
}

/** The offset of the last lexer token before `end` that `pick` accepts. */
function openingToken(text: string, end: number, pick: (tok: string) => boolean): number | undefined {
  let found: number | undefined;
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (CONTROL_TOKENS.has(tok)) continue;
    if (offset > end) break;
    if (pick(tok)) found = offset;
    offset += tok.length;
  }
  return found;
}

/** The offset of the last `[` or `{` still open at `end`, from the lexer's tokens (quotes are handled there). */
function unclosedBracket(text: string, end: number): number | undefined {
  const open: number[] = [];
  let offset = 0;
  for (const tok of new Lexer().lex(text)) {
    if (CONTROL_TOKENS.has(tok)) continue;
    if (offset >= end) break;
    if (tok === '[' || tok === '{') open.push(offset);
    else if (tok === ']' || tok === '}') open.pop();
    offset += tok.length;
  }
  return open[open.length - 1];
}

function parseYamlCached(src: SourceFile, cache: WeakMap<SourceFile, ParsedYaml> | undefined): ParsedYaml {
  let parsed = cache?.get(src);
  if (parsed === undefined) {
    parsed = parseYaml(src);
    cache?.set(src, parsed);
  }
  return parsed;
}

function context(src: SourceFile, lc: LineCounter, opts: LoadOptions, labels: Map<string, string>, doc: Document): ParseContext {
  setAliasDocument(doc);
  setSourceText(src.text);
  return { file: src.file, lineCounter: lc, diagnostics: [], env: opts.env ?? process.env, lookup: opts.lookup, hooks: opts.hooks ?? {}, labels };
}

const RESOURCE_SECTIONS = ['input_resources', 'processor_resources', 'output_resources', 'cache_resources', 'rate_limit_resources'] as const;

export function loadConfig(main: SourceFile, opts: LoadOptions): LoadResult {
  const parsed = parseYamlCached(main, opts.yamlCache);
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.doc || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const doc = parsed.doc;
  for (const set of opts.sets ?? []) {
    const eq = set.indexOf('=');
    if (eq <= 0) {
      diagnostics.push({ code: 'E_SET', severity: 'error', message: `--set "${set}": expected path.to.field=value` });
      continue;
    }
    const path = set.slice(0, eq).split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const valueDoc = parseDocument(set.slice(eq + 1));
    if (doc.contents === null) doc.contents = doc.createNode({}) as never;
    doc.setIn(path, valueDoc.contents);
  }
  let root: Node | undefined = (doc.contents as Node | null) ?? undefined;
  if (root !== undefined && isScalar(root) && root.value === null) root = undefined;
  if (root !== undefined && !isMap(root)) {
    diagnostics.push({ code: 'E_TYPE', severity: 'error', message: 'the config must be a YAML object with sections such as input, pipeline and output', position: { file: main.file, line: 1, column: 1 } });
    return { diagnostics };
  }
  const labels = new Map<string, string>();
  const ctx = context(main, parsed.lineCounter, opts, labels, doc);
  const config = parseField(streamConfigSpec, root ?? null, '', ctx) as StreamConfig | undefined;
  diagnostics.push(...ctx.diagnostics);

  for (const res of opts.resources ?? []) {
    const rp = parseYamlCached(res, opts.yamlCache);
    diagnostics.push(...rp.diagnostics);
    if (!rp.doc || !isMap(rp.doc.contents)) continue;
    const rctx = context(res, rp.lineCounter, opts, labels, rp.doc);
    const sections = rp.doc.contents;
    for (const pair of sections.items) {
      const key = keyOf(pair);
      const spec = streamConfigSpec.children!.find((c) => c.name === key);
      if (!spec || !(RESOURCE_SECTIONS as readonly string[]).includes(key)) {
        if (spec) continue; // other sections in a resource file are ignored, as in Benthos
        rctx.diagnostics.push({ code: 'E_UNKNOWN_FIELD', severity: 'error', message: `field ${key} not recognised`, path: key, position: { file: res.file, ...pos(rp.lineCounter, pair.key as Node) } });
        continue;
      }
      const list = parseField(spec, pair.value as Node, key, rctx) as never[] | undefined;
      if (config && list) ((config[key as (typeof RESOURCE_SECTIONS)[number]] ??= []) as never[]).push(...list);
    }
    diagnostics.push(...rctx.diagnostics);
  }

  if (config) {
    for (const section of RESOURCE_SECTIONS) {
      // A section that failed to parse (`cache_resources: 5`) is undefined; already reported.
      for (const r of config[section] ?? []) {
        // An entry that failed to parse is undefined here; its own error is already reported.
        if (r !== undefined && r.label === '') {
          diagnostics.push({ code: 'E_LABEL', severity: 'error', message: `${section} entries need a label so components can refer to them`, path: r.path, position: r.position });
        }
      }
    }
  }
  if (config) fillDefaultEnds(config, doc, ctx);
  if (config) diagnostics.push(...unknownResourceLabels(config));
  // Whatever prints these values later (driver errors, logs, diagnostics) prints them scrubbed.
  if (config) registerConfigSecrets(config, opts.lookup);
  setAliasDocument(undefined);
  setSourceText(undefined);
  if (opts.chilled) {
    for (let i = 0; i < diagnostics.length; i++) {
      const d = diagnostics[i]!;
      if (d.code === 'E_UNKNOWN_FIELD' && d.severity === 'error') diagnostics[i] = { ...d, severity: 'warning' };
    }
  }
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return { config: ok ? config : undefined, diagnostics };
}

/**
 * A config without `input` reads stdin and one without `output` writes stdout (as in Benthos).
 * They are parsed like written ones, `stdin: {}`, so nested defaults (the `lines` scanner) are
 * real component configs and not raw objects.
 */
function fillDefaultEnds(config: StreamConfig, doc: Document, ctx: ReturnType<typeof context>): void {
  for (const [key, type] of [['input', 'stdin'], ['output', 'stdout']] as const) {
    if (config[key] !== undefined) continue;
    const spec = streamConfigSpec.children!.find((c) => c.name === key)!;
    const parsed = parseField(spec, doc.createNode({ [type]: {} }) as Node, key, ctx) as ComponentConfig | undefined;
    if (parsed) config[key] = parsed;
  }
}

function pos(lc: LineCounter, node: Node): { line: number; column: number } {
  const lp = lc.linePos(node.range?.[0] ?? 0);
  return { line: lp.line, column: lp.col };
}
