/**
 * Small batch helpers shared by the composition processors (switch, catch, try, for_each, ...):
 * running child processors over one message at a time and flattening what comes back.
 */
import type { Batch, Message, Processor, Resources } from '../../plugin/index.js';

/** All messages of several batches, in order, as one batch. */
export function flattenBatches(batches: readonly Batch[]): Batch {
  if (batches.length === 1) return batches[0]!;
  const out: Batch = [];
  for (const b of batches) for (const m of b) out.push(m);
  return out;
}

/** Run processors over every batch of a list (each processor sees each batch on its own). */
export async function runOverBatches(res: Resources, procs: Processor[], batches: readonly Batch[]): Promise<Batch[]> {
  const out: Batch[] = [];
  for (const b of batches) {
    if (b.length === 0) continue;
    for (const r of await res.runProcessors(procs, b)) if (r.length > 0) out.push(r);
  }
  return out;
}

/** Run processors on one message as a batch of its own; the results flattened. */
export async function runOnMessage(res: Resources, procs: Processor[], msg: Message): Promise<Batch> {
  return flattenBatches(await res.runProcessors(procs, [msg]));
}

/**
 * Run `fn` over the items with at most `cap` running at once (0: no cap), keeping results in the
 * items' order.
 */
export async function mapConcurrent<T, R>(items: readonly T[], cap: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  const width = cap > 0 ? Math.min(cap, items.length) : items.length;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  const workers: Array<Promise<void>> = [];
  for (let w = 0; w < width; w++) workers.push(worker());
  await Promise.all(workers);
  return results;
}

/**
 * Run one processor over each batch of a list, as Benthos's ExecuteAll does per step; batches for
 * which `shouldRun` says no pass through unchanged.
 */
export async function stepOverBatches(res: Resources, proc: Processor, batches: readonly Batch[], shouldRun?: (b: Batch) => boolean): Promise<Batch[]> {
  const out: Batch[] = [];
  for (const b of batches) {
    if (shouldRun && !shouldRun(b)) {
      out.push(b);
      continue;
    }
    for (const r of await res.runProcessors([proc], b)) if (r.length > 0) out.push(r);
  }
  return out;
}

/** The messages of a batch, each as a batch of its own. */
export function singletons(batch: Batch): Batch[] {
  return batch.map((m) => [m]);
}

/** The result shape of the per-message processors: one batch, or nothing when all were dropped. */
export function asSingleBatch(batches: readonly Batch[]): Batch[] {
  const all = flattenBatches(batches);
  return all.length === 0 ? [] : [all];
}
