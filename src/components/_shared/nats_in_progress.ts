/**
 * Keeps JetStream messages alive while Sluice still holds them: every message received but not
 * yet acked or nacked gets a `+WPI` (working) before `ack_wait` runs out, so a slow pipeline
 * or output does not make the server redeliver a message that is still being delivered.
 *
 * One timer for all messages: it ticks every ack_wait/3 and touches each message not touched in
 * the last ack_wait/6, so no message goes longer than about ack_wait/2 without a touch.
 */
export interface Touchable {
  working(): void;
}

export class InProgressKeeper<T extends Touchable> {
  /** Message → when it was last received or touched (ms). */
  private readonly held = new Map<T, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly tickMs: number;
  private readonly staleMs: number;
  /** +WPI messages sent so far (for tests and debugging). */
  touches = 0;

  constructor(ackWaitMs: number, private readonly now: () => number = Date.now) {
    this.tickMs = Math.max(1, Math.floor(ackWaitMs / 3));
    this.staleMs = Math.floor(ackWaitMs / 6);
  }

  get size(): number {
    return this.held.size;
  }

  hold(msg: T): void {
    this.held.set(msg, this.now());
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.tickMs);
      // The keeper alone must not keep the process alive.
      this.timer.unref();
    }
  }

  release(msg: T): void {
    this.held.delete(msg);
    if (this.held.size === 0) this.stop();
  }

  /** Send +WPI for every message not touched recently. */
  tick(): void {
    const now = this.now();
    for (const [msg, last] of this.held) {
      if (now - last < this.staleMs) continue;
      try {
        msg.working();
        this.touches++;
      } catch {
        // connection closed: the server redelivers after ack_wait, which is what we want then
      }
      this.held.set(msg, now);
    }
  }

  /** Stop touching (on close); what is still held will be redelivered after ack_wait. */
  clear(): T[] {
    const left = [...this.held.keys()];
    this.held.clear();
    this.stop();
    return left;
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
