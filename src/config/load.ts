/**
 * Loading a stream config: YAML with positions, `--set` overrides, resource files, then parsing
 * against the stream spec. Never throws on bad input: everything wrong comes back as diagnostics.
 */
import { LineCounter, parseDocument, isMap, isScalar, type Node, type Document } from 'yaml';
import type { Diagnostic } from '../core/errors.js';
import { parseField, setAliasDocument, setSourceText, type ComponentLookup, type ParseContext, type ParseHooks, keyOf } from './parse.js';
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
}

export interface LoadResult {
  config?: StreamConfig;
  diagnostics: Diagnostic[];
}

interface ParsedYaml {
  doc?: Document;
  lineCounter: LineCounter;
  diagnostics: Diagnostic[];
}

export function parseYaml(src: SourceFile): ParsedYaml {
  const lineCounter = new LineCounter();
  const diagnostics: Diagnostic[] = [];
  let doc: Document;
  try {
    doc = parseDocument(src.text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  } catch (e) {
    diagnostics.push({ code: 'E_YAML', severity: 'error', message: `invalid YAML: ${(e as Error).message}`, position: { file: src.file, line: 1, column: 1 } });
    return { lineCounter, diagnostics };
  }
  for (const err of [...doc.errors, ...doc.warnings]) {
    let at = err.pos[0];
    // An unclosed quote is reported where the file ends; point at the quote that opened it.
    const quote = /Missing closing ("|')quote/.exec(err.message)?.[1];
    if (quote) {
      for (let i = Math.min(at, src.text.length) - 1; i >= 0; i--) {
        if (src.text[i] === quote && src.text[i - 1] !== '\\') {
          at = i;
          break;
        }
      }
    }
    const lp = lineCounter.linePos(at);
    const firstLine = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    const isDup = err.code === 'DUPLICATE_KEY';
    diagnostics.push({
      code: isDup ? 'E_DUPLICATE_KEY' : 'E_YAML',
      severity: doc.errors.includes(err as never) ? 'error' : 'warning',
      message: isDup ? `duplicate key: ${firstLine.replace(/^Map keys must be unique.*$/, 'the same key appears twice in this object')}` : `invalid YAML: ${firstLine}`,
      position: { file: src.file, line: lp.line, column: lp.col },
    });
  }
  return { doc, lineCounter, diagnostics };
}

function context(src: SourceFile, lc: LineCounter, opts: LoadOptions, labels: Map<string, string>, doc: Document): ParseContext {
  setAliasDocument(doc);
  setSourceText(src.text);
  return { file: src.file, lineCounter: lc, diagnostics: [], env: opts.env ?? process.env, lookup: opts.lookup, hooks: opts.hooks ?? {}, labels };
}

const RESOURCE_SECTIONS = ['input_resources', 'processor_resources', 'output_resources', 'cache_resources', 'rate_limit_resources'] as const;

export function loadConfig(main: SourceFile, opts: LoadOptions): LoadResult {
  const parsed = parseYaml(main);
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
    const rp = parseYaml(res);
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
      if (config && list) (config[key as (typeof RESOURCE_SECTIONS)[number]] as never[]).push(...list);
    }
    diagnostics.push(...rctx.diagnostics);
  }

  if (config) {
    for (const section of RESOURCE_SECTIONS) {
      for (const r of config[section]) {
        if (r.label === '') {
          diagnostics.push({ code: 'E_LABEL', severity: 'error', message: `${section} entries need a label so components can refer to them`, path: r.path, position: r.position });
        }
      }
    }
  }
  setAliasDocument(undefined);
  setSourceText(undefined);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return { config: ok ? config : undefined, diagnostics };
}

function pos(lc: LineCounter, node: Node): { line: number; column: number } {
  const lp = lc.linePos(node.range?.[0] ?? 0);
  return { line: lp.line, column: lp.col };
}
