/**
 * For inputs whose source cannot take a message back (stdin, files, generate): a nacked batch is
 * queued and read again, so a failed delivery is retried instead of lost (`auto_replay_nacks`).
 * Replays of a batch that keeps failing are spaced out with a growing delay (up to 1 s), so a
 * poison message cannot spin the CPU.
 */
import type { AckFn, InputBatch, Message, Resources } from '../../plugin/index.js';

/** Runs once a batch is finally done: delivered, or failed when replays are off (err set). */
export type DoneFn = (err?: Error) => void;

interface Queued {
  messages: Message[];
  notBefore: number;
  failures: number;
  onDone?: DoneFn;
}

export class ReplayQueue {
  private readonly queue: Queued[] = [];
  /** Batches handed out and not yet acked or nacked. */
  private outstanding = 0;
  private waiters: Array<() => void> = [];

  constructor(private readonly enabled: boolean) {}

  /** A queued batch whose delay has passed, if any. */
  shift(): InputBatch | null {
    const head = this.queue[0];
    if (!head || head.notBefore > Date.now()) return null;
    this.queue.shift();
    return { messages: head.messages, ack: this.track(head.messages, head.failures, head.onDone) };
  }

  /** The ack for a fresh batch; `onDone` runs once the batch was finally delivered or dropped. */
  ackFor(messages: Message[], onDone?: DoneFn): AckFn {
    return this.track(messages, 0, onDone);
  }

  private track(messages: Message[], failures: number, onDone?: DoneFn): AckFn {
    this.outstanding++;
    // Keep untouched copies: processors may change the messages before a nack.
    const originals = this.enabled ? messages.map((m) => m.copy()) : [];
    let settled = false;
    return (err?: Error) => {
      if (settled) return;
      settled = true;
      this.outstanding--;
      if (err && this.enabled) {
        const delay = Math.min(1000, 10 * 2 ** failures);
        this.queue.push({ messages: originals.map((m) => m.copy()), notBefore: Date.now() + delay, failures: failures + 1, onDone });
      } else onDone?.(err);
      for (const w of this.waiters.splice(0)) w();
    };
  }

  /**
   * Call when the source itself has no more data: waits while batches are still out (they may be
   * nacked and need replaying), then returns a replay or null once everything was acknowledged.
   */
  async endOfInput(res: Pick<Resources, 'signal' | 'inputExhausted'>): Promise<InputBatch | null> {
    const signal = res.signal;
    let wake: (() => void) | undefined;
    const onAbort = (): void => wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        const again = this.shift();
        if (again) return again;
        if (this.queue.length === 0 && this.outstanding === 0) return null;
        if (signal.aborted) return null;
        // What is still out may sit in an output's partial batch: have it sent (again every
        // 100 ms, as a nested output may only receive it after the first flush).
        res.inputExhausted();
        const head = this.queue[0];
        const waitMs = Math.min(100, head ? Math.max(0, head.notBefore - Date.now()) : 100);
        await new Promise<void>((resolve) => {
          wake = resolve;
          this.waiters.push(resolve);
          setTimeout(resolve, waitMs);
        });
        this.waiters = this.waiters.filter((w) => w !== wake);
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  get size(): number {
    return this.queue.length;
  }
}
