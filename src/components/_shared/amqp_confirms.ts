/**
 * Publishing on an AMQP confirm channel: each publish resolves once the broker confirmed it
 * (basic.ack) and rejects when the broker refused it (basic.nack, e.g. a full queue with
 * `x-overflow: reject-publish`), when a `mandatory` message came back unroutable (basic.return),
 * or when the channel closed first (NotConnectedError, so the engine reconnects).
 */
import type { ConfirmChannel, Message as AmqpMessage, Options } from 'amqplib';
import { NotConnectedError } from '../../plugin/index.js';

interface InFlight {
  exchange: string;
  key: string;
  content: Buffer;
  /** Set when the broker returned the message: its ack then means "not delivered". */
  returned?: string;
}

export class ConfirmPublisher {
  /** Publishes awaiting their confirm, oldest first (to match returns). */
  private readonly inFlight = new Set<InFlight>();
  private open = true;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly channel: ConfirmChannel,
    private readonly where: string,
  ) {
    channel.on('return', (m: AmqpMessage) => this.onReturn(m));
    channel.on('drain', () => this.wakeDrainWaiters());
    channel.on('close', () => {
      this.open = false;
      this.wakeDrainWaiters();
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  /**
   * Publish one message. `confirmed` settles with the broker's confirm; `backpressure`, when set,
   * resolves once the socket buffer drained: wait for it before publishing more (bounded memory).
   */
  publish(exchange: string, key: string, content: Buffer, options: Options.Publish): { confirmed: Promise<void>; backpressure?: Promise<void> } {
    if (!this.open) return { confirmed: Promise.reject(new NotConnectedError(`amqp_0_9: channel to ${this.where} closed`)) };
    const entry: InFlight = { exchange, key, content };
    let flowing = true;
    const confirmed = new Promise<void>((resolve, reject) => {
      try {
        this.inFlight.add(entry);
        flowing = this.channel.publish(exchange, key, content, options, (err: unknown) => {
          this.inFlight.delete(entry);
          if (err) {
            const text = err instanceof Error ? err.message : String(err);
            if (text === 'channel closed' || !this.open) reject(new NotConnectedError(`amqp_0_9: channel to ${this.where} closed before the broker confirmed`));
            else reject(new Error(`amqp_0_9: the broker rejected (nacked) the message published to exchange "${exchange}" with key "${key}"`));
          } else if (entry.returned !== undefined) {
            reject(new Error(`amqp_0_9: the broker returned the message published to exchange "${exchange}" with key "${key}": ${entry.returned}`));
          } else resolve();
        });
      } catch (e) {
        this.inFlight.delete(entry);
        reject(new NotConnectedError(`amqp_0_9: cannot publish to ${this.where}: ${(e as Error).message}`));
      }
    });
    return flowing ? { confirmed } : { confirmed, backpressure: this.drained() };
  }

  private drained(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private wakeDrainWaiters(): void {
    for (const w of this.drainWaiters.splice(0)) w();
  }

  /**
   * A basic.return arrives just before the confirm of the message it returns. Returns do not carry
   * the delivery tag, so match the oldest unconfirmed publish with the same route and body.
   */
  private onReturn(m: AmqpMessage): void {
    const fields = m.fields as unknown as { exchange: string; routingKey: string; replyCode?: number; replyText?: string };
    for (const e of this.inFlight) {
      if (e.returned === undefined && e.exchange === fields.exchange && e.key === fields.routingKey && e.content.equals(m.content)) {
        e.returned = `${fields.replyCode ?? ''} ${fields.replyText ?? 'returned'}`.trim();
        return;
      }
    }
  }
}
