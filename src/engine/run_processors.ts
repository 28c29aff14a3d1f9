/**
 * Running a chain of processors. A processor that throws flags every message of the batch it got
 * with the error and passes them on: one bad message never stops the stream.
 */
import type { Processor } from '../core/components.js';
import type { Batch, Message } from '../core/message.js';
import { toError } from '../core/errors.js';

/**
 * `takeErrored`, when given, receives messages flagged with an error after each processor; they
 * skip the remaining processors (the strict `error_handling` strategies).
 */
export async function runProcessors(procs: readonly Processor[], batches: Batch[], takeErrored?: (m: Message) => void): Promise<Batch[]> {
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
    if (takeErrored) pullErrored(next, takeErrored);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

function pullErrored(batches: Batch[], take: (m: Message) => void): void {
  for (let i = 0; i < batches.length; i++) {
    const b = batches[i]!;
    let errored = false;
    for (const m of b) if (m.error) errored = true;
    if (!errored) continue;
    const kept: Message[] = [];
    for (const m of b) {
      if (m.error) take(m);
      else kept.push(m);
    }
    batches[i] = kept;
  }
  for (let i = batches.length - 1; i >= 0; i--) if (batches[i]!.length === 0) batches.splice(i, 1);
}
