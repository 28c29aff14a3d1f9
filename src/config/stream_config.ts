/**
 * The top-level config of a stream, as a spec like any component's, so lint, defaults, echo and
 * the JSON schema treat it the same way.
 */
import { field, type FieldSpec } from './spec.js';
import type { ComponentConfig } from './parse.js';

export const httpSpec = field.object('http', 'The HTTP server for health checks, metrics and debugging endpoints.', [
  field.bool('enabled', 'Whether to serve the HTTP endpoints.').default(true),
  field
    .string('address', 'Address to listen on. Sluice binds to loopback by default (Benthos uses 0.0.0.0): expose it deliberately.')
    .default('127.0.0.1:4195'),
  field.string('root_path', 'Prefix for all endpoints.').default('/sluice').advanced(),
  field.bool('debug_endpoints', 'Serve debug endpoints (config echo).').default(false).advanced(),
  field.string('cert_file', 'TLS certificate file.').default('').advanced(),
  field.string('key_file', 'TLS key file.').default('').advanced(),
  field.any('cors', 'CORS settings.').optional().advanced(),
  field.any('basic_auth', 'Basic authentication settings.').optional().advanced(),
]);

export const loggerSpec = field.object('logger', 'How Sluice logs.', [
  field.string('level', 'Minimum level to log.').default('INFO').check((v) => {
    const l = String(v).toLowerCase();
    return ['none', 'off', 'fatal', 'error', 'warn', 'warning', 'info', 'debug', 'trace', 'all'].includes(l)
      ? undefined
      : `unknown level "${String(v)}": use one of NONE, FATAL, ERROR, WARN, INFO, DEBUG, TRACE, ALL`;
  }),
  field.string('format', 'Log line format.').default('logfmt').options('logfmt', 'json'),
  field.bool('add_timestamp', 'Add a timestamp to each line.').default(true),
  field.string('level_name', 'Key of the level field.').default('level').advanced(),
  field.string('message_name', 'Key of the message field.').default('msg').advanced(),
  field.map('static_fields', 'Fields added to every line.', field.string('')).default({ '@service': 'sluice' }),
  field.any('file', 'Log to a file instead of stderr.').optional().advanced(),
]);

export const pipelineSpec = field.object('pipeline', 'Processors applied to every message between input and output.', [
  field.int('threads', 'Processing threads; -1 means one per CPU core.').default(-1),
  field
    .duration(
      'processing_timeout',
      'How long one processor of the pipeline may take on a batch before the batch is flagged with an error (`E_PROCESSING_TIMEOUT`) and moves on, so a processor that never finishes cannot wedge the stream. `0s` (the default, as in Benthos) waits forever. A Sluice extension.',
    )
    .default('0s')
    .advanced(),
  field.processors(),
]);

function componentList(kind: 'input' | 'output' | 'processor' | 'cache' | 'rate_limit', name: string): FieldSpec {
  return field.array(name, `Labelled ${kind} resources that components refer to by label.`, field.component(kind, '')).default([]).spec;
}

export const streamConfigSpec: FieldSpec = field.object('', '', [
  httpSpec,
  field.input('input', 'The input to read from. Defaults to stdin.').optional(),
  field.any('buffer', 'A buffer between input and pipeline (none by default).').optional().advanced(),
  pipelineSpec,
  field.output('output', 'The output to write to. Defaults to stdout.').optional(),
  componentList('input', 'input_resources'),
  componentList('processor', 'processor_resources'),
  componentList('output', 'output_resources'),
  componentList('cache', 'cache_resources'),
  componentList('rate_limit', 'rate_limit_resources'),
  loggerSpec,
  field.any('metrics', 'Metrics exporter (prometheus is served on the HTTP server).').default({ prometheus: {} }),
  field.any('tracer', 'Tracing exporter.').default({ none: {} }).advanced(),
  field.duration('shutdown_timeout', 'Longest time to wait for in-flight messages to drain on shutdown.').default('20s'),
  field.duration('shutdown_delay', 'Time to wait after a stop signal before shutting down (lets load balancers notice).').default('0s'),
  field.object('error_handling', 'What happens to a message a processor flagged with an error. A Sluice extension for fail-closed pipelines.', [
    field
      .string(
        'strategy',
        'none: errored messages continue to the output with their error flag (Benthos default). reject: an errored message skips the remaining processors and its source batch is nacked (redelivered by sources that can). drop: an errored message is logged, counted and dropped (acknowledged).',
      )
      .default('none')
      .options('none', 'reject', 'drop'),
  ]),
  field.any('tests', 'Config unit tests, run by `sluice test`.').optional(),
  field.stringList('plugins', 'Plugin modules (JavaScript files or packages) to load before the config is built. A Sluice extension.').optional(),
]).spec;

export interface HttpConfig {
  enabled: boolean;
  address: string;
  root_path: string;
  debug_endpoints: boolean;
  cert_file: string;
  key_file: string;
}

export interface LoggerConfig {
  level: string;
  format: 'logfmt' | 'json';
  add_timestamp: boolean;
  static_fields: Record<string, string>;
}

export interface StreamConfig {
  http: HttpConfig;
  input?: ComponentConfig;
  buffer?: unknown;
  pipeline: { threads: number; processing_timeout: string; processors: ComponentConfig[] };
  output?: ComponentConfig;
  input_resources: ComponentConfig[];
  processor_resources: ComponentConfig[];
  output_resources: ComponentConfig[];
  cache_resources: ComponentConfig[];
  rate_limit_resources: ComponentConfig[];
  logger: LoggerConfig;
  metrics: unknown;
  tracer: unknown;
  shutdown_timeout: string;
  shutdown_delay: string;
  error_handling: { strategy: 'none' | 'reject' | 'drop' };
  tests?: unknown;
  plugins?: string[];
}
