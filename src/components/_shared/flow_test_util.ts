/**
 * Test support for the composition processors (imported by their tests only): run processors
 * through a real stream between `test_source` and `test_sink`, and two test-only processors, one
 * that waits and records when it ran, one that fails a planned number of times.
 */
import assert from 'node:assert/strict';
import { registerProcessor, field, objectConfig, sleep, compileMapping, type Processor } from '../../plugin/index.js';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';

let runs = 0;

export interface RunResult {
  delivered: string[];
  /** Number of batches the output received. */
  writes: number;
}

/** Run `inputs` (read `batchSize` at a time) through `processors`; resolves with what the sink got. */
export async function runThrough(processors: unknown[], inputs: string[], opts: { batchSize?: number; extra?: Record<string, unknown> } = {}): Promise<RunResult> {
  const id = `flow-${++runs}`;
  sources.set(id, new TestSource([...inputs]));
  const sink = new TestSink();
  sinks.set(id, sink);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id, batch_size: opts.batchSize ?? 1 } },
      pipeline: { processors },
      output: { test_sink: { id } },
      ...opts.extra,
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  return { delivered: sink.delivered, writes: sink.writes };
}

/** JSON-parse every delivered message. */
export async function runJson(processors: unknown[], inputs: unknown[], opts: { batchSize?: number; extra?: Record<string, unknown> } = {}): Promise<unknown[]> {
  const r = await runThrough(
    processors,
    inputs.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
    opts,
  );
  return r.delivered.map((s) => JSON.parse(s) as unknown);
}

/** A processor appended to see a message's error flag: `{"doc": <content>, "errored": bool}`. */
export const SHOW_ERROR = { mapping: 'root.doc = this\nroot.errored = errored()' };

// ---- test-only processors ----

export interface SleepSpan {
  tag: string;
  start: number;
  end: number;
}

/** Every run of `flow_test_sleep`, by tag. */
export const sleepLog: SleepSpan[] = [];
export const concurrency = { active: 0, max: 0 };

registerProcessor(
  {
    name: 'flow_test_sleep',
    summary: 'Test only: waits, recording when each batch started and ended.',
    config: objectConfig([field.int('ms', '').default(50), field.string('tag', '').default('')]),
  },
  (conf: { ms: number; tag: string }): Processor => ({
    async processBatch(batch) {
      const span: SleepSpan = { tag: conf.tag, start: performance.now(), end: 0 };
      concurrency.active++;
      concurrency.max = Math.max(concurrency.max, concurrency.active);
      await sleep(conf.ms);
      concurrency.active--;
      span.end = performance.now();
      sleepLog.push(span);
      return [batch];
    },
  }),
);

/** Attempts seen by `flow_test_flaky`, per message content. */
export const flakyAttempts = new Map<string, number>();

registerProcessor(
  {
    name: 'flow_test_flaky',
    summary: 'Test only: flags each message with an error on its first `fail_times` attempts (counted by content).',
    config: objectConfig([field.int('fail_times', '').default(1)]),
  },
  (conf: { fail_times: number }): Processor => ({
    processBatch(batch) {
      for (const m of batch) {
        const key = m.asString();
        const n = (flakyAttempts.get(key) ?? 0) + 1;
        flakyAttempts.set(key, n);
        if (n <= conf.fail_times) m.error = new Error(`planned failure ${n}`);
      }
      return [batch];
    },
  }),
);

// ---- check queries ----

/** A check query in the form the parser accepts today. */
export function check(query: string): string {
  return query;
}
