/**
 * The `batching` and `max_in_flight` fields every batching output declares, and turning the
 * parsed `batching` config into the BatchPolicy the engine applies.
 */
import { field } from '../config/spec.js';
import type { BatchPolicy } from '../core/components.js';
import { parseDuration } from '../core/duration.js';
import type { ComponentConfig } from '../config/parse.js';
import type { Resources } from './resources.js';
import { compileCheck } from './bloblang.js';

export function batchingField(): ReturnType<typeof field.object> {
  return field
    .object('batching', 'Groups messages into batches before they are written. A batch is flushed when any limit is reached.', [
      field.int('count', 'Messages in a batch; 0 disables the count limit.').default(0),
      field.int('byte_size', 'Bytes in a batch; 0 disables the size limit.').default(0),
      field.duration('period', 'Flush an incomplete batch after this long.').default(''),
      field.float('jitter', 'Random extra delay added to period, as a fraction of it (0 disables), so many streams do not flush in lock step.').default(0).advanced(),
      field.bloblang('check', 'A Bloblang query that ends a batch when it returns true for a message.').default(''),
      field.processors('processors', 'Processors applied to each batch as it is flushed.').default([]).advanced(),
    ])
    .examples({ count: 50, period: '1s' });
}

export function maxInFlightField(def = 64): ReturnType<typeof field.int> {
  return field
    .int('max_in_flight', 'The most batches written at once; raise it to improve throughput.')
    .default(def)
    .check((v) => ((v as number) < 1 ? 'must be at least 1' : undefined));
}

interface BatchingConfig {
  count: number;
  byte_size: number;
  period: string;
  jitter: number;
  check: string;
  processors: ComponentConfig[];
}

export async function parseBatchPolicy(conf: BatchingConfig | undefined, res: Resources): Promise<BatchPolicy | undefined> {
  if (!conf) return undefined;
  return {
    count: conf.count,
    byteSize: conf.byte_size,
    periodMs: conf.period ? parseDuration(conf.period) * (1 + Math.max(0, conf.jitter ?? 0) * Math.random()) : 0,
    check: conf.check ? compileCheck(conf.check) : undefined,
    processors: conf.processors.length > 0 ? await res.buildProcessors(conf.processors) : undefined,
  };
}
