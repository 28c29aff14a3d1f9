/**
 * Per-partition checkpointing: which offset may be committed while acknowledgements arrive in
 * any order. Batches of a partition are tracked in the order they are handed out (their offsets
 * only grow); a batch is released when its delivery is confirmed. The committable offset is one
 * past the last offset of the longest run of released batches from the front, so the committed
 * offset never passes a message that is still unacknowledged (in flight, or nacked and waiting
 * to be replayed). This is Benthos's checkpoint.Capped, minus the blocking.
 */

export interface Ticket {
  /** Last offset of the batch. */
  readonly last: number;
  /** Messages in the batch (counts against the in-flight limit). */
  readonly count: number;
  done: boolean;
}

export class PartitionCheckpointer {
  private readonly queue: Ticket[] = [];
  private head = 0;
  private inFlight = 0;
  /** The next offset to read after everything released so far (what a commit would store). */
  private position: number | undefined;

  /** `committed`: the group's stored offset for the partition, when known. */
  constructor(committed?: number) {
    this.position = committed;
  }

  /** Messages handed out and not yet released. */
  get pending(): number {
    return this.inFlight;
  }

  /** Track a batch ending at offset `last`, handed out now. */
  track(last: number, count: number): Ticket {
    const t: Ticket = { last, count, done: false };
    this.queue.push(t);
    this.inFlight += count;
    return t;
  }

  /** Mark a batch delivered; returns true when the committable offset moved. */
  release(t: Ticket): boolean {
    if (t.done) return false;
    t.done = true;
    this.inFlight -= t.count;
    let moved = false;
    while (this.head < this.queue.length && this.queue[this.head]!.done) {
      this.position = this.queue[this.head]!.last + 1;
      this.head++;
      moved = true;
    }
    // Compact now and then instead of shifting on every release.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return moved;
  }

  /** The offset to commit (next to read), or undefined when nothing was released yet. */
  committable(): number | undefined {
    return this.position;
  }
}
