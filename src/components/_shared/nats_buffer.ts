/**
 * The hand-off between a NATS subscription callback (push) and an input's read() (pull): items
 * queue up here, read() waits for the next one, and close()/fail() wake a waiting reader.
 */
export class PushBuffer<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: (() => void) | undefined;
  private closed = false;
  private failure: Error | undefined;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  /** Up to `max` items, without waiting. */
  take(max: number): T[] {
    const end = Math.min(this.items.length, this.head + max);
    const out = this.items.slice(this.head, end);
    this.head = end;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Everything left (used to give messages back on close). */
  drain(): T[] {
    return this.take(Number.MAX_SAFE_INTEGER);
  }

  /**
   * Resolves true once an item is queued or wake() was called, false once the buffer is closed;
   * throws the error given to fail(). One reader waits at a time.
   */
  async wait(): Promise<boolean> {
    if (this.failure) throw this.failure;
    if (this.size > 0) return true;
    if (this.closed) return false;
    await new Promise<void>((resolve) => (this.waiter = resolve));
    if (this.failure) throw this.failure;
    return this.size > 0 || !this.closed;
  }

  /** Let a waiting reader look again (e.g. a nacked batch was queued for replay). */
  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  /** The source broke: the waiting (and next) reader gets this error until reset. */
  fail(err: Error): void {
    this.failure = err;
    this.wake();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
