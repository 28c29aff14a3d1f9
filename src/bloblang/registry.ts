/**
 * The function and method registry: the single place every Bloblang function and method is
 * declared, with its parameters, docs and examples. The compiler resolves calls here at parse
 * time; the docs and the `list` command read the same definitions.
 */
import { BloblangError, type Value } from './value.js';

export type ParamType =
  | 'string'
  | 'int'
  | 'float'
  | 'number'
  | 'bool'
  | 'object'
  | 'array'
  | 'timestamp'
  /** Any value. */
  | 'any'
  /** A query or lambda, passed to build() as a QueryFn and evaluated lazily. */
  | 'query';

export interface ParamDef {
  name: string;
  type: ParamType;
  description?: string;
  /** When true the argument may be omitted; build() then receives `default` (or undefined). */
  optional?: boolean;
  default?: Value;
}

/** Evaluate a lambda/query argument with `this` bound to the given value. */
export type QueryFn = (ctx: ExecContext, value: Value) => Value;

/** Resolved arguments by parameter name. Query params arrive as QueryFn. */
export type Args = Record<string, unknown>;

/** What a running mapping can see of the message and batch it runs on. */
export interface ExecContext {
  /** The batch being processed and the index of the message in it (see core/message.ts). */
  readonly batch: readonly import('../core/message.js').Message[];
  readonly index: number;
  /** Variables declared with `let`. */
  readonly vars: Record<string, Value>;
}

export interface Example {
  mapping: string;
  summary?: string;
  /** [input, expected output] pairs; an output of the form `Error(...)` expects an error. */
  results: [string, string][];
  /** Skip running this example as a test (needs network, clock, ...). */
  skipTesting?: boolean;
}

interface DefBase {
  name: string;
  category: string;
  description?: string;
  /**
   * Declared parameters. A definition with no parameters is variadic: any positional arguments
   * reach build() as `args.args` (an array) and as keys "0", "1", ... in order.
   */
  params: ParamDef[];
  examples?: Example[];
  /** Reads the outside world (env, files, clock, randomness): can be disabled. */
  impure?: boolean;
  /** Kept for compatibility, hidden from docs. */
  deprecated?: boolean;
  /**
   * Takes any number of positional arguments (`append("a", "b")`); they reach build() as
   * `args.args`. Only with `params: []`: without this flag such a definition takes none.
   */
  variadic?: boolean;
}

export interface MethodDef extends DefBase {
  /**
   * Build the method from its arguments. Called once at compile time when every argument is a
   * literal (so regexes, layouts and the like are compiled once), otherwise once per call.
   * The returned function throws BloblangError (or typeError()) on bad input.
   */
  build(args: Args): (target: Value, ctx: ExecContext) => Value;
}

export interface FunctionDef extends DefBase {
  build(args: Args): (ctx: ExecContext) => Value;
}

/**
 * Per-call allocation bounds for functions and methods that build values from a number in the
 * mapping or the message (`range(0, 1e9)`, `"x".repeat(1e9)`): past them the call is a
 * per-message error instead of a process that runs out of memory.
 */
export const LIMITS = {
  /** Items in one array built by a single call. */
  maxItems: 10_000_000,
  /** UTF-16 units in one string built by a single call (64 Mi, six times a large message). */
  maxStringLength: 64 * 1024 * 1024,
};

const methods = new Map<string, MethodDef>();
const functions = new Map<string, FunctionDef>();

export function registerMethod(def: MethodDef): void {
  methods.set(def.name, withoutStrayArgs(def));
}

export function registerFunction(def: FunctionDef): void {
  functions.set(def.name, withoutStrayArgs(def));
}

/**
 * The compiler hands positional arguments of a definition without parameters over as variadic;
 * unless the definition says it is variadic, any such argument is an arity error (as in
 * Benthos), raised from build() so it is a parse error when the arguments are literals.
 */
function withoutStrayArgs<D extends MethodDef | FunctionDef>(def: D): D {
  if (def.params.length > 0 || def.variadic) return def;
  const build = def.build as (args: Args) => unknown;
  return {
    ...def,
    build: (args: Args) => {
      const given = Array.isArray(args.args) ? args.args.length : Object.keys(args).filter((k) => /^\d+$/.test(k)).length;
      if (given > 0) throw new BloblangError(`wrong number of arguments, expected 0, got ${given}`);
      return build(args);
    },
  };
}

/** Every registered function name, for "did you mean" hints. */
export function functionNames(): string[] {
  return [...functions.keys()];
}

export function methodNames(): string[] {
  return [...methods.keys()];
}

export function getMethod(name: string): MethodDef | undefined {
  return methods.get(name);
}

export function getFunction(name: string): FunctionDef | undefined {
  return functions.get(name);
}

export function listMethods(): MethodDef[] {
  return [...methods.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export function listFunctions(): FunctionDef[] {
  return [...functions.values()].sort((a, b) => a.name.localeCompare(b.name));
}
