/**
 * `nats` input: subscribe to a core NATS subject (optionally in a queue group). Core NATS is
 * at-most-once: a message that arrives while nobody is subscribed is gone, and the server never
 * redelivers, so nacked messages are replayed from memory (`auto_replay_nacks`).
 */
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { registerInput, field, objectConfig, parseDuration, Message, NotConnectedError, type AckFn, type Input, type InputBatch, type Resources } from '../../plugin/index.js';
import { natsUrlsField, natsTailFields, openNatsConnection, closeNatsConnection, describeNatsUrls, type NatsConnectionConfig } from '../_shared/nats_connection.js';
import { headersToMetadata } from '../_shared/nats_headers.js';
import { PushBuffer } from '../_shared/nats_buffer.js';

interface NatsInputConfig extends NatsConnectionConfig {
  subject: string;
  queue?: string;
  auto_replay_nacks: boolean;
  nak_delay?: string;
  prefetch_count: number;
  send_ack: boolean;
}

const ACK = new TextEncoder().encode('+ACK');
const NAK = new TextEncoder().encode('-NAK');

registerInput(
  {
    name: 'nats',
    summary: 'Subscribe to a NATS subject.',
    description:
      'Core NATS delivers at most once: messages published while the input is not subscribed (for example while it reconnects) are not seen, and the server never redelivers. Messages rejected by the output are replayed from memory while `auto_replay_nacks` is true.\n\n' +
      'Metadata: `nats_subject`, `nats_reply_subject` (when the message has one) and every message header.',
    status: 'stable',
    categories: ['Services'],
    config: objectConfig([
      natsUrlsField(),
      field.string('subject', 'A subject to consume from. Supports wildcards for consuming multiple subjects.').examples('foo.bar.baz', 'foo.*.baz', 'foo.bar.*', 'foo.>'),
      field.string('queue', 'An optional queue group to consume as.').optional(),
      field
        .bool('auto_replay_nacks', 'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely. If false they are dropped (and a `-NAK` is sent to their reply subject, if any).')
        .default(true),
      field.string('nak_delay', 'An optional delay duration on redelivering a message when negatively acknowledged (sent with the `-NAK` to the reply subject).').optional().advanced().examples('1m'),
      field.int('prefetch_count', 'The maximum number of messages held in memory waiting to be read; further messages are dropped (as a slow consumer) until there is room.').default(500000).advanced(),
      field.bool('send_ack', "Whether to send an acknowledgement (`+ACK`) back to the message's reply subject after delivering it.").default(true).advanced(),
      ...natsTailFields(),
    ]),
    examples: [
      {
        title: 'Queue group consumer',
        summary: 'Several Sluice instances share the messages of a subject.',
        config: 'input:\n  nats:\n    urls: [ nats://127.0.0.1:4222 ]\n    subject: orders.>\n    queue: order_workers\noutput:\n  stdout: {}\n',
      },
    ],
  },
  (conf: NatsInputConfig, res: Resources): Input => new NatsInput(conf, res),
);

class NatsInput implements Input {
  private nc: NatsConnection | undefined;
  private sub: Subscription | undefined;
  private buffer = new PushBuffer<Msg>();
  /** Nacked batches waiting to be read again. */
  private readonly replay: Array<{ messages: Message[]; source: Msg | undefined }> = [];
  private readonly nakBody: Uint8Array;
  private dropped = 0;
  private closing = false;

  constructor(
    private readonly conf: NatsInputConfig,
    private readonly res: Resources,
  ) {
    const delayMs = conf.nak_delay ? parseDuration(conf.nak_delay) : 0;
    this.nakBody = delayMs > 0 ? new TextEncoder().encode(`-NAK ${JSON.stringify({ delay: delayMs * 1_000_000 })}`) : NAK;
  }

  async connect(): Promise<void> {
    await this.dispose();
    const nc = await openNatsConnection(this.conf, this.res, 'nats');
    const buffer = new PushBuffer<Msg>();
    this.buffer = buffer;
    const limit = this.conf.prefetch_count > 0 ? this.conf.prefetch_count : Number.MAX_SAFE_INTEGER;
    try {
      this.sub = nc.subscribe(this.conf.subject, {
        ...(this.conf.queue ? { queue: this.conf.queue } : {}),
        callback: (err, msg) => {
          if (err) return buffer.fail(new NotConnectedError(`nats: subscription to ${this.conf.subject} failed: ${err.message}`));
          if (buffer.size >= limit) {
            if (this.dropped++ % 10_000 === 0) this.res.logger.warn(`nats: dropping messages, ${limit} are already waiting (prefetch_count)`);
            return;
          }
          buffer.push(msg);
        },
      });
      // Make sure the server registered the subscription before reporting connected.
      await nc.flush();
    } catch (e) {
      // The connection is not ours to keep: left open it would reconnect forever and hold the
      // process open, one more for every retry of connect().
      this.sub = undefined;
      await closeNatsConnection(nc, 1000);
      throw new Error(`nats: cannot subscribe to ${JSON.stringify(this.conf.subject)} on ${describeNatsUrls(this.conf.urls)}: ${(e as Error).message}`);
    }
    this.nc = nc;
    // A connection that gave up reconnecting (max_reconnects) breaks the reader: the engine reconnects.
    void nc.closed().then(() => {
      if (!this.closing && this.nc === nc) buffer.fail(new NotConnectedError(`nats: connection to ${describeNatsUrls(this.conf.urls)} closed`));
    });
  }

  async read(): Promise<InputBatch | null> {
    for (;;) {
      const again = this.replay.shift();
      if (again) return this.batchOf(again.messages, again.source);
      const [msg] = this.buffer.take(1);
      if (msg) return this.batchOf([this.toMessage(msg)], msg);
      if (!this.nc) throw new NotConnectedError('nats: not connected');
      if (!(await this.buffer.wait())) return null;
    }
  }

  private toMessage(msg: Msg): Message {
    const m = Message.fromBytes(msg.data);
    headersToMetadata(msg.headers, m);
    m.setMeta('nats_subject', msg.subject);
    if (msg.reply) m.setMeta('nats_reply_subject', msg.reply);
    return m;
  }

  private batchOf(messages: Message[], source: Msg | undefined): InputBatch {
    const originals = this.conf.auto_replay_nacks ? messages.map((m) => m.copy()) : undefined;
    const ack: AckFn = (err?: Error) => {
      if (err && originals) {
        this.replay.push({ messages: originals.map((m) => m.copy()), source });
        this.buffer.wake();
        return;
      }
      if (!source?.reply || this.nc?.isClosed() !== false) return;
      if (err) source.respond(this.nakBody);
      else if (this.conf.send_ack) source.respond(ACK);
    };
    return { messages, ack };
  }

  private async dispose(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    this.sub?.unsubscribe();
    this.sub = undefined;
    await closeNatsConnection(nc);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.buffer.close();
    await this.dispose();
  }
}
