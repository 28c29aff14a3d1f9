/** Reading config files named on the command line, loading their plugins, then parsing them. */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Diagnostic } from '../core/errors.js';
import type { SourceFile } from '../config/load.js';
import { bloblangHooks } from '../config/bloblang_hooks.js';
import type { StreamConfig } from '../config/stream_config.js';
import { defaultRegistry } from '../plugin/registry.js';
import { loadPlugins } from '../plugin/load_plugins.js';
import { loadConfigWithComponents } from '../plugin/load_config.js';
import { DEFAULT_CONFIG } from './default_config.js';

export interface ConfigArgs {
  /** Path of the main config, or undefined for the built-in demo config. */
  config?: string;
  resources?: string[];
  sets?: string[];
  plugins?: string[];
  /** Unknown fields are warnings, not errors (`--chilled`). */
  chilled?: boolean;
}

export interface LoadedConfig {
  file: string;
  config?: StreamConfig;
  diagnostics: Diagnostic[];
}

function readSource(path: string): SourceFile | Diagnostic {
  try {
    return { file: path, text: readFileSync(path, 'utf8') };
  } catch (e) {
    return { code: 'E_READ', severity: 'error', message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, position: { file: path, line: 1, column: 1 } };
  }
}

/** Plugins named in the config's `plugins:` list, read before the config is parsed against specs. */
function pluginsListed(text: string): string[] {
  if (!text.includes('plugins')) return []; // most configs: spare a second parse of the YAML
  try {
    // Only the `plugins` key is converted: converting the whole document would warn about keys
    // that are collections (valid YAML, not ours to judge here) and walk what is not needed.
    const doc = parseDocument(text);
    const node = isMap(doc.contents) ? doc.contents.get('plugins', true) : undefined;
    if (!isSeq(node)) return [];
    return node.items.map((item) => String(isScalar(item) ? item.value : item));
  } catch {
    return [];
  }
}

export async function loadFromArgs(args: ConfigArgs): Promise<LoadedConfig> {
  const main = args.config === undefined ? { file: '<built-in demo config>', text: DEFAULT_CONFIG } : readSource(args.config);
  if ('code' in main) return { file: args.config!, diagnostics: [main] };
  const resources: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const r of args.resources ?? []) {
    const s = readSource(r);
    if ('code' in s) diagnostics.push(s);
    else resources.push(s);
  }
  try {
    await loadPlugins(args.plugins ?? []);
    await loadPlugins(pluginsListed(main.text), args.config ? dirname(args.config) : process.cwd());
  } catch (e) {
    diagnostics.push({ code: 'E_PLUGIN', severity: 'error', message: (e as Error).message, position: { file: main.file, line: 1, column: 1 } });
    return { file: main.file, diagnostics };
  }
  const r = await loadConfigWithComponents(main, { registry: defaultRegistry, hooks: bloblangHooks, sets: args.sets, resources, chilled: args.chilled });
  return { file: main.file, config: diagnostics.length === 0 ? r.config : undefined, diagnostics: [...diagnostics, ...r.diagnostics] };
}
