/**
 * Component and field specs: the single source of truth for parsing with defaults, lint, the JSON
 * schema of `sluice list --format jsonschema`, and the docs. A spec is plain data built with the
 * fluent helpers below, so a plugin author writes it the same way the built-ins do.
 */

export type FieldKind =
  | 'string'
  | 'int'
  | 'float'
  | 'bool'
  /** A Go-style duration string ("5s"); parsed to milliseconds. */
  | 'duration'
  | 'object'
  | 'array'
  | 'map'
  | 'any'
  /** Nested components: parsed to ComponentConfig nodes that a constructor builds via Resources. */
  | 'input'
  | 'output'
  | 'processor'
  | 'cache'
  | 'rate_limit'
  | 'buffer'
  | 'metrics'
  | 'tracer'
  | 'scanner'
  /** A Bloblang mapping (validated at parse time when Bloblang is available). */
  | 'bloblang'
  /** A string with `${! ... }` interpolations. */
  | 'interpolated';

export type ComponentKind =
  | 'input'
  | 'output'
  | 'processor'
  | 'cache'
  | 'rate_limit'
  | 'buffer'
  | 'metrics'
  | 'tracer'
  | 'scanner';

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  description: string;
  /** Used when the field is absent. A field with neither default nor optional is required. */
  default?: unknown;
  optional: boolean;
  advanced: boolean;
  secret: boolean;
  deprecated: boolean;
  examples: unknown[];
  /** Allowed values (for strings). */
  options?: string[];
  /** Object children. */
  children?: FieldSpec[];
  /** Element spec for arrays and maps. */
  elem?: FieldSpec;
  /** Extra check returning an error text, run after type checks. */
  check?: (value: unknown) => string | undefined;
  /** Accept a single value where a list is expected (Benthos does this for `paths` etc.). */
  scalarToArray?: boolean;
}

/** Fluent builder; `.spec` is the finished FieldSpec (builders are also accepted wherever specs are). */
export class Field {
  readonly spec: FieldSpec;
  constructor(kind: FieldKind, name: string, description = '') {
    this.spec = { name, kind, description, optional: false, advanced: false, secret: false, deprecated: false, examples: [] };
  }
  default(v: unknown): this {
    this.spec.default = v;
    return this;
  }
  optional(): this {
    this.spec.optional = true;
    return this;
  }
  advanced(): this {
    this.spec.advanced = true;
    return this;
  }
  secret(): this {
    this.spec.secret = true;
    return this;
  }
  deprecated(): this {
    this.spec.deprecated = true;
    return this;
  }
  examples(...ex: unknown[]): this {
    this.spec.examples.push(...ex);
    return this;
  }
  options(...opts: string[]): this {
    this.spec.options = opts;
    return this;
  }
  check(fn: (value: unknown) => string | undefined): this {
    this.spec.check = fn;
    return this;
  }
  scalarToArray(): this {
    this.spec.scalarToArray = true;
    return this;
  }
  description(text: string): this {
    this.spec.description = text;
    return this;
  }
}

export type FieldLike = Field | FieldSpec;
export function toSpec(f: FieldLike): FieldSpec {
  return f instanceof Field ? f.spec : f;
}

function withElem(kind: FieldKind, name: string, description: string, elem: FieldLike): Field {
  const f = new Field(kind, name, description);
  f.spec.elem = toSpec(elem);
  return f;
}

/** Field constructors. */
export const field = {
  string: (name: string, description = '') => new Field('string', name, description),
  int: (name: string, description = '') => new Field('int', name, description),
  float: (name: string, description = '') => new Field('float', name, description),
  bool: (name: string, description = '') => new Field('bool', name, description),
  duration: (name: string, description = '') => new Field('duration', name, description),
  any: (name: string, description = '') => new Field('any', name, description),
  bloblang: (name: string, description = '') => new Field('bloblang', name, description),
  interpolated: (name: string, description = '') => new Field('interpolated', name, description),
  input: (name: string, description = '') => new Field('input', name, description),
  output: (name: string, description = '') => new Field('output', name, description),
  processor: (name: string, description = '') => new Field('processor', name, description),
  component: (kind: ComponentKind, name: string, description = '') => new Field(kind, name, description),
  object: (name: string, description: string, children: FieldLike[]) => {
    const f = new Field('object', name, description);
    f.spec.children = children.map(toSpec);
    return f;
  },
  array: (name: string, description: string, elem: FieldLike) => withElem('array', name, description, elem),
  map: (name: string, description: string, elem: FieldLike) => withElem('map', name, description, elem),
  stringList: (name: string, description = '') => withElem('array', name, description, new Field('string', '')),
  processors: (name = 'processors', description = 'A list of processors to apply.') =>
    withElem('array', name, description, new Field('processor', '')).default([]),
  outputs: (name = 'outputs', description = 'A list of outputs.') => withElem('array', name, description, new Field('output', '')),
  inputs: (name = 'inputs', description = 'A list of inputs.') => withElem('array', name, description, new Field('input', '')),
};

export interface ComponentExample {
  title: string;
  summary?: string;
  /** A complete YAML config. Examples are linted (and where possible run) by the tests. */
  config: string;
}

export interface ComponentSpec {
  name: string;
  kind: ComponentKind;
  summary: string;
  description?: string;
  status?: 'stable' | 'beta' | 'experimental' | 'deprecated';
  categories?: string[];
  /** The config under the component's key: usually an object, but `mapping: "..."` is a string. */
  config: FieldSpec;
  examples?: ComponentExample[];
  /** Warnings about a config that parsed fine (e.g. a risky combination of fields). */
  lint?: (config: unknown) => Array<{ field: string; code: string; message: string }>;
}

/** Shorthand for a component whose config is an object of fields. */
export function objectConfig(fields: FieldLike[]): FieldSpec {
  return field.object('', '', fields).spec;
}
