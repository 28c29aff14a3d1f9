/**
 * For inputs whose source cannot take a message back (stdin, files, generate): a nacked batch is
 * queued and read again, so a failed delivery is retried instead of lost (`auto_replay_nacks`).
 * Replays of a batch that keeps failing are spaced out with a growing delay (up to 1 s), so a
 * poison message cannot spin the CPU.
 */
import type { AckFn, InputBatch, Message, Resources } from '../../plugin/index.js';

/**
 * Runs once a batch is finally done: delivered, or failed when replays are off (err set), with
 * the `arg` given to `ackFor` (so one function can serve every batch, with no closure per batch).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type DoneFn<T = any> = (err: Error | undefined, arg: T) => void;

interface Queued {
  messages: Message[];
  notBefore: number;
  failures: number;
  onDone?: DoneFn;
  arg: unknown;
}

function copies(messages: Message[]): Message[] {
  return messages.length === 1 ? [messages[0]!.copy()] : messages.map((m) => m.copy());
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
    return { messages: head.messages, ack: this.track(head.messages, undefined, head.failures, head.onDone, head.arg) };
  }

  /**
   * The ack for a fresh batch; `onDone(err, arg)` runs once the batch was finally delivered or
   * dropped. `remake`, when given, makes a message as read again from its bytes: a one-message
   * batch then keeps only its bytes for a replay, instead of a copy of the message.
   */
  ackFor<T>(messages: Message[], onDone?: DoneFn<T>, arg?: T, remake?: (bytes: Buffer) => Message): AckFn {
    if (remake !== undefined && messages.length === 1 && this.enabled) return this.track(messages[0]!.asBytes(), remake, 0, onDone, arg);
    return this.track(messages, undefined, 0, onDone, arg);
  }

  private track(messages: Message[] | Buffer, remake: ((bytes: Buffer) => Message) | undefined, failures: number, onDone: DoneFn | undefined, arg: unknown): AckFn {
    this.outstanding++;
    // Keep untouched copies (or the bytes to remake them from): processors may change the messages before a nack.
    const originals = remake !== undefined || !this.enabled ? messages : copies(messages as Message[]);
    let settled = false;
    return (err?: Error) => {
      if (settled) return;
      settled = true;
      this.outstanding--;
      if (err && this.enabled) {
        const delay = Math.min(1000, 10 * 2 ** failures);
        const again = remake !== undefined ? [remake(originals as Buffer)] : copies(originals as Message[]);
        this.queue.push({ messages: again, notBefore: Date.now() + delay, failures: failures + 1, onDone, arg });
      } else onDone?.(err, arg);
      if (this.waiters.length > 0) for (const w of this.waiters.splice(0)) w();
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
