/**
 * `sluice create [inputs/processors/outputs]`: a starter config built from component names, each
 * with its fields at their defaults (`--small`: only input, pipeline and output, without advanced
 * fields). Required fields without a default get the spec's first example, or an empty value of
 * their type, so the result always passes `sluice lint`.
 */
import type { ComponentKind, FieldSpec } from '../config/spec.js';
import { streamConfigSpec } from '../config/stream_config.js';
import { toYaml } from '../config/echo.js';
import { defaultRegistry } from '../plugin/registry.js';

const COMPONENT_KINDS = new Set<string>(['input', 'output', 'processor', 'cache', 'rate_limit', 'buffer', 'metrics', 'tracer', 'scanner']);

export interface Expression {
  inputs: string[];
  processors: string[];
  outputs: string[];
}

/** `stdin/mapping,log/stdout` → its three lists; empty parts are allowed (`//stdout`). */
export function parseExpression(expr: string): Expression {
  const parts = expr.split('/');
  if (parts.length > 3) throw new Error(`"${expr}" has more than three parts: use inputs/processors/outputs`);
  const names = (i: number): string[] =>
    (parts[i] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return { inputs: names(0), processors: names(1), outputs: names(2) };
}

interface Options {
  small: boolean;
}

function keepField(f: FieldSpec, opts: Options): boolean {
  return !f.deprecated && !(opts.small && f.advanced);
}

/** Simplest components, used when a required component field has no default. */
const FALLBACK_COMPONENTS: Partial<Record<ComponentKind, string[]>> = {
  input: ['stdin', 'generate'],
  output: ['stdout', 'drop'],
  processor: ['noop', 'mapping'],
  scanner: ['lines'],
  cache: ['memory'],
};

/** An empty value of a field's type, for required fields with no default or example. */
function zeroValue(f: FieldSpec): unknown {
  switch (f.kind) {
    case 'int':
    case 'float':
      return 0;
    case 'bool':
      return false;
    case 'array':
      return [];
    case 'map':
    case 'object':
      return {};
    case 'any':
      return null;
    case 'bloblang':
      return 'root = this';
    default:
      return f.options?.[0] ?? '';
  }
}

/** The starter value of a field, or undefined to leave it out. */
function starterValue(f: FieldSpec, opts: Options): unknown {
  if (COMPONENT_KINDS.has(f.kind)) {
    const kind = f.kind as ComponentKind;
    if (f.default !== undefined) return expandComponentDefault(kind, f.default, opts);
    if (f.optional) return undefined;
    const name = (FALLBACK_COMPONENTS[kind] ?? []).find((n) => defaultRegistry.spec(kind, n)) ?? defaultRegistry.names(kind)[0];
    return name ? componentValue(kind, name, opts) : undefined;
  }
  if (f.kind === 'object' && f.children && f.default === undefined && !f.optional) return objectValue(f.children, opts);
  if (f.default !== undefined) return typeof f.default === 'object' && f.default !== null ? structuredClone(f.default) : f.default;
  if (f.optional) return undefined;
  return f.examples.length > 0 ? f.examples[0] : zeroValue(f);
}

function objectValue(children: FieldSpec[], opts: Options): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of children) {
    if (!keepField(c, opts)) continue;
    const v = starterValue(c, opts);
    if (v !== undefined) out[c.name] = v;
  }
  return out;
}

/** A default such as `{ lines: {} }` written out with the component's own defaults. */
function expandComponentDefault(kind: ComponentKind, def: unknown, opts: Options): unknown {
  if (typeof def !== 'object' || def === null) return def;
  const keys = Object.keys(def);
  const type = keys.find((k) => defaultRegistry.spec(kind, k));
  if (!type || keys.some((k) => k !== type && k !== 'label')) return structuredClone(def);
  return componentValue(kind, type, opts);
}

/** `{ <type>: <config at defaults> }` of a registered component. */
export function componentValue(kind: ComponentKind, type: string, opts: Options): Record<string, unknown> {
  const spec = defaultRegistry.spec(kind, type);
  if (!spec) {
    const known = defaultRegistry.names(kind);
    throw new Error(`unknown ${kind.replace('_', ' ')} type "${type}"${known.length ? `; known: ${known.join(', ')}` : ''}`);
  }
  const conf = spec.config;
  const value = conf.kind === 'object' ? objectValue(conf.children ?? [], opts) : starterValue(conf, opts);
  return { [type]: value ?? {} };
}

/** One component, or a broker over several (as Benthos does for `a,b/…/c,d`). */
function mainComponent(kind: 'input' | 'output', names: string[], opts: Options): Record<string, unknown> {
  if (names.length === 1) return componentValue(kind, names[0]!, opts);
  const list = names.map((n) => componentValue(kind, n, opts));
  if (!defaultRegistry.spec(kind, 'broker')) throw new Error(`several ${kind}s need the broker ${kind}, which this build does not have`);
  const broker = componentValue(kind, 'broker', opts);
  (broker.broker as Record<string, unknown>)[`${kind}s`] = list;
  return broker;
}

/** The starter config as a plain object, sections in the order Benthos prints them. */
export function starterConfig(expr: string | undefined, opts: Options): Record<string, unknown> {
  const e = parseExpression(expr ?? '');
  const input = mainComponent('input', e.inputs.length ? e.inputs : ['stdin'], opts);
  const output = mainComponent('output', e.outputs.length ? e.outputs : ['stdout'], opts);
  const processors = e.processors.map((p) => componentValue('processor', p, opts));
  const out: Record<string, unknown> = {};
  for (const section of streamConfigSpec.children ?? []) {
    if (section.name === 'input') out.input = input;
    else if (section.name === 'output') out.output = output;
    else if (section.name === 'pipeline') out.pipeline = { ...(objectValue(section.children ?? [], opts) as object), processors };
    else if (!opts.small && keepField(section, opts)) {
      const v = starterValue(section, opts);
      if (v !== undefined) out[section.name] = v;
    }
  }
  return out;
}

export function createCommand(
  expr: string | undefined,
  opts: Options,
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
): number {
  try {
    out(toYaml(starterConfig(expr, opts)));
    return 0;
  } catch (e) {
    err(`sluice create: ${(e as Error).message}\n`);
    return 1;
  }
}
