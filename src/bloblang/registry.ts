/**
 * The function and method registry: the single place every Bloblang function and method is
 * declared, with its parameters, docs and examples. The compiler resolves calls here at parse
 * time; the docs and the `list` command read the same definitions.
 */
import type { Value } from './value.js';

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

const methods = new Map<string, MethodDef>();
const functions = new Map<string, FunctionDef>();

export function registerMethod(def: MethodDef): void {
  methods.set(def.name, def);
}

export function registerFunction(def: FunctionDef): void {
  functions.set(def.name, def);
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
