/** `sluice lint FILE...`: every problem as `FILE: (LINE,COL) what is wrong`; exit 1 when any. */
import { loadFromArgs } from './load.js';
import { renderDiagnostic, sortDiagnostics } from './render.js';

export interface LintArgs {
  files: string[];
  resources?: string[];
  sets?: string[];
  plugins?: string[];
}

export async function lintCommand(args: LintArgs, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  let problems = 0;
  for (const file of args.files) {
    const loaded = await loadFromArgs({ config: file, resources: args.resources, sets: args.sets, plugins: args.plugins });
    for (const d of sortDiagnostics(loaded.diagnostics)) {
      if (d.severity === 'error') problems++;
      out(renderDiagnostic(d, file));
    }
  }
  return problems > 0 ? 1 : 0;
}
