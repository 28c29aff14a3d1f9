/**
 * Running a chain of processors. A processor that throws flags every message of the batch it got
 * with the error and passes them on: one bad message never stops the stream.
 */
import type { Processor } from '../core/components.js';
import type { Batch } from '../core/message.js';
import { toError } from '../core/errors.js';

export async function runProcessors(procs: readonly Processor[], batches: Batch[]): Promise<Batch[]> {
  let current = batches;
  for (const p of procs) {
    const next: Batch[] = [];
    for (const b of current) {
      if (b.length === 0) continue;
      let out: Batch[] | Promise<Batch[]>;
      try {
        out = p.processBatch(b);
        if (out instanceof Promise) out = await out;
      } catch (e) {
        const err = toError(e);
        for (const m of b) m.error = err;
        next.push(b);
        continue;
      }
      for (const x of out) if (x.length > 0) next.push(x);
    }
    current = next;
    if (current.length === 0) break;
  }
  return current;
}
