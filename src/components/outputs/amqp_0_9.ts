/**
 * `amqp_0_9` output: publish to an exchange on a confirm channel. A write resolves only once the
 * broker confirmed every message of the batch; a broker nack (e.g. a full queue with
 * `x-overflow: reject-publish`), a returned `mandatory` message or a `timeout` fails it, and a
 * closed channel or connection makes it throw NotConnectedError so the engine reconnects.
 */
import type { Channel, ChannelModel, Options } from 'amqplib';
import {
  registerOutput,
  field,
  objectConfig,
  compileInterpolation,
  maxInFlightField,
  parseDuration,
  NotConnectedError,
  type Output,
  type Resources,
  type Batch,
  type Interpolation,
} from '../../plugin/index.js';
import { amqpUrlsField, openAmqpConnection, closeAmqp, describeAmqpUrls, scrubAmqpUrls, type AmqpConnectionConfig } from '../_shared/amqp_connection.js';
import { AmqpHeaderWriter } from '../_shared/amqp_metadata.js';
import { ConfirmPublisher } from '../_shared/amqp_confirms.js';
import { tlsField } from '../_shared/tls.js';

interface AmqpOutputConfig extends AmqpConnectionConfig {
  exchange: string;
  exchange_declare: { enabled: boolean; type: string; durable: boolean };
  key: string;
  type: string;
  content_type: string;
  content_encoding: string;
  correlation_id: string;
  reply_to: string;
  expiration: string;
  message_id: string;
  user_id: string;
  app_id: string;
  metadata: { exclude_prefixes: string[] };
  priority: string;
  max_in_flight: number;
  persistent: boolean;
  mandatory: boolean;
  immediate: boolean;
  timeout: string;
}

const interp = (name: string, description: string, def = ''): ReturnType<typeof field.interpolated> =>
  field.interpolated(name, `${description}\nThis field supports interpolation functions.`).default(def);

registerOutput(
  {
    name: 'amqp_0_9',
    summary: 'Sends messages to an AMQP (0.91) exchange. AMQP is a messaging protocol used by various message brokers, including RabbitMQ.',
    description:
      'The metadata from each message are delivered as headers (underscores in keys become dashes).\n\n' +
      "It's possible for this output type to create the target exchange by setting `exchange_declare.enabled` to `true`, if the exchange already exists then the declaration passively verifies that the settings match.\n\n" +
      'TLS is automatic when connecting to an `amqps` URL, but custom settings can be enabled in the `tls` section.\n\n' +
      "The fields 'key', 'exchange' and 'type' can be dynamically set using function interpolations.\n\n" +
      'Messages are published with publisher confirms: a message counts as delivered only once the broker confirmed it, and a message the broker refuses (for example a full queue with `x-overflow: reject-publish`) fails the write, which is then retried.',
    status: 'stable',
    categories: ['Services'],
    config: objectConfig([
      amqpUrlsField(),
      field.interpolated('exchange', 'An AMQP exchange to publish to.\nThis field supports interpolation functions.'),
      field
        .object('exchange_declare', 'Optionally declare the target exchange (passive).', [
          field.bool('enabled', 'Whether to declare the exchange.').default(false),
          field.string('type', 'The type of the exchange.').default('direct').options('direct', 'fanout', 'topic', 'x-custom'),
          field.bool('durable', 'Whether the exchange should be durable.').default(true),
        ])
        .advanced(),
      interp('key', 'The binding key to set for each message (a `/` becomes `.`).'),
      interp('type', 'The type property to set for each message (a `/` becomes `.`).'),
      interp('content_type', 'The content type attribute to set for each message.', 'application/octet-stream').advanced(),
      interp('content_encoding', 'The content encoding attribute to set for each message.').advanced(),
      interp('correlation_id', 'Set the correlation ID of each message with a dynamic interpolated expression.').advanced(),
      interp('reply_to', 'Carries response queue name - set with a dynamic interpolated expression.').advanced(),
      interp('expiration', 'Set the per-message TTL').advanced(),
      interp('message_id', 'Set the message ID of each message with a dynamic interpolated expression.').advanced(),
      interp('user_id', 'Set the user ID to the name of the publisher. If this property is set by a publisher, its value must be equal to the name of the user used to open the connection.').advanced(),
      interp('app_id', 'Set the application ID of each message with a dynamic interpolated expression.').advanced(),
      field.object('metadata', 'Specify criteria for which metadata values are attached to messages as headers.', [
        field.stringList('exclude_prefixes', 'Provide a list of explicit metadata key prefixes to be excluded when adding metadata to sent messages.').default([]),
      ]),
      interp('priority', 'Set the priority of each message with a dynamic interpolated expression.')
        .advanced()
        .examples('0', '${! metadata("amqp_priority") }', '${! json("doc.priority") }'),
      maxInFlightField(64),
      field.bool('persistent', 'Whether message delivery should be persistent (transient by default).').default(false).advanced(),
      field.bool('mandatory', 'Whether to set the mandatory flag on published messages. When set if a published message is routed to zero queues it is returned (and the write fails).').default(false).advanced(),
      field
        .bool('immediate', 'Whether to set the immediate flag on published messages. When set if there are no ready consumers of a queue then the message is dropped instead of waiting. RabbitMQ does not implement it; the flag is not sent.')
        .default(false)
        .advanced(),
      field.string('timeout', 'The maximum period to wait before abandoning it and reattempting. If not set, wait indefinitely.').default('').advanced(),
      tlsField(),
    ]),
    examples: [
      {
        title: 'Publish to a topic exchange',
        summary: 'Routes each message by a field of its content; every message is confirmed by the broker before it counts as sent.',
        config:
          'input:\n  stdin: {}\noutput:\n  amqp_0_9:\n    urls: [ amqp://guest:guest@127.0.0.1:5672/ ]\n    exchange: events\n    exchange_declare: { enabled: true, type: topic }\n    key: events.${! json("kind") }\n    persistent: true\n',
      },
    ],
  },
  (conf: AmqpOutputConfig, res: Resources): Output => new AmqpOutput(conf, res),
);

interface Session {
  model: ChannelModel;
  publisher: ConfirmPublisher;
  /** A plain channel for declarations: a failed declare closes its channel, and must not take the publisher with it. */
  declarer: Channel | undefined;
  declared: Set<string>;
}

class AmqpOutput implements Output {
  readonly maxInFlight: number;
  private session: Session | undefined;
  private readonly exchange: Interpolation;
  private readonly key: Interpolation;
  private readonly msgType: Interpolation;
  private readonly contentType: Interpolation;
  private readonly contentEncoding: Interpolation;
  private readonly correlationId: Interpolation;
  private readonly replyTo: Interpolation;
  private readonly expiration: Interpolation;
  private readonly messageId: Interpolation;
  private readonly userId: Interpolation;
  private readonly appId: Interpolation;
  private readonly priority: Interpolation;
  private readonly headers: AmqpHeaderWriter;
  private readonly timeoutMs: number;
  private readonly where: string;

  constructor(
    private readonly conf: AmqpOutputConfig,
    private readonly res: Resources,
  ) {
    this.maxInFlight = conf.max_in_flight;
    this.exchange = compileInterpolation(conf.exchange);
    this.key = compileInterpolation(conf.key);
    this.msgType = compileInterpolation(conf.type);
    this.contentType = compileInterpolation(conf.content_type);
    this.contentEncoding = compileInterpolation(conf.content_encoding);
    this.correlationId = compileInterpolation(conf.correlation_id);
    this.replyTo = compileInterpolation(conf.reply_to);
    this.expiration = compileInterpolation(conf.expiration);
    this.messageId = compileInterpolation(conf.message_id);
    this.userId = compileInterpolation(conf.user_id);
    this.appId = compileInterpolation(conf.app_id);
    this.priority = compileInterpolation(conf.priority);
    this.headers = new AmqpHeaderWriter(conf.metadata?.exclude_prefixes ?? []);
    this.timeoutMs = conf.timeout ? parseDuration(conf.timeout) : 0;
    this.where = describeAmqpUrls(conf.urls);
    if (conf.immediate) res.logger.warn('amqp_0_9: `immediate` is not supported by RabbitMQ (it closes the connection); the flag is not sent');
  }

  async connect(): Promise<void> {
    await this.dispose();
    const { model, where } = await openAmqpConnection(this.conf, 'amqp_0_9', this.res.logger);
    try {
      const channel = await model.createConfirmChannel();
      channel.on('error', (err: Error) => this.res.logger.warn(`amqp_0_9: channel error from ${where}: ${scrubAmqpUrls(err.message)}`));
      const session: Session = { model, publisher: new ConfirmPublisher(channel, where), declarer: undefined, declared: new Set() };
      this.session = session;
      if (this.exchange.isStatic && this.conf.exchange_declare.enabled) {
        // As Benthos: a failed declaration at connect time is logged, and publishing goes ahead.
        await this.declare(session, this.exchange.render([], 0)).catch((e: Error) => this.res.logger.error(e.message));
      }
    } catch (e) {
      this.session = undefined;
      await closeAmqp(model);
      throw new Error(`amqp_0_9: cannot open a channel on ${where}: ${scrubAmqpUrls((e as Error).message)}`);
    }
  }

  /** Declare an exchange once per connection. */
  private async declare(s: Session, exchange: string): Promise<void> {
    if (!this.conf.exchange_declare.enabled || s.declared.has(exchange)) return;
    try {
      if (!s.declarer) {
        const ch = await s.model.createChannel();
        ch.on('error', () => {}); // reported through the failed declaration below
        ch.on('close', () => {
          if (s.declarer === ch) s.declarer = undefined;
        });
        s.declarer = ch;
      }
      await s.declarer.assertExchange(exchange, this.conf.exchange_declare.type, { durable: this.conf.exchange_declare.durable });
      s.declared.add(exchange);
    } catch (e) {
      throw new Error(`amqp_0_9: failed to declare exchange "${exchange}": ${scrubAmqpUrls((e as Error).message)}`);
    }
  }

  async write(batch: Batch): Promise<void> {
    const s = this.session;
    if (!s || !s.publisher.isOpen) throw new NotConnectedError(`amqp_0_9: not connected to ${this.where}`);
    const confirms: Array<Promise<void>> = [];
    for (let i = 0; i < batch.length; i++) {
      const exchange = this.exchange.render(batch, i);
      await this.declare(s, exchange);
      const { confirmed, backpressure } = s.publisher.publish(exchange, this.key.render(batch, i).replaceAll('/', '.'), batch[i]!.asBytes(), this.options(batch, i));
      confirms.push(confirmed);
      // Failures are collected below; keep a rejection from counting as unhandled meanwhile.
      confirmed.catch(() => {});
      if (backpressure) await backpressure;
    }
    await this.awaitConfirms(confirms, batch.length);
  }

  private options(batch: Batch, i: number): Options.Publish {
    const opts: Options.Publish = {
      contentType: this.contentType.render(batch, i),
      deliveryMode: this.conf.persistent ? 2 : 1,
      mandatory: this.conf.mandatory,
    };
    const set = (name: 'contentEncoding' | 'correlationId' | 'replyTo' | 'expiration' | 'messageId' | 'userId' | 'appId' | 'type', value: string): void => {
      if (value !== '') opts[name] = value;
    };
    set('contentEncoding', this.contentEncoding.render(batch, i));
    set('correlationId', this.correlationId.render(batch, i));
    set('replyTo', this.replyTo.render(batch, i));
    set('expiration', this.expiration.render(batch, i));
    set('messageId', this.messageId.render(batch, i));
    set('userId', this.userId.render(batch, i));
    set('appId', this.appId.render(batch, i));
    set('type', this.msgType.render(batch, i).replaceAll('/', '.'));
    const priority = this.priority.render(batch, i);
    if (priority !== '') {
      if (!/^[+-]?\d+$/.test(priority.trim())) throw new Error(`amqp_0_9: failed to parse valid integer from priority expression: "${priority}"`);
      const p = Number(priority);
      if (p < 0 || p > 9) throw new Error(`amqp_0_9: invalid priority parsed from expression, must be <= 9 and >= 0, got ${p}`);
      opts.priority = p;
    }
    const headers = this.headers.build(batch[i]!);
    if (headers) opts.headers = headers;
    return opts;
  }

  private async awaitConfirms(confirms: Array<Promise<void>>, n: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.allSettled(confirms);
    const results =
      this.timeoutMs > 0
        ? await Promise.race([all, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), this.timeoutMs)))]).finally(() => clearTimeout(timer))
        : await all;
    if (results === 'timeout') throw new Error(`amqp_0_9: no confirm from ${this.where} within ${this.conf.timeout}`);
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length === 0) return;
    const first = failed[0]!.reason as Error;
    if (first instanceof NotConnectedError) throw first;
    throw new Error(failed.length === 1 && n === 1 ? first.message : `${first.message} (${failed.length} of ${n} messages failed)`);
  }

  private async dispose(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    await closeAmqp(s?.model);
  }

  async close(): Promise<void> {
    await this.dispose();
  }
}
