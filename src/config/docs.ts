/**
 * Docs from specs: the Markdown page of a component (summary, a config snippet at defaults,
 * every field with its type, default, options and examples, then the spec's examples), and the
 * starter values that both the snippet and `sluice create` use.
 */
import type { ComponentLookup } from './parse.js';
import type { ComponentKind, ComponentSpec, FieldSpec } from './spec.js';
import { toYaml } from './echo.js';

const COMPONENT_KINDS = new Set<string>(['input', 'output', 'processor', 'cache', 'rate_limit', 'buffer', 'metrics', 'tracer', 'scanner']);

export interface StarterOptions {
  /** Leave out fields marked advanced. */
  small: boolean;
  lookup: ComponentLookup;
}

export function keepField(f: FieldSpec, opts: { small: boolean }): boolean {
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

const clone = (v: unknown): unknown => (typeof v === 'object' && v !== null ? structuredClone(v) : v);

/**
 * The value a starter config gives a field, or undefined to leave it out: its default; for
 * objects, their children; for required fields, the first example or an empty value.
 */
export function starterValue(f: FieldSpec, opts: StarterOptions): unknown {
  if (COMPONENT_KINDS.has(f.kind)) {
    const kind = f.kind as ComponentKind;
    if (f.default !== undefined) return expandComponentDefault(kind, f.default, opts);
    if (f.optional) return undefined;
    const name = (FALLBACK_COMPONENTS[kind] ?? []).find((n) => opts.lookup.spec(kind, n)) ?? opts.lookup.names(kind)[0];
    return name ? componentValue(kind, name, opts) : undefined;
  }
  if (f.kind === 'object' && f.children && f.default === undefined && !f.optional) return objectValue(f.children, opts);
  if (f.default !== undefined) return clone(f.default);
  if (f.optional) return undefined;
  return f.examples.length > 0 ? clone(f.examples[0]) : zeroValue(f);
}

export function objectValue(children: FieldSpec[], opts: StarterOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of children) {
    if (!keepField(c, opts)) continue;
    const v = starterValue(c, opts);
    if (v !== undefined) out[c.name] = v;
  }
  return out;
}

/** A default such as `{ lines: {} }` written out with the component's own defaults. */
function expandComponentDefault(kind: ComponentKind, def: unknown, opts: StarterOptions): unknown {
  if (typeof def !== 'object' || def === null) return def;
  const keys = Object.keys(def);
  const type = keys.find((k) => opts.lookup.spec(kind, k));
  if (!type || keys.some((k) => k !== type && k !== 'label')) return clone(def);
  return componentValue(kind, type, opts);
}

/** The config under a component's type key, at its defaults. */
export function componentConfigValue(spec: ComponentSpec, opts: StarterOptions): unknown {
  const conf = spec.config;
  const value = conf.kind === 'object' ? objectValue(conf.children ?? [], opts) : starterValue(conf, opts);
  return value ?? {};
}

/** `{ <type>: <config at defaults> }` of a registered component; throws for unknown ones. */
export function componentValue(kind: ComponentKind, type: string, opts: StarterOptions): Record<string, unknown> {
  const spec = opts.lookup.spec(kind, type);
  if (!spec) {
    const known = opts.lookup.names(kind);
    throw new Error(`unknown ${kind.replace('_', ' ')} type "${type}"${known.length ? `; known: ${known.join(', ')}` : ''}`);
  }
  return { [type]: componentConfigValue(spec, opts) };
}

// --- Markdown ------------------------------------------------------------------------------------

const KIND_TITLES: Record<ComponentKind, string> = {
  input: 'Input',
  output: 'Output',
  processor: 'Processor',
  cache: 'Cache',
  rate_limit: 'Rate limit',
  buffer: 'Buffer',
  metrics: 'Metrics',
  tracer: 'Tracer',
  scanner: 'Scanner',
};

function typeName(f: FieldSpec): string {
  switch (f.kind) {
    case 'bloblang':
      return 'string (Bloblang mapping)';
    case 'interpolated':
      return 'string (interpolated)';
    case 'duration':
      return 'string (duration)';
    case 'array':
      return `array of ${f.elem ? typeName(f.elem) : 'any'}`;
    case 'map':
      return `object of ${f.elem ? typeName(f.elem) : 'any'}`;
    case 'rate_limit':
      return 'rate limit';
    default:
      return f.kind;
  }
}

/** A value as inline code: YAML's flow form, on one line. */
function inlineYaml(v: unknown): string {
  const text = typeof v === 'string' && !v.includes('\n') ? JSON.stringify(v) : toYaml(v).trimEnd();
  return text.includes('\n') ? `\n\n\`\`\`yaml\n${text}\n\`\`\`\n` : `\`${text}\``;
}

function exampleBlock(name: string, ex: unknown): string {
  return `\`\`\`yaml\n${toYaml({ [name]: ex }).trimEnd()}\n\`\`\``;
}

function fieldSection(f: FieldSpec, path: string, out: string[]): void {
  if (f.deprecated) return;
  out.push(`### \`${path}\``, '');
  if (f.description) out.push(f.description, '');
  const facts = [`Type: \`${typeName(f)}\``];
  if (f.default !== undefined) facts.push(`Default: ${inlineYaml(f.default)}`);
  else if (!f.optional && f.kind !== 'object') facts.push('Required');
  if (f.secret) facts.push('Secret: scrubbed from `sluice echo` output');
  if (f.advanced) facts.push('Advanced');
  out.push(facts.join('  \n'), '');
  if (f.options) out.push(`Options: ${f.options.map((o) => `\`${o}\``).join(', ')}.`, '');
  if (f.examples.length > 0) {
    out.push('Examples:', '');
    for (const ex of f.examples) out.push(exampleBlock(f.name, ex), '');
  }
  if (f.kind === 'object') for (const c of f.children ?? []) fieldSection(c, `${path}.${c.name}`, out);
  if (f.kind === 'array' && f.elem?.kind === 'object') for (const c of f.elem.children ?? []) fieldSection(c, `${path}[].${c.name}`, out);
}

/** The Markdown page of one component. */
export function componentMarkdown(spec: ComponentSpec, lookup: ComponentLookup): string {
  const out: string[] = [`# ${spec.name}`, ''];
  const meta = [KIND_TITLES[spec.kind], spec.status ?? 'stable', ...(spec.categories ?? [])];
  out.push(`*${meta.join(' · ')}*`, '', spec.summary, '');
  if (spec.description) out.push(spec.description, '');

  const snippet = (small: boolean): string => {
    const body: Record<string, unknown> = { label: '', [spec.name]: componentConfigValue(spec, { small, lookup }) };
    return toYaml(body).trimEnd();
  };
  const hasAdvanced = spec.config.kind === 'object' && (spec.config.children ?? []).some((c) => c.advanced && !c.deprecated);
  out.push('```yaml', hasAdvanced ? '# Common config fields, showing default values' : '# Config fields, showing default values', snippet(true), '```', '');
  if (hasAdvanced) out.push('```yaml', '# All config fields, showing default values', snippet(false), '```', '');

  if (spec.config.kind === 'object') {
    const fields = (spec.config.children ?? []).filter((c) => !c.deprecated);
    if (fields.length > 0) {
      out.push('## Fields', '');
      for (const f of fields) fieldSection(f, f.name, out);
    }
  } else {
    out.push('## Value', '');
    if (spec.config.description) out.push(spec.config.description, '');
    out.push(`Type: \`${typeName(spec.config)}\``, '');
  }

  if (spec.examples && spec.examples.length > 0) {
    out.push('## Examples', '');
    for (const ex of spec.examples) {
      out.push(`### ${ex.title}`, '');
      if (ex.summary) out.push(ex.summary, '');
      out.push('```yaml', ex.config.trimEnd(), '```', '');
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}
