/**
 * `auto_replay_nacks` for MQTT: MQTT cannot take a message back, so a nacked message is kept and
 * read again, with a growing delay (up to 1 s) so a message that keeps failing cannot spin the CPU.
 * Unlike the generic replay queue, each entry keeps the broker delivery it came from, whose ack
 * is released only once a replay finally succeeds.
 */
import type { Message } from '../../plugin/index.js';

export interface Replay<D> {
  message: Message;
  delivery: D;
  failures: number;
  notBefore: number;
}

export class ReplayLine<D> {
  private readonly queue: Array<Replay<D>> = [];

  push(message: Message, delivery: D, failures: number): void {
    this.queue.push({ message, delivery, failures, notBefore: Date.now() + Math.min(1000, 10 * 2 ** (failures - 1)) });
  }

  /** The oldest replay whose delay has passed. */
  due(): Replay<D> | undefined {
    const head = this.queue[0];
    if (!head || head.notBefore > Date.now()) return undefined;
    return this.queue.shift();
  }

  /** Milliseconds until the next replay is due, or undefined when there is none. */
  nextInMs(): number | undefined {
    const head = this.queue[0];
    return head ? Math.max(0, head.notBefore - Date.now()) : undefined;
  }

  get size(): number {
    return this.queue.length;
  }
}
