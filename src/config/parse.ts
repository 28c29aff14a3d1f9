/**
 * Parses YAML nodes against field specs: fills defaults, substitutes `${ENV}`, checks types, and
 * collects positioned diagnostics instead of throwing, so lint can report every problem at once.
 */
import { Document, isMap, isScalar, isSeq, isAlias, type Node, type LineCounter, Pair, Scalar, YAMLMap } from 'yaml';
import type { Diagnostic, Position } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import type { ComponentKind, ComponentSpec, FieldSpec } from './spec.js';
import { substituteEnv } from './env.js';
import { didYouMean } from './suggest.js';
import { scalarOffsets } from './scalar_source_map.js';

/** A nested component as written in config, built later through the registry. */
export interface ComponentConfig {
  kind: ComponentKind;
  type: string;
  label: string;
  /** The component's own config, parsed against its spec with defaults. */
  config: unknown;
  /** Processors attached to an input or output. */
  processors: ComponentConfig[];
  /** Dotted path in the config, e.g. `output.broker.outputs.1`. */
  path: string;
  position?: Position;
}

export function isComponentConfig(v: unknown): v is ComponentConfig {
  return typeof v === 'object' && v !== null && COMPONENT_TAG in v;
}
export const COMPONENT_TAG = Symbol('sluice.component');

export interface ComponentLookup {
  spec(kind: ComponentKind, name: string): ComponentSpec | undefined;
  names(kind: ComponentKind): string[];
}

export interface ParseHooks {
  /** Validate a Bloblang mapping; diagnostics are positioned in the file. */
  /** `locate` turns an offset in `src` into its position in the config file. */
  checkMapping?(src: string, locate: Locate): Diagnostic[];
  checkInterpolation?(src: string, locate: Locate): Diagnostic[];
}

export type Locate = (offset: number) => Position;

export interface ParseContext {
  file?: string;
  lineCounter: LineCounter;
  diagnostics: Diagnostic[];
  env: Record<string, string | undefined>;
  lookup: ComponentLookup;
  hooks: ParseHooks;
  /** Labels seen so far, for duplicate detection. */
  labels: Map<string, string>;
}

export function positionOf(ctx: ParseContext, node: Node | null | undefined): Position | undefined {
  const offset = node?.range?.[0];
  if (offset === undefined) return undefined;
  const lp = ctx.lineCounter.linePos(offset);
  return { file: ctx.file, line: lp.line, column: lp.col };
}

function report(ctx: ParseContext, code: string, message: string, node: Node | null | undefined, path: string, hint?: string): void {
  ctx.diagnostics.push({ code, message, severity: 'error', position: positionOf(ctx, node), path, hint });
}

const INT_RE = /^[-+]?\d+$/;
const FLOAT_RE = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** The scalar's value with `${ENV}` substituted in strings. */
function scalarValue(node: Scalar, path: string, ctx: ParseContext): { value: unknown; fromEnv: boolean; missing: boolean } {
  const v = node.value;
  if (typeof v !== 'string') return { value: v, fromEnv: false, missing: false };
  const r = substituteEnv(v, ctx.env);
  for (const name of r.missing) {
    report(ctx, 'E_ENV_MISSING', `required environment variable ${name} is not set`, node, path, `set ${name} or give a default: \${${name}:value}`);
  }
  return { value: r.value, fromEnv: r.substituted, missing: r.missing.length > 0 };
}

/** How a field is named in messages: its name, or its path for list and map elements. */
function fieldName(spec: FieldSpec, path: string): string {
  return spec.name || path;
}

/** Plain JS of any node, with env substitution in strings. */
export function nodeToJS(node: Node | null | undefined, path: string, ctx: ParseContext): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return nodeToJS(resolveAlias(node, path, ctx), path, ctx);
  if (isScalar(node)) return scalarValue(node, path, ctx).value;
  if (isSeq(node)) return node.items.map((n, i) => nodeToJS(n as Node, `${path}.${i}`, ctx));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      defineKey(out, key, nodeToJS(pair.value as Node, `${path}.${key}`, ctx));
    }
    return out;
  }
  return null;
}
// Aliases are resolved by the document; the loader sets this before parsing.
let ctxDoc: import('yaml').Document | undefined;
let aliasBudget = 0;
/** Aliases expand at most this many times per document: stops "billion laughs" configs. */
const MAX_ALIAS_EXPANSIONS = 1000;
export function setAliasDocument(doc: import('yaml').Document | undefined): void {
  ctxDoc = doc;
  aliasBudget = MAX_ALIAS_EXPANSIONS;
}

function resolveAlias(node: import('yaml').Alias, path: string, ctx: ParseContext): Node | null {
  if (--aliasBudget < 0 || !ctxDoc) {
    if (aliasBudget === -1) report(ctx, 'E_ALIAS', `too many YAML alias expansions (more than ${MAX_ALIAS_EXPANSIONS})`, node, path);
    return null;
  }
  const target = node.resolve(ctxDoc) as Node | undefined;
  if (target === undefined) {
    report(ctx, 'E_ALIAS', `Aliased anchor not found: ${node.source}`, node, path);
    return null;
  }
  return target;
}

/** Assign without ever touching Object.prototype (a `__proto__` key is plain data). */
export function defineKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function isNullNode(node: Node | null | undefined): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** Parse a node against a spec. `node` undefined means the field is absent. */
export function parseField(spec: FieldSpec, node: Node | null | undefined, path: string, ctx: ParseContext, parent?: Node): unknown {
  // A component resolves its own alias, so its errors point where the alias is written.
  if (node !== undefined && node !== null && isAlias(node) && !COMPONENT_KINDS.has(spec.kind)) node = resolveAlias(node, path, ctx);
  if (node === undefined) {
    if (spec.default !== undefined && COMPONENT_KINDS.has(spec.kind)) {
      // A default component (e.g. `scanner: {lines: {}}`) is parsed like one written out.
      return parseComponent(spec.kind as ComponentKind, new Document().createNode(spec.default) as Node, path, ctx);
    }
    if (spec.default !== undefined) return structuredCloneSafe(spec.default);
    if (spec.optional) return undefined;
    if (spec.kind === 'object') return parseObject(spec, undefined, path, ctx, parent);
    report(ctx, 'E_REQUIRED', `field ${fieldName(spec, path)} is required`, parent, path);
    return undefined;
  }
  if (node === null) {
    // `key:` with no value: an empty object/list, the default, or null for `any`.
    if (spec.kind === 'object') return parseObject(spec, undefined, path, ctx, parent);
    if (spec.kind === 'array') return [];
    if (spec.kind === 'map') return {};
    if (spec.kind === 'any') return null;
    if (spec.default !== undefined) return structuredCloneSafe(spec.default);
    if (spec.optional) return undefined;
    if (spec.kind !== 'input' && spec.kind !== 'output' && spec.kind !== 'processor') {
      report(ctx, 'E_REQUIRED', `field ${fieldName(spec, path)} needs a value`, parent, path);
      return undefined;
    }
  }
  if (COMPONENT_KINDS.has(spec.kind)) return parseComponent(spec.kind as ComponentKind, node, path, ctx);
  const n = node as Node;
  switch (spec.kind) {
    case 'string':
    case 'bloblang':
    case 'interpolated':
      return parseStringLike(spec, n, path, ctx);
    case 'int':
    case 'float':
      return parseNumber(spec, n, path, ctx);
    case 'bool':
      return parseBool(spec, n, path, ctx);
    case 'duration':
      return parseDurationField(spec, n, path, ctx);
    case 'object':
      return parseObject(spec, n, path, ctx);
    case 'array':
      return parseArray(spec, n, path, ctx);
    case 'map':
      return parseMap(spec, n, path, ctx);
    default:
      return nodeToJS(n, path, ctx);
  }
}

const COMPONENT_KINDS = new Set<string>(['input', 'output', 'processor', 'cache', 'rate_limit', 'buffer', 'metrics', 'tracer', 'scanner']);

function structuredCloneSafe(v: unknown): unknown {
  return typeof v === 'object' && v !== null ? structuredClone(v) : v;
}

function parseStringLike(spec: FieldSpec, node: Node, path: string, ctx: ParseContext): unknown {
  if (!isScalar(node) || (node.value !== null && typeof node.value === 'object')) {
    report(ctx, 'E_TYPE', `field ${fieldName(spec, path)}: expected a string, got ${nodeKind(node)}`, node, path);
    return undefined;
  }
  if (node.value === null) return spec.default ?? (spec.optional ? undefined : '');
  const { value } = scalarValue(node, path, ctx);
  const s = String(value);
  if (spec.options && !spec.options.includes(s)) {
    report(ctx, 'E_OPTION', `field ${fieldName(spec, path)}: value "${s}" is not one of ${spec.options.join(', ')}${didYouMean(s, spec.options)}`, node, path);
  }
  const wantsMapping = spec.kind === 'bloblang' && ctx.hooks.checkMapping && s !== '';
  const wantsInterp = spec.kind === 'interpolated' && ctx.hooks.checkInterpolation && s.includes('${!');
  if ((wantsMapping || wantsInterp) && node.range) {
    const locate = locator(ctx, node);
    ctx.diagnostics.push(...(wantsMapping ? ctx.hooks.checkMapping!(s, locate) : ctx.hooks.checkInterpolation!(s, locate)));
  }
  runCheck(spec, s, node, path, ctx);
  return s;
}

/** Positions in the file of the characters of a scalar's value (through escapes, folding, indentation). */
function locator(ctx: ParseContext, node: Scalar): Locate {
  let offsets: number[] | undefined;
  return (offset) => {
    offsets ??= scalarOffsets(ctxSource ?? '', node.type, node.range![0], node.range![1]);
    const at = offsets[Math.max(0, Math.min(offset, offsets.length - 1))]!;
    const lp = ctx.lineCounter.linePos(at);
    return { file: ctx.file, line: lp.line, column: lp.col };
  };
}
let ctxSource: string | undefined;
export function setSourceText(src: string | undefined): void {
  ctxSource = src;
}

function parseNumber(spec: FieldSpec, node: Node, path: string, ctx: ParseContext): unknown {
  if (!isScalar(node)) {
    report(ctx, 'E_TYPE', `field ${fieldName(spec, path)}: expected a number, got ${nodeKind(node)}`, node, path);
    return undefined;
  }
  const sv = scalarValue(node, path, ctx);
  if (sv.missing) return undefined; // already reported: the variable, not the type, is the problem
  let { value } = sv;
  if (typeof value === 'string') {
    const t = value.trim();
    if (spec.kind === 'int' ? INT_RE.test(t) : FLOAT_RE.test(t)) value = Number(t);
  }
  if (typeof value !== 'number' || Number.isNaN(value)) {
    report(ctx, 'E_TYPE', `field ${fieldName(spec, path)}: expected ${spec.kind === 'int' ? 'an integer' : 'a number'}, got ${describeScalar(value)}`, node, path);
    return undefined;
  }
  if (spec.kind === 'int' && !Number.isInteger(value)) {
    report(ctx, 'E_TYPE', `field ${fieldName(spec, path)}: expected an integer, got ${value}`, node, path);
    return undefined;
  }
  runCheck(spec, value, node, path, ctx);
  return value;
}

function parseBool(spec: FieldSpec, node: Node, path: string, ctx: ParseContext): unknown {
  if (!isScalar(node)) {
    report(ctx, 'E_TYPE', `field ${fieldName(spec, path)}: expected a boolean, got ${nodeKind(node)}`, node, path);
    return undefined;
  }
  const sv = scalarValue(node, path, ctx);
  if (sv.missing) return undefined;
  let { value } = sv;
  if (value === 'true') value = true;
  else if (value === 'false') value = false;
  if (typeof value !== 'boolean') {
    report(ctx, 'E_TYPE', `field ${fieldName(spec, path)}: expected true or false, got ${describeScalar(value)}`, node, path);
    return undefined;
  }
  return value;
}

function parseDurationField(spec: FieldSpec, node: Node, path: string, ctx: ParseContext): unknown {
  if (!isScalar(node)) {
    report(ctx, 'E_TYPE', `field ${fieldName(spec, path)}: expected a duration string such as "5s", got ${nodeKind(node)}`, node, path);
    return undefined;
  }
  const { value, missing } = scalarValue(node, path, ctx);
  if (missing) return undefined;
  const s = String(value ?? '');
  if (s === '' && spec.optional) return s;
  try {
    if (s !== '') parseDuration(s);
  } catch (e) {
    report(ctx, 'E_DURATION', `field ${fieldName(spec, path)}: ${(e as Error).message}`, node, path, 'use a number with a unit: ns, us, ms, s, m or h (e.g. "500ms", "1m30s")');
    return undefined;
  }
  return s;
}

function parseObject(spec: FieldSpec, node: Node | undefined, path: string, ctx: ParseContext, parent?: Node): unknown {
  const children = spec.children ?? [];
  const out: Record<string, unknown> = {};
  if (node !== undefined && !isNullNode(node) && !isMap(node)) {
    report(ctx, 'E_TYPE', `field ${spec.name || path}: expected an object, got ${nodeKind(node)}`, node, path);
    return undefined;
  }
  const map = node !== undefined && isMap(node) ? node : undefined;
  const seen = new Map<string, Pair>();
  if (map) {
    const names = children.map((c) => c.name);
    for (const pair of map.items) {
      const key = keyOf(pair);
      if (seen.has(key)) continue;
      seen.set(key, pair);
      if (!names.includes(key)) {
        report(ctx, 'E_UNKNOWN_FIELD', `field ${key} not recognised${didYouMean(key, names)}`, pair.key as Node, joinPath(path, key));
      }
    }
  }
  for (const child of children) {
    const pair = seen.get(child.name);
    const v = parseField(child, pair ? ((pair.value as Node | null) ?? null) : undefined, joinPath(path, child.name), ctx, (pair?.key as Node) ?? map ?? parent);
    if (v !== undefined) defineKey(out, child.name, v);
  }
  runCheck(spec, out, node ?? parent, path, ctx);
  return out;
}

function parseArray(spec: FieldSpec, node: Node, path: string, ctx: ParseContext): unknown {
  const elem = spec.elem!;
  if (isNullNode(node)) return [];
  if (!isSeq(node)) {
    if (spec.scalarToArray && isScalar(node)) return [parseField(elem, node, `${path}.0`, ctx)];
    report(ctx, 'E_TYPE', `field ${fieldName(spec, path)}: expected a list, got ${nodeKind(node)}`, node, path);
    return undefined;
  }
  const out = node.items.map((n, i) => parseField(elem, (n as Node | null) ?? null, `${path}.${i}`, ctx, node));
  runCheck(spec, out, node, path, ctx);
  return out;
}

function parseMap(spec: FieldSpec, node: Node, path: string, ctx: ParseContext): unknown {
  if (isNullNode(node)) return {};
  if (!isMap(node)) {
    report(ctx, 'E_TYPE', `field ${fieldName(spec, path)}: expected an object, got ${nodeKind(node)}`, node, path);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const pair of node.items) {
    const key = keyOf(pair);
    defineKey(out, key, parseField(spec.elem!, (pair.value as Node | null) ?? null, joinPath(path, key), ctx, pair.key as Node));
  }
  return out;
}

/** `{ label?, processors?, <type>: <config> }` → ComponentConfig. */
export function parseComponent(kind: ComponentKind, node: Node | null, path: string, ctx: ParseContext): ComponentConfig | undefined {
  // Problems are reported where the alias is written, not where its anchor is.
  const written = node;
  if (node !== null && isAlias(node)) node = resolveAlias(node, path, ctx);
  if (node === null || !isMap(node)) {
    report(ctx, 'E_TYPE', `expected a ${kind} object with a component type key (one of ${ctx.lookup.names(kind).slice(0, 8).join(', ')}, ...), got ${nodeKind(node)}`, written, path);
    return undefined;
  }
  let label = '';
  let procsNode: Node | undefined;
  const typePairs: Pair[] = [];
  for (const pair of node.items) {
    const key = keyOf(pair);
    if (key === 'label') {
      const v = isScalar(pair.value) ? pair.value.value : undefined;
      label = v === null || v === undefined ? '' : String(v);
      if (label !== '' && !/^[a-z0-9_]+$/.test(label)) {
        report(ctx, 'E_LABEL', `label "${label}" is invalid: use lowercase letters, digits and underscores`, pair.value as Node, joinPath(path, 'label'));
      }
    } else if (key === 'processors' && (kind === 'input' || kind === 'output')) {
      procsNode = (pair.value as Node | null) ?? undefined;
    } else typePairs.push(pair);
  }
  if (typePairs.length === 0) {
    report(ctx, 'E_NO_TYPE', `${kind} has no component type: add a key naming one (e.g. ${ctx.lookup.names(kind).slice(0, 3).join(', ')})`, node, path);
    return undefined;
  }
  if (typePairs.length > 1) {
    const names = typePairs.map(keyOf);
    const known = names.filter((n) => ctx.lookup.spec(kind, n));
    // Several keys: either several types, or a type plus misplaced fields.
    for (const p of typePairs) {
      const k = keyOf(p);
      if (!ctx.lookup.spec(kind, k) && known.length > 0) {
        report(ctx, 'E_UNKNOWN_FIELD', `field ${k} not recognised`, p.key as Node, joinPath(path, k), `fields of ${known[0]} go under the "${known[0]}:" key`);
      }
    }
    if (known.length > 1) report(ctx, 'E_MULTI_TYPE', `${kind} has several component types (${known.join(', ')}); use one per ${kind}`, node, path);
    if (known.length !== 1) {
      if (known.length === 0) report(ctx, 'E_UNKNOWN_TYPE', `unknown ${kind} type "${names[0]}"${didYouMean(names[0]!, ctx.lookup.names(kind))}`, typePairs[0]!.key as Node, path);
      return undefined;
    }
  }
  const typePair = typePairs.find((p) => ctx.lookup.spec(kind, keyOf(p))) ?? typePairs[0]!;
  const type = keyOf(typePair);
  const spec = ctx.lookup.spec(kind, type);
  if (!spec) {
    report(ctx, 'E_UNKNOWN_TYPE', `unknown ${kind} type "${type}"${didYouMean(type, ctx.lookup.names(kind))}`, typePair.key as Node, path, `run \`sluice list ${kind}s\` to see them all`);
    return undefined;
  }
  if (label !== '') {
    const prev = ctx.labels.get(label);
    if (prev !== undefined) {
      const labelNode = node.items.find((p) => keyOf(p) === 'label')?.value as Node;
      report(ctx, 'E_DUPLICATE_LABEL', `label "${label}" is used more than once (also at ${prev})`, labelNode, joinPath(path, 'label'));
    } else {
      const labelNode = node.items.find((p) => keyOf(p) === 'label')?.value as Node;
      const p = positionOf(ctx, labelNode);
      ctx.labels.set(label, p ? `line ${p.line}` : path);
    }
  }
  const confPath = joinPath(path, type);
  let valueNode = (typePair.value as Node | null) ?? null;
  if (valueNode !== null && isAlias(valueNode)) valueNode = resolveAlias(valueNode, confPath, ctx);
  let config: unknown;
  if (spec.config.kind === 'object') {
    config = parseObject(spec.config, isNullNode(valueNode) ? undefined : (valueNode as Node), confPath, ctx, typePair.key as Node);
  } else {
    config = parseField(spec.config, valueNode === null && spec.config.default !== undefined ? undefined : valueNode, confPath, ctx, typePair.key as Node);
  }
  for (const w of spec.lint?.(config) ?? []) {
    const fieldNode = isMap(valueNode) ? (valueNode.items.find((p) => keyOf(p) === w.field)?.key as Node | undefined) : undefined;
    ctx.diagnostics.push({ code: w.code, message: w.message, severity: 'warning', position: positionOf(ctx, fieldNode ?? (typePair.key as Node)), path: joinPath(confPath, w.field) });
  }
  let processors: ComponentConfig[] = [];
  if (procsNode !== undefined && !isNullNode(procsNode)) {
    if (!isSeq(procsNode)) report(ctx, 'E_TYPE', `field processors: expected a list, got ${nodeKind(procsNode)}`, procsNode, joinPath(path, 'processors'));
    else {
      processors = procsNode.items
        .map((n, i) => parseComponent('processor', (n as Node | null) ?? null, `${joinPath(path, 'processors')}.${i}`, ctx))
        .filter((c): c is ComponentConfig => c !== undefined);
    }
  }
  const cc: ComponentConfig = { kind, type, label, config, processors, path, position: positionOf(ctx, node) };
  Object.defineProperty(cc, COMPONENT_TAG, { value: true, enumerable: false });
  return cc;
}

function runCheck(spec: FieldSpec, value: unknown, node: Node | null | undefined, path: string, ctx: ParseContext): void {
  if (!spec.check) return;
  const msg = spec.check(value);
  if (msg) report(ctx, 'E_INVALID', `field ${spec.name || path}: ${msg}`, node, path);
}

export function keyOf(pair: Pair): string {
  const k = pair.key;
  if (isScalar(k)) return String(k.value);
  return String(k);
}

export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function nodeKind(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'an object';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) return describeScalar(node.value);
  return 'an unknown node';
}

function describeScalar(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string "${v}"`;
  return `${typeof v} ${String(v)}`;
}

export { YAMLMap };
