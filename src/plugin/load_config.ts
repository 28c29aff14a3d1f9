/**
 * Parsing a config while importing the built-in components it uses, and only those: the parser
 * runs with a lookup that notes every component it asks for that is named but not loaded yet; those
 * modules are imported and the config is checked again, until nothing new is asked for. Each pass
 * reaches one level deeper (a broker's inputs, then a file input's scanner, ...). The YAML is read
 * once; a pass over a config of ordinary size costs a few milliseconds, far less than importing
 * every connector library.
 */
import type { ComponentKind } from '../config/spec.js';
import type { ComponentLookup } from '../config/parse.js';
import { loadConfig, type LoadOptions, type LoadResult, type ParsedYaml, type SourceFile } from '../config/load.js';
import type { Diagnostic } from '../core/errors.js';
import { errorMessage } from '../core/errors.js';
import type { Registry } from './registry.js';

/** What the engine runs when a config has no input or no output (see engine/stream.ts). */
const STREAM_DEFAULTS: ReadonlyArray<[ComponentKind, string, 'input' | 'output']> = [
  ['input', 'stdin', 'input'],
  ['output', 'stdout', 'output'],
];

export async function loadConfigWithComponents(main: SourceFile, opts: Omit<LoadOptions, 'lookup'> & { registry: Registry }): Promise<LoadResult> {
  const { registry, ...rest } = opts;
  const yamlCache = new WeakMap<SourceFile, ParsedYaml>();
  const failed: Diagnostic[] = [];
  const tried = new Set<string>();
  const loadOrReport = async (kind: ComponentKind, name: string): Promise<void> => {
    tried.add(`${kind}\u0000${name}`);
    try {
      await registry.load(kind, name);
    } catch (e) {
      failed.push({ code: 'E_COMPONENT_LOAD', severity: 'error', message: `the ${kind} ${name} cannot be loaded: ${errorMessage(e)}`, position: { file: main.file, line: 1, column: 1 } });
    }
  };
  for (;;) {
    const wanted = new Map<string, [ComponentKind, string]>();
    const lookup: ComponentLookup = {
      spec(kind, name) {
        const spec = registry.spec(kind, name);
        const key = `${kind}\u0000${name}`;
        if (!spec && !tried.has(key) && registry.loadable(kind, name)) wanted.set(key, [kind, name]);
        return spec;
      },
      // Names only go into error texts (did you mean ...?), which a pass that loads more is
      // thrown away with; the lookups that ask for a missing component come first in the parser.
      names: (kind) => (wanted.size > 0 ? [] : registry.names(kind)),
    };
    const result = loadConfig(main, { ...rest, lookup, yamlCache });
    if (wanted.size === 0) {
      for (const [kind, name, section] of STREAM_DEFAULTS) if (result.config && result.config[section] === undefined) await loadOrReport(kind, name);
      if (failed.length === 0) return result;
      return { diagnostics: [...failed, ...result.diagnostics] };
    }
    await Promise.all([...wanted.values()].map(([kind, name]) => loadOrReport(kind, name)));
  }
}
