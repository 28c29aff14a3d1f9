/**
 * Parse errors as data (Diagnostic) and as text: Benthos's `line 3 char 10: expected ...` form,
 * plus a caret view of the offending line for humans.
 */
import type { Diagnostic } from '../core/errors.js';
import { ParseError, offsetToLineCol } from './parser.js';
import { functionNames, methodNames } from './registry.js';
import { closest } from '../config/suggest.js';

/** `unrecognised function 'uuid_v5'` gains ` (did you mean 'uuid_v4'?)` when a name is close. */
export function withSuggestion(message: string): string {
  const m = /^unrecognised (function|method) '([^']+)'$/.exec(message);
  if (!m) return message;
  const near = closest(m[2]!, m[1] === 'function' ? functionNames() : methodNames());
  return near ? `${message} (did you mean '${near}'?)` : message;
}

export interface ParsePositionOptions {
  file?: string;
  /** 1-based line of the mapping's first line inside its enclosing file (e.g. a YAML config). */
  line?: number;
  /** 1-based column of the mapping's first character on that line. */
  column?: number;
}

/** Convert a parser failure to a Diagnostic whose position is absolute in the enclosing file. */
export function toDiagnostic(src: string, err: ParseError, opts: ParsePositionOptions = {}): Diagnostic {
  const { line, column } = offsetToLineCol(src, err.pos);
  const absLine = line + (opts.line ?? 1) - 1;
  const absColumn = line === 1 ? column + (opts.column ?? 1) - 1 : column;
  const position = opts.file !== undefined
    ? { file: opts.file, line: absLine, column: absColumn }
    : { line: absLine, column: absColumn };
  return {
    code: 'E_BLOBLANG_PARSE',
    severity: 'error',
    // Benthos reports positions relative to the mapping text itself.
    message: `line ${line} char ${column}: ${withSuggestion(err.message)}`,
    position,
  };
}

/**
 * Render diagnostics for a terminal:
 *
 *     line 1 char 8: expected query
 *       1 | root = )
 *         |        ^
 */
export function formatParseError(src: string, diags: readonly Diagnostic[]): string {
  const lines = src.split('\n');
  const out: string[] = [];
  for (const d of diags) {
    out.push(d.message);
    const m = /^line (\d+) char (\d+):/.exec(d.message);
    if (!m) continue;
    const line = Number(m[1]);
    const col = Number(m[2]);
    const text = lines[line - 1];
    if (text === undefined) continue;
    const gutter = String(line);
    out.push(`  ${gutter} | ${text}`);
    out.push(`  ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, col - 1))}^`);
  }
  return out.join('\n');
}
