/**
 * JSON Schema checking for `json_schema`, using ajv, with errors reworded the way Benthos
 * (gojsonschema) prints them: `<field> <description>` per failure, one per line, e.g.
 * `foo invalid type. expected: string, given: integer`.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { BloblangError, Timestamp, isObject, type Value } from '../value.js';

/** Plain JSON view of a value (what gojsonschema's Go loader sees after marshalling). */
function toJsonData(v: Value): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Timestamp) return v.toJSON();
  if (Array.isArray(v)) return v.map(toJsonData);
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      if (k === '__proto__') Object.defineProperty(out, k, { value: toJsonData(v[k]), enumerable: true, writable: true, configurable: true });
      else out[k] = toJsonData(v[k]);
    }
    return out;
  }
  return v;
}

function jsonTypeOf(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  return 'object';
}

/** `/foo/0/bar` → `foo.0.bar`; the document itself is `(root)`. */
function fieldOf(instancePath: string): string {
  if (instancePath === '') return '(root)';
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

function valueAt(data: unknown, instancePath: string): unknown {
  if (instancePath === '') return data;
  let cur: unknown = data;
  for (const raw of instancePath.slice(1).split('/')) {
    const seg = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function listValues(vs: unknown[]): string {
  return vs.map((v) => JSON.stringify(v)).join(', ');
}

/** gojsonschema's English description of one failure, and the property it concerns if any. */
function describe(err: ErrorObject, data: unknown, field: string): { text: string; property?: string } {
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'type': {
      const types = String(p.type).split(',');
      const expected = types.length > 1 ? `[${types.join(',')}]` : types[0];
      return { text: `Invalid type. Expected: ${expected}, given: ${jsonTypeOf(valueAt(data, err.instancePath))}` };
    }
    case 'required':
      return { text: `${String(p.missingProperty)} is required`, property: String(p.missingProperty) };
    case 'additionalProperties':
      return { text: `Additional property ${String(p.additionalProperty)} is not allowed`, property: String(p.additionalProperty) };
    case 'enum':
      return { text: `${field} must be one of the following: ${listValues(p.allowedValues as unknown[])}` };
    case 'const':
      return { text: `${field} does not match: ${JSON.stringify(p.allowedValue)}` };
    case 'minItems':
      return { text: `Array must have at least ${String(p.limit)} items` };
    case 'maxItems':
      return { text: `Array must have at most ${String(p.limit)} items` };
    case 'uniqueItems': {
      const i = Math.min(Number(p.i), Number(p.j));
      const j = Math.max(Number(p.i), Number(p.j));
      return { text: `array items[${i},${j}] must be unique` };
    }
    case 'minLength':
      return { text: `String length must be greater than or equal to ${String(p.limit)}` };
    case 'maxLength':
      return { text: `String length must be less than or equal to ${String(p.limit)}` };
    case 'pattern':
      return { text: `Does not match pattern '${String(p.pattern)}'` };
    case 'format':
      return { text: `Does not match format '${String(p.format)}'` };
    case 'minimum':
      return { text: `Must be greater than or equal to ${String(p.limit)}` };
    case 'exclusiveMinimum':
      return { text: `Must be greater than ${String(p.limit)}` };
    case 'maximum':
      return { text: `Must be less than or equal to ${String(p.limit)}` };
    case 'exclusiveMaximum':
      return { text: `Must be less than ${String(p.limit)}` };
    case 'multipleOf':
      return { text: `Must be a multiple of ${String(p.multipleOf)}` };
    case 'oneOf':
      return { text: 'Must validate one and only one schema (oneOf)' };
    case 'anyOf':
      return { text: 'Must validate at least one schema (anyOf)' };
    case 'not':
      return { text: 'Must not validate the schema (not)' };
    case 'minProperties':
      return { text: `Must have at least ${String(p.limit)} properties` };
    case 'maxProperties':
      return { text: `Must have at most ${String(p.limit)} properties` };
    case 'dependencies':
    case 'dependentRequired':
      return { text: `Has a dependency on ${String(p.missingProperty)}` };
    case 'false schema':
      return { text: 'False always fails validation' };
    default:
      return { text: err.message ?? err.keyword };
  }
}

/** Benthos's assembly: lower-case the description, but keep the property's own casing. */
function formatErrors(errors: readonly ErrorObject[], data: unknown): string {
  return errors
    .map((err) => {
      const field = fieldOf(err.instancePath);
      const { text, property } = describe(err, data, field);
      let description = text.toLowerCase();
      if (property !== undefined) {
        const lower = property.toLowerCase();
        description = property + (description.startsWith(lower) ? description.slice(lower.length) : description);
      }
      return `${field} ${description}`;
    })
    .join('\n');
}

/** Compile a schema once; the returned function throws a BloblangError when a value fails. */
export function compileJsonSchema(schemaText: string): (v: Value) => void {
  let validate: ValidateFunction;
  try {
    const schema: unknown = JSON.parse(schemaText);
    // A schema is an object (or true/false); ajv assumes so and fails on anything else.
    if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
      throw new Error(`a schema must be an object or a boolean, got ${schema === null ? 'null' : Array.isArray(schema) ? 'an array' : typeof schema}`);
    }
    // Formats are not validated (no ajv-formats installed); unknown keywords are ignored as
    // gojsonschema does.
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });
    validate = ajv.compile(schema as object);
  } catch (e) {
    throw new BloblangError(`failed to parse json schema definition: ${e instanceof Error ? e.message : String(e)}`);
  }
  return (v) => {
    const data = toJsonData(v);
    if (!validate(data)) throw new BloblangError(formatErrors(validate.errors ?? [], data));
  };
}
