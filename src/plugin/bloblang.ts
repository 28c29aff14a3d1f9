/**
 * Bloblang for components: compile a mapping, a boolean check or an interpolated string once at
 * construction, with errors that say where. The only door from components to Bloblang.
 */
import { parseMapping, parseInterpolation, formatParseError, type Mapping, type Interpolation } from '../bloblang/index.js';
import { SluiceError } from '../core/errors.js';
import type { Batch } from '../core/message.js';

export type { Mapping, Interpolation };
export { BloblangError } from '../bloblang/index.js';

export function compileMapping(src: string, opts?: { file?: string }): Mapping {
  const r = parseMapping(src, opts);
  if (!r.mapping) throw new SluiceError('E_BLOBLANG', formatParseError(src, r.diagnostics));
  return r.mapping;
}

export function compileInterpolation(src: string): Interpolation {
  const r = parseInterpolation(src);
  if (!r.interp) throw new SluiceError('E_BLOBLANG', formatParseError(src, r.diagnostics));
  return r.interp;
}

/** A query that must give a boolean: used by `check` fields. */
export function compileCheck(src: string): (batch: Batch, index: number) => boolean {
  const m = compileMapping(src);
  return (batch, index) => {
    const v = m.queryPart(batch, index);
    if (typeof v !== 'boolean') throw new SluiceError('E_CHECK', `check query returned ${typeof v}, expected a boolean`);
    return v;
  };
}
