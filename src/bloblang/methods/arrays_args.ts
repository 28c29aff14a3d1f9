/**
 * Argument helpers for the object/array/timestamp/parsing methods: error wrapping and reading
 * variadic arguments (`append("a", "b")`, `without("a", "b.c")`).
 */
import type { Args } from '../registry.js';
import { BloblangError, describeValue, typeName, type Value } from '../value.js';

/**
 * Variadic methods declare no parameters; the compiler hands over the positional arguments.
 * Accepted shapes: `args.args` (array), or numeric keys `"0"`, `"1"`, ... in order.
 */
export function variadicArgs(args: Args): Value[] {
  const list = (args as { args?: unknown }).args;
  if (Array.isArray(list)) return list;
  const out: Value[] = [];
  for (let i = 0; Object.prototype.hasOwnProperty.call(args, String(i)); i++) out.push(args[String(i)]);
  return out;
}

/** Prefix an error's message the way Go's fmt.Errorf("prefix: %w") does. */
export function wrapError(prefix: string, err: unknown): BloblangError {
  const msg = err instanceof Error ? err.message : String(err);
  return new BloblangError(`${prefix}: ${msg}`);
}

/** Benthos's type error for a list of accepted types: `expected string, array or object value, got ...`. */
export function expectedTypes(types: string[]): string {
  if (types.length <= 1) return types[0] ?? '';
  return `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}`;
}

export function isInteger(v: Value): boolean {
  return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
}

/** Read a string argument, failing like Benthos when the type is wrong. */
export function stringArg(args: Args, name: string): string {
  const v = args[name];
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  throw new BloblangError(`field ${name}: expected string value, got ${typeName(v)}`);
}

/** Read an optional string argument (undefined/null when absent). */
export function optionalStringArg(args: Args, name: string): string | undefined {
  const v = args[name];
  if (v === undefined || v === null) return undefined;
  return stringArg(args, name);
}

export function boolArg(args: Args, name: string, dflt: boolean): boolean {
  const v = args[name];
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  throw new BloblangError(`field ${name}: expected bool value, got ${typeName(v)}`);
}

export function intArg(args: Args, name: string): number {
  const v = args[name];
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new BloblangError(`field ${name}: expected integer value, got float`);
    return v;
  }
  throw new BloblangError(`field ${name}: expected number value, got ${typeName(v)}`);
}

/** `expected bool value, got string from sort argument ("x")`, as Go's NewTypeErrorFrom. */
export function typeErrorFrom(expected: string, from: string, got: Value): BloblangError {
  const t = typeName(got);
  const described = describeValue(got);
  const shown = described.startsWith(t) ? described.slice(t.length) : '';
  return new BloblangError(`expected ${expected} value, got ${t} from ${from}${shown}`);
}

/**
 * Guard for methods that take no arguments: a definition without parameters is treated as
 * variadic by the compiler, so reject stray positional arguments here (as Benthos does).
 */
export function noArgs(args: Args): void {
  const n = variadicArgs(args).length;
  if (n > 0) throw new BloblangError(`wrong number of arguments, expected 0, got ${n}`);
}
