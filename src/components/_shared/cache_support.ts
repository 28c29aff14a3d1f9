/**
 * Small pieces the caches and cache-using components share: Benthos's error wording, the
 * `init_values` field, and TTLs given as duration strings (fixed or interpolated per message).
 */
import { field, parseDuration, compileInterpolation, type Batch, type Interpolation } from '../../plugin/index.js';

/** Benthos's texts for the two cache outcomes that are errors for the caller. */
export const KEY_NOT_FOUND = 'key does not exist';
export const KEY_EXISTS = 'key already exists';

export function initValuesField(): ReturnType<typeof field.map> {
  return field
    .map('init_values', 'A table of key/value pairs that should be present in the cache on initialization. This can be used to create static lookup tables.', field.string(''))
    .default({})
    .examples({ Nickelback: '1995', 'Spice Girls': '1994', 'The Human League': '1977' });
}

/** A duration string to milliseconds, where "" (or absent) means no value. */
export function optionalDuration(s: string | undefined): number | undefined {
  if (s === undefined || s === '') return undefined;
  return parseDuration(s);
}

/** A `ttl` field that may be interpolated: resolves per message, once when static. */
export function ttlResolver(src: string | undefined): (batch: Batch, i: number) => number | undefined {
  if (src === undefined || src === '') return () => undefined;
  const interp: Interpolation = compileInterpolation(src);
  if (interp.isStatic) {
    const fixed = optionalDuration(interp.render([], 0));
    return () => fixed;
  }
  return (batch, i) => optionalDuration(interp.render(batch, i));
}

/** The stored form of a string value. */
export function bytesOf(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}
