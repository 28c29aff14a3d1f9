/**
 * Building and running streams from a Node program: from YAML text or from a config object,
 * with the same lint a `sluice run` does. Components must be registered first (importing the
 * package registers the built-ins; plugins use the register* functions).
 */
import { stringify } from 'yaml';
import './components/index.js';
import { loadConfig } from './config/load.js';
import { bloblangHooks } from './config/bloblang_hooks.js';
import type { Diagnostic } from './core/errors.js';
import { ConfigError } from './core/errors.js';
import type { StreamConfig } from './config/stream_config.js';
import { defaultRegistry } from './plugin/registry.js';
import { startStream, type RunHandle, type RunOptions } from './engine/run_stream.js';

export interface ParsedStream {
  config?: StreamConfig;
  diagnostics: Diagnostic[];
}

/** Parse and lint a config given as YAML text or as a plain object. */
export function parseStreamConfig(source: string | object, opts: { file?: string; env?: Record<string, string | undefined> } = {}): ParsedStream {
  const text = typeof source === 'string' ? source : stringify(source);
  return loadConfig({ file: opts.file ?? '<stream>', text }, { lookup: defaultRegistry, hooks: bloblangHooks, env: opts.env });
}

/**
 * Start a stream. Resolves once it is built and running; `handle.done` resolves with the exit
 * code when it ends (input exhausted or `handle.stop()`).
 */
export async function runStream(source: string | object, opts: RunOptions & { file?: string; env?: Record<string, string | undefined> } = {}): Promise<RunHandle> {
  const parsed = parseStreamConfig(source, opts);
  if (!parsed.config) throw new ConfigError(parsed.diagnostics.filter((d) => d.severity === 'error'));
  return startStream(parsed.config, { handleSignals: false, ...opts });
}
