/**
 * Lint hooks that compile Bloblang fields while a config is parsed, so a mapping error is
 * reported at its line and column in the YAML file, not only when the stream starts.
 */
import { parseMapping, parseInterpolation } from '../bloblang/index.js';
import type { Diagnostic, Position } from '../core/errors.js';
import type { ParseHooks } from './parse.js';

function place(diags: Diagnostic[], at: Position, block: boolean): Diagnostic[] {
  return diags.map((d) => {
    const m = /^line (\d+) char (\d+): /.exec(d.message);
    if (!m) return { ...d, position: at };
    const line = Number(m[1]);
    const col = Number(m[2]);
    const column = line === 1 || block ? at.column + col - 1 : col;
    return {
      ...d,
      message: `bloblang: ${d.message.slice(m[0].length)}`,
      position: { file: at.file, line: at.line + line - 1, column },
    };
  });
}

export const bloblangHooks: ParseHooks = {
  checkMapping(src, at, block) {
    return place(parseMapping(src).diagnostics, at, block);
  },
  checkInterpolation(src, at, block) {
    return place(parseInterpolation(src).diagnostics, at, block);
  },
};
