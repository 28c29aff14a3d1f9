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
  return runProcessorsSyncFirst(procs, batches, takeErrored);
}

/**
 * The same, but without a promise when every processor answered synchronously (a mapping does):
 * the stream's hot path then hands the result on in the same turn, with no microtask per message.
 * Switches to awaiting from the first processor that returns a promise.
 */
export function runProcessorsSyncFirst(procs: readonly Processor[], batches: Batch[], takeErrored?: (m: Message) => void): Batch[] | Promise<Batch[]> {
  let current = batches;
  for (let i = 0; i < procs.length; i++) {
    const next: Batch[] = [];
    for (let j = 0; j < current.length; j++) {
      const b = current[j]!;
      if (b.length === 0) continue;
      let out: Batch[] | Promise<Batch[]>;
      try {
        out = procs[i]!.processBatch(b);
      } catch (e) {
        flag(b, e);
        next.push(b);
        continue;
      }
      if (out instanceof Promise) return resume(procs, i, current, j, next, out, takeErrored);
      for (const x of out) if (x.length > 0) next.push(x);
    }
    if (takeErrored) pullErrored(next, takeErrored);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** Finish processor `i` from batch `j` (whose result is `pending`) and run the rest, awaiting. */
async function resume(
  procs: readonly Processor[],
  i: number,
  current: Batch[],
  j: number,
  next: Batch[],
  pending: Promise<Batch[]>,
  takeErrored: ((m: Message) => void) | undefined,
): Promise<Batch[]> {
  for (;;) {
    const b = current[j]!;
    try {
      for (const x of await pending) if (x.length > 0) next.push(x);
    } catch (e) {
      flag(b, e);
      next.push(b);
    }
    // The next batch of this processor that returns a promise becomes `pending`.
    let found = false;
    while (++j < current.length) {
      const nb = current[j]!;
      if (nb.length === 0) continue;
      let out: Batch[] | Promise<Batch[]>;
      try {
        out = procs[i]!.processBatch(nb);
      } catch (e) {
        flag(nb, e);
        next.push(nb);
        continue;
      }
      if (out instanceof Promise) {
        pending = out;
        found = true;
        break;
      }
      for (const x of out) if (x.length > 0) next.push(x);
    }
    if (found) continue;
    if (takeErrored) pullErrored(next, takeErrored);
    if (next.length === 0 || i + 1 >= procs.length) return next;
    return runProcessorsSyncFirst(procs.slice(i + 1), next, takeErrored);
  }
}

/** A processor that throws flags every message of its batch and passes them on. */
function flag(b: Batch, e: unknown): void {
  const err = toError(e);
  for (const m of b) m.error = err;
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
