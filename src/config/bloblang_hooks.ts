/**
 * Lint hooks that compile Bloblang fields while a config is parsed, so a mapping error is
 * reported at its line and column in the YAML file, not only when the stream starts.
 */
import { parseMapping, parseInterpolation } from '../bloblang/index.js';
import type { Diagnostic } from '../core/errors.js';
import type { Locate, ParseHooks } from './parse.js';
import { offsetOfLineColumn } from './scalar_source_map.js';

function place(src: string, diags: Diagnostic[], locate: Locate): Diagnostic[] {
  return diags.map((d) => {
    const m = /^line (\d+) char (\d+): /.exec(d.message);
    if (!m) return { ...d, position: locate(0) };
    return {
      ...d,
      message: `bloblang: ${d.message.slice(m[0].length)}`,
      position: locate(offsetOfLineColumn(src, Number(m[1]), Number(m[2]))),
    };
  });
}

export const bloblangHooks: ParseHooks = {
  checkMapping(src, locate) {
    return place(src, parseMapping(src).diagnostics, locate);
  },
  checkInterpolation(src, locate) {
    return place(src, parseInterpolation(src).diagnostics, locate);
  },
};
