/**
 * The hand-over between an `http_server` input's request handlers and its `read()`: requests wait
 * here until the engine reads them, and each is answered exactly once, by whichever comes first:
 * the engine's acknowledgement, the `timeout`, the client going away or the input closing.
 *
 * A request that times out or loses its client while still queued is withdrawn (never read), so
 * it cannot be delivered after its client was told it failed.
 */
import type { AckFn, InputBatch, Message } from '../../plugin/index.js';

export type Outcome = { kind: 'acked' } | { kind: 'nacked'; err: Error } | { kind: 'timeout' } | { kind: 'closing' };

export class PendingRequest {
  /** Still waiting in the queue (not yet read by the engine). */
  queued = true;
  /** Answered: later outcomes are ignored. */
  done = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly messages: Message[],
    private readonly answer: (outcome: Outcome) => void,
  ) {}

  settle(outcome: Outcome): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    this.answer(outcome);
  }

  /** Withdraw without answering (the client is gone). */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
  }

  startTimer(ms: number): void {
    if (ms > 0) this.timer = setTimeout(() => this.settle({ kind: 'timeout' }), ms);
  }
}

export class RequestQueue {
  private items: PendingRequest[] = [];
  private head = 0;
  private waiters: Array<() => void> = [];
  private closed = false;

  push(p: PendingRequest): void {
    this.items.push(p);
    // Wake every reader: each loops, and one whose wait was cut short must not swallow the wake-up.
    for (const w of this.waiters.splice(0)) w();
  }

  /** The next live request as an input batch, or null once closed. */
  async next(signal?: AbortSignal): Promise<InputBatch | null> {
    for (;;) {
      while (this.head < this.items.length) {
        const p = this.items[this.head++]!;
        if (p.done) continue;
        p.queued = false;
        this.compact();
        const ack: AckFn = (err?: Error) => p.settle(err ? { kind: 'nacked', err } : { kind: 'acked' });
        return { messages: p.messages, ack };
      }
      this.compact();
      if (this.closed || signal?.aborted) return null;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => resolve();
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /** Requests that were never read get `closing`; read() returns null from now on. */
  close(): void {
    this.closed = true;
    for (let i = this.head; i < this.items.length; i++) this.items[i]!.settle({ kind: 'closing' });
    this.items = [];
    this.head = 0;
    for (const w of this.waiters.splice(0)) w();
  }

  get waiting(): number {
    let n = 0;
    for (let i = this.head; i < this.items.length; i++) if (!this.items[i]!.done) n++;
    return n;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    } else if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    }
  }
}
