/**
 * `sluice echo [config]`: the config as Sluice understands it, with every default filled in and
 * secrets scrubbed. Refuses (exit 1, problems on stderr) when the config has errors.
 */
import { readFileSync } from 'node:fs';
import { parseDocument, type Document } from 'yaml';
import { echoConfig } from '../config/echo.js';
import { defaultRegistry } from '../plugin/registry.js';
import { loadFromArgs, type ConfigArgs } from './load.js';
import { renderDiagnostic, sortDiagnostics } from './render.js';
import { DEFAULT_CONFIG } from './default_config.js';
import { writeStdout } from './list.js';

/**
 * The main file's YAML document with `--set` overrides applied the way the loader applies them,
 * so values can be shown as they were written (`${VAR}` references, before substitution).
 */
function writtenDocument(args: ConfigArgs): Document | undefined {
  try {
    const text = args.config === undefined ? DEFAULT_CONFIG : readFileSync(args.config, 'utf8');
    const doc = parseDocument(text);
    for (const set of args.sets ?? []) {
      const eq = set.indexOf('=');
      if (eq <= 0) continue;
      const path = set.slice(0, eq).split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      if (doc.contents === null) doc.contents = doc.createNode({}) as never;
      doc.setIn(path, parseDocument(set.slice(eq + 1)).contents);
    }
    return doc;
  } catch {
    return undefined;
  }
}

export async function echoCommand(
  args: ConfigArgs,
  out: (text: string) => void | Promise<void> = writeStdout,
  err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  const loaded = await loadFromArgs(args);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  for (const d of sortDiagnostics(loaded.diagnostics)) err(`${renderDiagnostic(d, loaded.file)}\n`);
  if (errors.length > 0 || !loaded.config) {
    err(`config has ${errors.length} error(s): fix them and run again (\`sluice lint\` lists them)\n`);
    return 1;
  }
  await out(echoConfig(loaded.config, { lookup: defaultRegistry, doc: writtenDocument(args) }));
  return 0;
}
