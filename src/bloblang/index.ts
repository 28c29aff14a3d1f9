/**
 * The public face of Bloblang: the rest of Sluice imports only this file.
 */
import './builtins.js';
import type { Diagnostic } from '../core/errors.js';
import { compileProgram } from './compiler.js';
import { compileInterpolation, type Interpolation } from './interpolation.js';
import { CompiledMapping, type Mapping } from './mapping.js';
import { formatParseError, toDiagnostic } from './parse-errors.js';
import { ParseError, parseProgram } from './parser.js';

export interface ParseOptions {
  file?: string;
  line?: number;
  column?: number;
  /** Directory that `import "..."` paths are resolved against (default: the working directory). */
  importDir?: string;
  /** Refuse impure functions (env, file, hostname, now, ...): for mappings from untrusted places. */
  disableImpure?: boolean;
}

export type { Mapping } from './mapping.js';
export type { Interpolation } from './interpolation.js';
export { BloblangError } from './value.js';
export { formatParseError };

export function parseMapping(
  src: string,
  opts: ParseOptions = {},
): { mapping: Mapping; diagnostics: [] } | { mapping?: undefined; diagnostics: Diagnostic[] } {
  try {
    const prog = parseProgram(src, { importDir: opts.importDir, disableImpure: opts.disableImpure });
    return { mapping: new CompiledMapping(compileProgram(prog)), diagnostics: [] };
  } catch (err) {
    if (err instanceof ParseError) return { diagnostics: [toDiagnostic(src, err, opts)] };
    throw err;
  }
}

export function parseInterpolation(
  src: string,
  opts: ParseOptions = {},
): { interp: Interpolation; diagnostics: [] } | { interp?: undefined; diagnostics: Diagnostic[] } {
  try {
    return { interp: compileInterpolation(src), diagnostics: [] };
  } catch (err) {
    if (err instanceof ParseError) return { diagnostics: [toDiagnostic(src, err, opts)] };
    throw err;
  }
}
