/**
 * Ordering used by `sort()` and `sort_by()`: numbers with numbers, strings (or bytes) with
 * strings; anything else is an error worded like Benthos's.
 */
import { Timestamp, typeError, type Value } from '../value.js';
import { wrapError } from './arrays_args.js';

function asNumber(v: Value): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

function asString(v: Value): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Timestamp) return v.toJSON();
  return undefined;
}

/** Compare two sort keys; `ia`/`ib` are their element indexes, used in error messages. */
export function compareForSort(a: Value, b: Value, label: string, ia: number, ib: number): number {
  const an = asNumber(a);
  if (an !== undefined) {
    const bn = asNumber(b);
    if (bn === undefined) throw wrapError(`${label} ${ib}`, typeError('number', b));
    return an < bn ? -1 : an > bn ? 1 : 0;
  }
  if (typeof a === 'string' || a instanceof Uint8Array) {
    const as = asString(a)!;
    const bs = asString(b);
    if (bs === undefined) throw wrapError(`${label} ${ib}`, typeError('string', b));
    // Go compares strings bytewise; UTF-16 code unit order only differs for astral characters.
    return as < bs ? -1 : as > bs ? 1 : 0;
  }
  throw wrapError(`${label} ${ia}`, typeError('number or string', a));
}
