/** Sluice as a library: the plugin API, stream building and running, and test helpers. */
export * from './plugin/index.js';
export { parseStreamConfig, runStream } from './library.js';
export type { ParsedStream } from './library.js';
export type { RunHandle, RunOptions } from './engine/run_stream.js';
export type { StreamConfig } from './config/stream_config.js';
export type { Diagnostic, Position } from './core/errors.js';
export { ConfigError } from './core/errors.js';
export { createLogger, silentLogger } from './core/logger.js';
export { loadPlugins } from './plugin/load_plugins.js';
