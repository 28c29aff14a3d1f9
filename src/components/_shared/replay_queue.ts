/**
 * For inputs whose source cannot take a message back (stdin, files, generate): a nacked batch is
 * queued and read again, so a failed delivery is retried instead of lost (`auto_replay_nacks`).
 */
import type { AckFn, InputBatch, Message } from '../../plugin/index.js';

export class ReplayQueue {
  private readonly queue: Message[][] = [];
  constructor(private readonly enabled: boolean) {}

  /** A queued batch to read again, if any. */
  shift(): InputBatch | null {
    const messages = this.queue.shift();
    return messages ? { messages, ack: this.ackFor(messages) } : null;
  }

  /** The ack for a fresh batch; `onDone` runs once the batch was finally delivered or dropped. */
  ackFor(messages: Message[], onDone?: () => void): AckFn {
    if (!this.enabled) return () => onDone?.();
    // Keep untouched copies: processors may change the messages before a nack.
    const originals = messages.map((m) => m.copy());
    return (err?: Error) => {
      if (err) {
        this.queue.push(originals.map((m) => m.copy()));
        return;
      }
      onDone?.();
    };
  }

  get size(): number {
    return this.queue.length;
  }
}
