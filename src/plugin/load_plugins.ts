/**
 * Loads plugin modules at run time: JavaScript files, TypeScript files (compiled on the fly by
 * tsx, so a plain .ts plugin works without rebuilding Sluice), or package names. A plugin either
 * registers its components when imported (`import { registerProcessor } from 'sluice'`) or
 * default-exports a function that receives the plugin API, which needs no module resolution of
 * Sluice from the plugin's folder.
 */
import { resolve, isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SluiceError } from '../core/errors.js';
import * as api from './index.js';

const loaded = new Set<string>();

export async function loadPlugins(specs: string[], baseDir = process.cwd()): Promise<void> {
  for (const spec of specs) {
    const isPath = spec.startsWith('.') || isAbsolute(spec) || /\.(m?[jt]s|cjs)$/.test(spec);
    const id = isPath ? resolve(baseDir, spec) : spec;
    if (loaded.has(id)) continue;
    loaded.add(id);
    let mod: { default?: unknown };
    try {
      if (isPath && /\.m?ts$/.test(id)) {
        const { tsImport } = await import('tsx/esm/api');
        mod = (await tsImport(pathToFileURL(id).href, import.meta.url)) as { default?: unknown };
      } else {
        mod = (await import(isPath ? pathToFileURL(id).href : id)) as { default?: unknown };
      }
    } catch (e) {
      throw new SluiceError('E_PLUGIN', `failed to load plugin ${spec}: ${(e as Error).message}`, { cause: e });
    }
    const entry = typeof mod.default === 'function' ? mod.default : (mod.default as { default?: unknown } | undefined)?.default;
    if (typeof entry === 'function') await (entry as (a: typeof api) => unknown)(api);
  }
}
