/**
 * A JSON Schema (draft-07) of the whole config, generated from the specs: the stream spec plus
 * every registered component. Editors use it for completion and validation; `sluice list
 * --format jsonschema` prints it.
 *
 * Each position that takes a component (input, output, processor, cache, ...) refers to a
 * definition that is an `anyOf` of one object per component type: `{ label?, <type>: <config> }`
 * (plus `processors` for inputs and outputs), closed with `additionalProperties: false` so a typo
 * in a field name is caught like lint catches it.
 */
import type { ComponentKind, ComponentSpec, FieldSpec } from './spec.js';
import { streamConfigSpec } from './stream_config.js';

export type JsonSchema = Record<string, unknown>;

/** What the generator needs from a registry (the default registry satisfies it). */
export interface SpecSource {
  all(kind: ComponentKind): ComponentSpec[];
}

const COMPONENT_KINDS: readonly ComponentKind[] = ['input', 'output', 'processor', 'cache', 'rate_limit', 'buffer', 'metrics', 'tracer', 'scanner'];
const isComponentKind = (k: string): k is ComponentKind => (COMPONENT_KINDS as readonly string[]).includes(k);

/** `${VAR}` / `${VAR:default}`: accepted wherever a number, boolean or duration is, as the parser substitutes it. */
const ENV_REF = '^\\$\\{[A-Za-z_][A-Za-z0-9_.]*(:[^}]*)?\\}$';
/** Go durations ("1s", "1m30s", "500ms", "0"), the empty string (unset), or an env reference. */
const DURATION = '^$|^0$|^[-+]?((\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+$|\\$\\{';

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });

/** Description, default, examples and enum of a field, copied onto its schema. */
function annotate(spec: FieldSpec, schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  if (spec.description) out.description = spec.description;
  if (spec.default !== undefined) out.default = spec.default;
  if (spec.examples.length > 0) out.examples = spec.examples;
  if (spec.deprecated) out.deprecated = true;
  return out;
}

/** A scalar that may also be written as an env reference (`count: ${COUNT}`). */
function scalarOrEnv(type: string): JsonSchema {
  return { anyOf: [{ type }, ref('env_reference')] };
}

/** The schema of one field's value (without its name). */
export function fieldSchema(spec: FieldSpec): JsonSchema {
  return annotate(spec, bareSchema(spec));
}

function bareSchema(spec: FieldSpec): JsonSchema {
  if (isComponentKind(spec.kind)) return { allOf: [ref(spec.kind)] };
  switch (spec.kind) {
    case 'string':
      return spec.options ? { type: 'string', enum: spec.options } : { type: 'string' };
    case 'bloblang':
    case 'interpolated':
      return { type: 'string' };
    case 'int':
      return scalarOrEnv('integer');
    case 'float':
      return scalarOrEnv('number');
    case 'bool':
      return scalarOrEnv('boolean');
    case 'duration':
      return { type: 'string', pattern: DURATION };
    case 'object':
      return objectSchema(spec.children ?? []);
    case 'array': {
      const items = fieldSchema(spec.elem!);
      const list: JsonSchema = { type: ['array', 'null'], items };
      return spec.scalarToArray ? { anyOf: [list, items] } : list;
    }
    case 'map':
      return { type: ['object', 'null'], additionalProperties: fieldSchema(spec.elem!) };
    default:
      return {};
  }
}

/** Required: no default, not optional, and not an object (an absent object is parsed as empty). */
function isRequired(f: FieldSpec): boolean {
  return f.default === undefined && !f.optional && f.kind !== 'object';
}

function objectSchema(children: FieldSpec[]): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const c of children) properties[c.name] = fieldSchema(c);
  const required = children.filter(isRequired).map((c) => c.name);
  // `key:` with nothing after it is accepted as an empty object.
  const out: JsonSchema = { type: ['object', 'null'], properties, additionalProperties: false };
  if (required.length > 0) out.required = required;
  return out;
}

/** The schema of a component's own config (what goes under its type key). */
function componentConfigSchema(spec: ComponentSpec): JsonSchema {
  const s = fieldSchema(spec.config);
  return { ...s, description: spec.summary };
}

/** `{ label?, <type>: config, processors? }` for one component type. */
function componentAlternative(kind: ComponentKind, spec: ComponentSpec): JsonSchema {
  const properties: Record<string, JsonSchema> = { label: ref('label'), [spec.name]: componentConfigSchema(spec) };
  if (kind === 'input' || kind === 'output') properties.processors = { type: ['array', 'null'], items: ref('processor') };
  return { type: 'object', properties, required: [spec.name], additionalProperties: false };
}

function kindDefinition(kind: ComponentKind, specs: ComponentSpec[]): JsonSchema {
  if (specs.length === 0) return { description: `No ${kind} components are registered, so none can be configured.`, not: {} };
  return { description: `A ${kind}: exactly one of the ${kind} types as key.`, anyOf: specs.map((s) => componentAlternative(kind, s)) };
}

export function configJsonSchema(source: SpecSource, version?: string): JsonSchema {
  const definitions: Record<string, JsonSchema> = {
    env_reference: { type: 'string', pattern: ENV_REF, description: 'An environment variable reference, substituted when the config is read.' },
    label: { type: 'string', pattern: '^[a-z0-9_]*$', description: 'A name for the component, unique in the config; used in metrics, logs and resource references.' },
  };
  for (const kind of COMPONENT_KINDS) definitions[kind] = kindDefinition(kind, source.all(kind));
  const root = objectSchema(streamConfigSpec.children ?? []);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Sluice config${version ? ` (${version})` : ''}`,
    ...root,
    definitions,
  };
}
