/** Helpers for testing streams and plugins. */
export { TestSource, TestSink, sources, sinks } from './test_components.js';
export { waitFor } from './wait.js';
export { runCli, spawnCli, cliArgs, repoRoot } from './cli.js';
export type { CliResult } from './cli.js';
export { requireService, portOpen, deadPort } from './services.js';
export { FaultProxy } from './fault_proxy.js';
export { connectorSuite } from './connector_suite.js';
export type { ConnectorTarget } from './connector_suite.js';
