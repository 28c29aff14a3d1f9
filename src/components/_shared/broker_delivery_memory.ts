/**
 * Remembers which children of a composite output already confirmed a batch, so that when the
 * same batch is written again (the root output retries a failed write forever, and `retry`
 * retries too) the children that have it are not sent it a second time.
 *
 * A batch is recognised by identity: the array a parent passes on each attempt, or, when the
 * parent hands over fresh copies each time (`copyBatch`), the array those copies were made from.
 * Entries live in WeakMaps, so a batch nobody holds any more is forgotten by the garbage collector.
 */
import type { Batch } from '../../plugin/index.js';

const origins = new WeakMap<Batch, object>();

/** What identifies a batch across attempts: the batch it was copied from, or itself. */
export function batchIdentity(batch: Batch): object {
  return origins.get(batch) ?? batch;
}

/**
 * Cheap copies of every message (bytes and metadata are shared until written), so a child's
 * processors cannot change what a later attempt or a sibling sees. The copy keeps the identity
 * of the batch it came from.
 */
export function copyBatch(batch: Batch): Batch {
  const copy = batch.map((m) => m.copy());
  origins.set(copy, batchIdentity(batch));
  return copy;
}

export class DeliveryMemory {
  private readonly confirmed = new WeakMap<object, Set<number>>();

  /** Whether child `index` already confirmed this batch. */
  has(batch: Batch, index: number): boolean {
    return this.confirmed.get(batchIdentity(batch))?.has(index) ?? false;
  }

  remember(batch: Batch, index: number): void {
    const id = batchIdentity(batch);
    let set = this.confirmed.get(id);
    if (!set) this.confirmed.set(id, (set = new Set()));
    set.add(index);
  }

  /** The batch was delivered everywhere: a deliberate rewrite later goes to every child again. */
  forget(batch: Batch): void {
    this.confirmed.delete(batchIdentity(batch));
  }
}
