/** Helpers for testing streams and plugins. */
export { TestSource, TestSink, sources, sinks } from './test_components.js';
export { waitFor } from './wait.js';
export { runCli, spawnCli, cliArgs, repoRoot } from './cli.js';
export type { CliResult } from './cli.js';
