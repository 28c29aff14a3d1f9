/**
 * `amqp_0_9` input: consume a queue (RabbitMQ and other AMQP 0.9.1 brokers). A delivery is acked
 * only in the engine's ack callback; a nack requeues it, unless its error matches one of
 * `nack_reject_patterns`, in which case it is rejected without requeue (dead-lettered when the
 * queue has a dead-letter exchange). Losing the channel or connection makes read() throw
 * NotConnectedError; whatever was not acked then is redelivered by the broker.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import { RE2JS } from 're2js';
import { registerInput, field, objectConfig, NotConnectedError, SluiceError, type Input, type InputBatch, type Resources } from '../../plugin/index.js';
import { amqpUrlsField, openAmqpConnection, closeAmqp, closeAmqpChannel, describeAmqpUrls, scrubAmqpUrls, type AmqpConnectionConfig } from '../_shared/amqp_connection.js';
import { deliveryToMessage } from '../_shared/amqp_metadata.js';
import { queueArguments } from '../_shared/amqp_arguments.js';
import { PushBuffer } from '../_shared/nats_buffer.js';
import { tlsField } from '../_shared/tls.js';

interface AmqpInputConfig extends AmqpConnectionConfig {
  queue: string;
  queue_declare: { enabled: boolean; durable: boolean; auto_delete: boolean; arguments?: Record<string, string> };
  bindings_declare?: Array<{ exchange: string; key: string }>;
  consumer_tag: string;
  auto_ack: boolean;
  nack_reject_patterns: string[];
  prefetch_count: number;
  prefetch_size: number;
}

registerInput(
  {
    name: 'amqp_0_9',
    summary: 'Connects to an AMQP (0.91) queue. AMQP is a messaging protocol used by various message brokers, including RabbitMQ.',
    description:
      'TLS is automatic when connecting to an `amqps` URL, but custom settings can be enabled in the `tls` section.\n\n' +
      'A message is acknowledged once the output delivered it. When delivery fails it is negatively acknowledged and requeued, unless the error matches one of `nack_reject_patterns`: then it is rejected without requeue, which drops it or sends it to the dead-letter exchange of the queue. `prefetch_count` bounds how many messages are held unacknowledged.\n\n' +
      '### Metadata\n\nThis input adds the following metadata fields to each message:\n\n' +
      '```text\n- amqp_content_type\n- amqp_content_encoding\n- amqp_delivery_mode\n- amqp_priority\n- amqp_correlation_id\n- amqp_reply_to\n- amqp_expiration\n- amqp_message_id\n- amqp_timestamp\n- amqp_type\n- amqp_user_id\n- amqp_app_id\n- amqp_consumer_tag\n- amqp_delivery_tag\n- amqp_redelivered\n- amqp_exchange\n- amqp_routing_key\n- All existing message headers, including nested headers prefixed with the key of their respective parent.\n```\n\n' +
      'Dashes in header names become underscores in metadata keys.',
    status: 'stable',
    categories: ['Services'],
    config: objectConfig([
      amqpUrlsField(),
      field.string('queue', 'An AMQP queue to consume from.'),
      field
        .object('queue_declare', 'Allows you to passively declare the target queue. If the queue already exists then the declaration passively verifies that they match the target fields.', [
          field.bool('enabled', 'Whether to enable queue declaration.').default(false),
          field.bool('durable', 'Whether the declared queue is durable.').default(true),
          field.bool('auto_delete', 'Whether the declared queue will auto-delete.').default(false),
          field
            .map('arguments', 'Optional arguments of the declared queue (e.g. `x-queue-type`, `x-max-length`, `x-dead-letter-exchange`). Numeric strings are sent as numbers.', field.string(''))
            .optional()
            .advanced()
            .examples({ 'x-queue-type': 'quorum', 'x-max-length': '1000' }),
        ])
        .advanced(),
      field
        .array(
          'bindings_declare',
          'Allows you to passively declare bindings for the target queue.',
          field.object('', '', [field.string('exchange', 'The exchange of the declared binding.').default(''), field.string('key', 'The key of the declared binding.').default('')]),
        )
        .optional()
        .advanced()
        .examples([{ exchange: 'foo', key: 'bar' }]),
      field.string('consumer_tag', 'A consumer tag.').default(''),
      field
        .bool(
          'auto_ack',
          'Acknowledge messages automatically as they are consumed rather than waiting for acknowledgments from downstream. This can improve throughput and prevent the pipeline from blocking but at the cost of eliminating delivery guarantees. A message is acknowledged when the pipeline reads it, so `prefetch_count` still bounds how many wait in memory.',
        )
        .default(false)
        .advanced(),
      field
        .stringList(
          'nack_reject_patterns',
          'A list of regular expression patterns whereby if a message that has failed to be delivered has an error that matches it will be dropped (or delivered to a dead-letter queue if one exists). By default failed messages are nacked with requeue enabled.',
        )
        .default([])
        .advanced()
        .examples(['^reject me please:.+$']),
      field.int('prefetch_count', 'The maximum number of pending messages to have consumed at a time.').default(10),
      field.int('prefetch_size', 'The maximum amount of pending messages measured in bytes to have consumed at a time (RabbitMQ supports only 0).').default(0).advanced(),
      tlsField(),
    ]),
    examples: [
      {
        title: 'Consume a durable queue',
        summary: 'Declares the queue and binds it to an exchange, then holds at most 50 messages unacknowledged.',
        config:
          'input:\n  amqp_0_9:\n    urls: [ amqp://guest:guest@127.0.0.1:5672/ ]\n    queue: orders\n    queue_declare: { enabled: true, durable: true }\n    bindings_declare:\n      - { exchange: amq.topic, key: orders.# }\n    prefetch_count: 50\noutput:\n  stdout: {}\n',
      },
    ],
  },
  (conf: AmqpInputConfig, res: Resources): Input => new AmqpInput(conf, res),
);

interface Session {
  model: ChannelModel;
  channel: Channel;
  buffer: PushBuffer<ConsumeMessage>;
  open: boolean;
}

class AmqpInput implements Input {
  private session: Session | undefined;
  private readonly rejectPatterns: RE2JS[];
  private readonly where: string;
  private closing = false;

  constructor(
    private readonly conf: AmqpInputConfig,
    private readonly res: Resources,
  ) {
    if (!conf.queue) throw new SluiceError('E_CONFIG', 'amqp_0_9: a queue is required');
    this.rejectPatterns = conf.nack_reject_patterns.map((p) => {
      try {
        return RE2JS.compile(p);
      } catch (e) {
        throw new SluiceError('E_CONFIG', `amqp_0_9: invalid nack_reject_patterns entry "${p}": ${(e as Error).message}`);
      }
    });
    this.where = describeAmqpUrls(conf.urls);
  }

  async connect(): Promise<void> {
    await this.dispose();
    const { model, where } = await openAmqpConnection(this.conf, 'amqp_0_9', this.res.logger);
    try {
      const channel = await model.createChannel();
      const session: Session = { model, channel, buffer: new PushBuffer<ConsumeMessage>(), open: true };
      const lost = (why: string): void => {
        if (!session.open) return;
        session.open = false;
        if (!this.closing) session.buffer.fail(new NotConnectedError(`amqp_0_9: ${why}`));
      };
      channel.on('error', (err: Error) => this.res.logger.warn(`amqp_0_9: channel error from ${where}: ${scrubAmqpUrls(err.message)}`));
      channel.on('close', () => lost(`channel to ${where} closed`));
      model.on('close', () => lost(`connection to ${where} closed`));
      const q = this.conf.queue_declare;
      if (q.enabled) await channel.assertQueue(this.conf.queue, { durable: q.durable, autoDelete: q.auto_delete, arguments: queueArguments(q.arguments) });
      for (const b of this.conf.bindings_declare ?? []) await channel.bindQueue(this.conf.queue, b.exchange, b.key);
      await this.setQos(channel);
      await channel.consume(
        this.conf.queue,
        (d) => {
          // null: the broker cancelled the consumer (queue deleted, node down).
          if (d === null) {
            lost(`the broker cancelled the consumer of queue "${this.conf.queue}"`);
            void channel.close().catch(() => {});
          } else session.buffer.push(d);
        },
        // auto_ack is done by acking at read time rather than with noAck: that way prefetch_count
        // still bounds what the broker pushes (noAck deliveries are not limited at all).
        { consumerTag: this.conf.consumer_tag || undefined, noAck: false },
      );
      this.session = session;
    } catch (e) {
      await closeAmqp(model);
      throw new Error(`amqp_0_9: cannot consume queue "${this.conf.queue}" from ${where}: ${scrubAmqpUrls((e as Error).message)}`);
    }
  }

  private async setQos(channel: Channel): Promise<void> {
    if (this.conf.prefetch_size === 0) {
      await channel.prefetch(this.conf.prefetch_count);
      return;
    }
    // amqplib's prefetch() cannot set a byte limit; basic.qos can (RabbitMQ refuses it, other brokers may not).
    const raw = channel as unknown as { rpc?: (method: number, fields: object, expect: number) => Promise<unknown> };
    if (typeof raw.rpc !== 'function') throw new Error('prefetch_size is not supported by this client');
    const BASIC_QOS = 3932170;
    const BASIC_QOS_OK = 3932171;
    await raw.rpc.call(channel, BASIC_QOS, { prefetchCount: this.conf.prefetch_count, prefetchSize: this.conf.prefetch_size, global: false }, BASIC_QOS_OK);
  }

  async read(): Promise<InputBatch | null> {
    for (;;) {
      const s = this.session;
      if (this.closing) return null;
      if (!s) throw new NotConnectedError(`amqp_0_9: not connected to ${this.where}`);
      // Deliveries still buffered from a lost channel cannot be acked any more: the broker requeued them.
      if (!s.open) throw new NotConnectedError(`amqp_0_9: lost the connection to ${this.where}`);
      const [d] = s.buffer.take(1);
      if (!d) {
        if (!(await s.buffer.wait())) return null;
        continue;
      }
      if (this.conf.auto_ack) {
        this.settle(s, d, undefined);
        return { messages: [deliveryToMessage(d)], ack: () => {} };
      }
      return { messages: [deliveryToMessage(d)], ack: (err?: Error) => this.settle(s, d, err) };
    }
  }

  private settle(s: Session, d: ConsumeMessage, err: Error | undefined): void {
    // Acks must go to the channel the delivery came on; once it closed, the broker has requeued it.
    if (!s.open) return;
    try {
      if (!err) s.channel.ack(d);
      else if (this.rejectPatterns.some((re) => re.test(err.message))) s.channel.nack(d, false, false);
      else s.channel.nack(d, false, true);
    } catch {
      // The channel closed meanwhile: the broker requeues the delivery.
    }
  }

  private async dispose(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    s.open = false;
    s.buffer.close();
    // Close the channel before the connection. amqplib queues frames per channel and muxes the
    // queues onto the socket, so a Connection.Close (channel 0) can overtake acks still queued
    // on this channel, and the broker discards frames after it: those deliveries, written
    // downstream and acked here, would be requeued and delivered twice (fault suite F4).
    // Channel.Close travels behind the acks on the same queue, and its CloseOk means the broker
    // processed them. Closing then requeues only what was not acked, buffered deliveries included.
    await closeAmqpChannel(s.channel, s.model);
    await closeAmqp(s.model);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.dispose();
  }
}
