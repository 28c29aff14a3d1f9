/** Test helper for the string/number/coercion/encoding method tests: run a method directly. */
import { getMethod, type ExecContext } from '../registry.js';
import type { Value } from '../value.js';
import './strings.js';
import './regexp.js';
import './numbers.js';
import './coercion.js';
import './encoding.js';

const ctx = { batch: [], index: 0, vars: {} } as unknown as ExecContext;

export function call(name: string, args: Record<string, unknown>, target: Value): Value {
  const def = getMethod(name);
  if (!def) throw new Error(`method ${name} is not registered`);
  return def.build(args)(target, ctx);
}

export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return '<no error>';
}

export const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
export const hex = (v: Value): string => Buffer.from(v as Uint8Array).toString('hex');
export const text = (v: Value): string => Buffer.from(v as Uint8Array).toString('utf8');
