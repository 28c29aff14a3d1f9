/**
 * `nats_jetstream` input: read a JetStream stream through a pull consumer. A message is acked
 * only in the engine's ack callback (nak on a nack), and while Sluice holds it the input sends
 * `+WPI` before `ack_wait` runs out so slow deliveries are not redelivered meanwhile.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { registerInput, field, objectConfig, parseDuration, Message, NotConnectedError, SluiceError, type Input, type InputBatch, type Resources } from '../../plugin/index.js';
import { natsUrlsField, natsTailFields, openNatsConnection, closeNatsConnection, describeNatsUrls, scrubNatsUrls, type NatsConnectionConfig } from '../_shared/nats_connection.js';
import { headersToMetadata } from '../_shared/nats_headers.js';
import { PushBuffer } from '../_shared/nats_buffer.js';
import { InProgressKeeper } from '../_shared/nats_in_progress.js';
import { resolveConsumer, checkConsumerConfig, DELIVER_OPTIONS, type ConsumerWanted, type ResolvedConsumer } from '../_shared/nats_jetstream_consumer.js';

interface JetStreamInputConfig extends NatsConnectionConfig {
  queue?: string;
  subject?: string;
  durable?: string;
  stream?: string;
  bind?: boolean;
  deliver: string;
  ack_wait: string;
  max_ack_pending: number;
}

registerInput(
  {
    name: 'nats_jetstream',
    summary: 'Reads messages from NATS JetStream subjects.',
    description:
      'Messages are read through a pull consumer. With `durable` (or `queue`) the consumer is durable and shared by every instance using the same name, which splits the messages between them; without either an ephemeral consumer is used. ' +
      'A message is acknowledged once the output delivered it, and negatively acknowledged (redelivered) when delivery failed. While a message is still being processed the input tells the server it is in progress, so `ack_wait` limits how long a silent or crashed consumer holds a message, not how long delivery may take.\n\n' +
      'Metadata: `nats_subject`, `nats_sequence_stream`, `nats_sequence_consumer`, `nats_num_delivered`, `nats_num_pending`, `nats_domain`, `nats_timestamp_unix_nano` and every message header.',
    status: 'stable',
    categories: ['Services'],
    config: objectConfig([
      natsUrlsField(),
      field.string('queue', 'An optional queue group to consume as. Instances with the same queue share one durable consumer (named after the queue unless `durable` is set).').optional(),
      field
        .string('subject', 'A subject to consume from. Supports wildcards for consuming multiple subjects. Either a subject or stream must be specified.')
        .optional()
        .examples('foo.bar.baz', 'foo.*.baz', 'foo.bar.*', 'foo.>'),
      field.string('durable', 'Preserve the state of your consumer under a durable name.').optional(),
      field.string('stream', 'A stream to consume from. Either a subject or stream must be specified.').optional(),
      field.bool('bind', 'Indicates that the subscription should use an existing consumer.').optional(),
      field.string('deliver', 'Determines which messages to deliver when consuming without a durable subscriber: all, last, last_per_subject or new.').default('all').options(...DELIVER_OPTIONS),
      field.string('ack_wait', 'The maximum amount of time NATS server should wait for an ack from consumer.').default('30s').advanced().examples('100ms', '5m'),
      field.int('max_ack_pending', 'The maximum number of outstanding acks to be allowed before consuming is halted.').default(1024).advanced(),
      ...natsTailFields(),
    ]),
    examples: [
      {
        title: 'Shared durable consumer',
        summary: 'Every instance started with this config takes a share of the stream.',
        config: 'input:\n  nats_jetstream:\n    urls: [ nats://127.0.0.1:4222 ]\n    subject: orders.>\n    durable: order_workers\noutput:\n  stdout: {}\n',
      },
    ],
  },
  (conf: JetStreamInputConfig, res: Resources): Input => new JetStreamInput(conf, res),
);

/**
 * Messages given back on close are nak'd with a short delay: a plain nak right after the
 * unsubscribe can be redelivered to this consumer's last, now dead, pull request (seen on
 * nats-server 2.9), where it sits until ack_wait; a delayed redelivery finds the live consumers.
 */
const GIVE_BACK_DELAY_MS = 50;

class JetStreamInput implements Input {
  private nc: NatsConnection | undefined;
  private resolved: ResolvedConsumer | undefined;
  private messages: ConsumerMessages | undefined;
  private buffer = new PushBuffer<JsMsg>();
  private readonly keeper: InProgressKeeper<JsMsg>;
  private readonly wanted: ConsumerWanted;
  private readonly where: string;
  private closing = false;

  constructor(
    private readonly conf: JetStreamInputConfig,
    private readonly res: Resources,
  ) {
    const ackWaitMs = parseDuration(conf.ack_wait);
    this.wanted = {
      subject: conf.subject || undefined,
      stream: conf.stream || undefined,
      durable: conf.durable || undefined,
      queue: conf.queue || undefined,
      bind: conf.bind ?? false,
      deliver: conf.deliver,
      ackWaitMs,
      maxAckPending: conf.max_ack_pending,
    };
    const problem = checkConsumerConfig(this.wanted);
    if (problem) throw new SluiceError('E_CONFIG', `nats_jetstream: ${problem}`);
    this.keeper = new InProgressKeeper<JsMsg>(ackWaitMs);
    this.where = describeNatsUrls(conf.urls);
  }

  async connect(): Promise<void> {
    await this.dispose();
    const nc = await openNatsConnection(this.conf, this.res, 'nats_jetstream');
    try {
      const resolved = await resolveConsumer(nc, this.wanted);
      const buffer = new PushBuffer<JsMsg>();
      const messages = await resolved.consumer.consume({
        // The server stops at max_ack_pending unacked messages anyway; this sizes each pull.
        max_messages: Math.max(1, Math.min(this.conf.max_ack_pending, 512)),
        callback: (m) => {
          this.keeper.hold(m);
          buffer.push(m);
        },
      });
      this.watch(nc, messages, buffer);
      this.nc = nc;
      this.resolved = resolved;
      this.messages = messages;
      this.buffer = buffer;
    } catch (e) {
      await closeNatsConnection(nc, 1000);
      throw new Error(`nats_jetstream: cannot consume from ${this.where}: ${scrubNatsUrls((e as Error).message)}`);
    }
  }

  /** Turn a consumer or connection that broke for good into NotConnectedError for the engine. */
  private watch(nc: NatsConnection, messages: ConsumerMessages, buffer: PushBuffer<JsMsg>): void {
    const broken = (why: string): void => {
      if (!this.closing && this.messages === messages) buffer.fail(new NotConnectedError(`nats_jetstream: ${why}`));
    };
    void messages.closed().then(
      (err) => err && broken(`consumer stopped: ${err.message}`),
      (err: Error) => broken(`consumer stopped: ${err.message}`),
    );
    void (async () => {
      for await (const s of messages.status()) {
        if (s.type === 'consumer_deleted' || s.type === 'consumer_not_found' || s.type === 'stream_not_found') {
          broken(`${s.type.replaceAll('_', ' ')} (${this.resolved?.stream}/${this.resolved?.name})`);
          void messages.close().catch(() => {});
        }
      }
    })().catch(() => {});
    void nc.closed().then(() => broken(`connection to ${this.where} closed`));
  }

  async read(): Promise<InputBatch | null> {
    for (;;) {
      const [m] = this.buffer.take(1);
      if (m) return { messages: [this.toMessage(m)], ack: (err?: Error) => this.settle(m, err) };
      if (this.closing) return null;
      if (!this.nc) throw new NotConnectedError('nats_jetstream: not connected');
      if (!(await this.buffer.wait())) return null;
    }
  }

  private settle(m: JsMsg, err: Error | undefined): void {
    // A nack while the stream shuts down would be redelivered straight back to this consumer and
    // could be in transit when it unsubscribes (then lost until ack_wait). Keep holding it: close()
    // naks everything held once it no longer pulls, so the server hands it to another consumer.
    if (err && this.res.signal.aborted && this.messages && !this.closing) return;
    this.keeper.release(m);
    try {
      if (err) this.closing ? m.nak(GIVE_BACK_DELAY_MS) : m.nak();
      else m.ack();
    } catch {
      // The connection is gone: the server redelivers after ack_wait.
    }
  }

  private toMessage(m: JsMsg): Message {
    const msg = Message.fromBytes(m.data);
    headersToMetadata(m.headers, msg);
    const info = m.info;
    msg.setMeta('nats_subject', m.subject);
    msg.setMeta('nats_sequence_stream', String(info.streamSequence));
    msg.setMeta('nats_sequence_consumer', String(info.deliverySequence));
    msg.setMeta('nats_num_delivered', String(info.deliveryCount));
    msg.setMeta('nats_num_pending', String(info.pending));
    msg.setMeta('nats_domain', info.domain);
    msg.setMeta('nats_timestamp_unix_nano', m.timestampNanos.toString());
    return msg;
  }

  private async dispose(): Promise<void> {
    const { nc, messages, resolved } = this;
    this.nc = undefined;
    this.messages = undefined;
    this.resolved = undefined;
    if (messages) await messages.close().catch(() => {});
    // Make sure the server saw the unsubscribe before anything is given back (else it may be
    // redelivered to the dying subscription).
    if (nc && !nc.isClosed()) await nc.flush().catch(() => {});
    // Give back what was received but never handed to the engine, so it is redelivered now.
    for (const m of this.buffer.drain()) this.settle(m, new Error('closing'));
    // What the engine still holds now can no longer be acked on this connection (the stream has
    // drained or given up by the time it closes the input): nak it rather than wait for ack_wait.
    if (this.closing) for (const m of this.keeper.clear()) this.settle(m, new Error('closing'));
    if (nc && !nc.isClosed() && resolved?.ephemeral) await resolved.jsm.consumers.delete(resolved.stream, resolved.name).catch(() => {});
    await closeNatsConnection(nc);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.buffer.close();
    await this.dispose();
  }
}
