/**
 * Test support for the utility processors: runs a list of processors through a real stream
 * (test_source → pipeline → test_sink) and records what came out, batch by batch, with
 * metadata and error flags, plus the log events and metrics. Imported by tests only.
 */
import { registerProcessor, field, objectConfig, type Batch, type Processor } from '../../plugin/index.js';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { createLogger } from '../../core/logger.js';
import type { PrometheusRegistry } from '../../engine/prometheus.js';

const captures = new Map<string, Batch[]>();

// Records every batch that reaches it (copies, so later stages cannot change what was seen).
registerProcessor(
  { name: 'test_capture', summary: 'Test helper: records the batches it sees.', config: objectConfig([field.string('id', 'Capture id.')]) },
  (conf: { id: string }): Processor => ({
    processBatch(batch) {
      captures.get(conf.id)?.push(batch.map((m) => m.copy()));
      return [batch];
    },
  }),
);

// Test sources carry text: binary inputs travel as base64 and are decoded here.
registerProcessor(
  { name: 'test_from_base64', summary: 'Test helper: decodes base64 content to bytes.', config: objectConfig([]) },
  (): Processor => ({
    processBatch(batch) {
      return [
        batch.map((m) => {
          const out = m.copy();
          out.setBytes(Buffer.from(m.asString(), 'base64'));
          return out;
        }),
      ];
    },
  }),
);

// Sets metadata from config on every message, so tests need not depend on Bloblang.
registerProcessor(
  { name: 'test_set_meta', summary: 'Test helper: sets metadata.', config: objectConfig([field.map('values', 'Keys and values.', field.string(''))]) },
  (conf: { values: Record<string, string> }): Processor => ({
    processBatch(batch) {
      return [
        batch.map((m, i) => {
          const out = m.copy();
          for (const [k, v] of Object.entries(conf.values)) out.setMeta(k, v.replace('{i}', String(i)));
          return out;
        }),
      ];
    },
  }),
);

export interface PipelineRun {
  /** Batches as they left the processors under test. */
  batches: Batch[];
  /** Content that reached the output. */
  delivered: string[];
  /** Log events (JSON records) printed while the stream ran. */
  logs: Array<Record<string, unknown>>;
  metrics: PrometheusRegistry;
  source: TestSource;
  exitCode: number;
}

export interface PipelineOptions {
  /** Messages per input batch (default: all of them in one batch). */
  batchSize?: number;
  /** Inputs are base64 and are decoded to bytes before the processors. */
  base64?: boolean;
  /** Metadata to set on every input message (`{i}` becomes the index in its batch). */
  meta?: Record<string, string>;
  logLevel?: 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /** Extra top-level config (e.g. shutdown_timeout). */
  config?: Record<string, unknown>;
  /** Pipeline threads (default 1, so batches are processed in order). */
  threads?: number;
  /** Keep the input open after its items (the stream then runs until `stop`). */
  keepOpen?: boolean;
  /** Called once the stream is running; may stop it. */
  whileRunning?: (handle: { stop(): Promise<number>; source: TestSource; sink: TestSink }) => Promise<void>;
}

let seq = 0;

export async function runPipeline(processors: unknown[], inputs: string[], opts: PipelineOptions = {}): Promise<PipelineRun> {
  const id = `proc-test-${++seq}`;
  const source = new TestSource([...inputs], !opts.keepOpen);
  const sink = new TestSink();
  const batches: Batch[] = [];
  const logs: Array<Record<string, unknown>> = [];
  sources.set(id, source);
  sinks.set(id, sink);
  captures.set(id, batches);
  const pre: unknown[] = [];
  if (opts.base64) pre.push({ test_from_base64: {} });
  if (opts.meta) pre.push({ test_set_meta: { values: opts.meta } });
  const logger = createLogger({ level: opts.logLevel ?? 'trace', format: 'json', addTimestamp: false, write: (l) => void logs.push(JSON.parse(l)) });
  try {
    const handle = await runStream(
      {
        http: { enabled: false },
        input: { test_source: { id, batch_size: opts.batchSize ?? Math.max(1, inputs.length) } },
        pipeline: { threads: opts.threads ?? 1, processors: [...pre, ...processors, { test_capture: { id } }] },
        output: { test_sink: { id } },
        ...opts.config,
      },
      { logger },
    );
    if (opts.whileRunning) await opts.whileRunning({ stop: () => handle.stop(), source, sink });
    const exitCode = await handle.done;
    return { batches, delivered: sink.delivered, logs, metrics: handle.metrics, source, exitCode };
  } finally {
    sources.delete(id);
    sinks.delete(id);
    captures.delete(id);
  }
}

/** Log events printed by processors (the `log` processor marks its own with custom_source). */
export function customLogs(run: PipelineRun): Array<Record<string, unknown>> {
  return run.logs.filter((l) => l.custom_source === true);
}

/** Contents of each captured batch, as text. */
export function texts(run: PipelineRun): string[][] {
  return run.batches.map((b) => b.map((m) => m.asString()));
}
