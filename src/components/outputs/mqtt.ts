/**
 * `mqtt` output: publish each message to an (interpolated) topic. With QoS 1 or 2 a write
 * resolves once the broker acknowledged every message (PUBACK / PUBCOMP); `write_timeout` bounds
 * the wait. A dropped connection fails the writes in flight with NotConnectedError, and the
 * engine reconnects and retries them.
 */
import type { IClientPublishOptions, MqttClient } from 'mqtt';
import { registerOutput, field, objectConfig, compileInterpolation, maxInFlightField, parseDuration, NotConnectedError, type Output, type Resources, type Batch, type Interpolation, type Message } from '../../plugin/index.js';
import { SendQuota } from '../_shared/mqtt_quota.js';
import { mqttConnectionFields, qosField, openMqttClient, endMqttClient, describeMqttUrls, resolveClientId, scrubMqttUrls, type MqttConnectionConfig } from '../_shared/mqtt_connection.js';

interface MqttOutputConfig extends MqttConnectionConfig {
  topic: string;
  qos: number;
  write_timeout: string;
  retained: boolean;
  retained_interpolated?: string;
  max_in_flight: number;
}

registerOutput(
  {
    name: 'mqtt',
    summary: 'Pushes messages to an MQTT broker.',
    description:
      'The `topic` field can be dynamically set using function interpolations. A message published with QoS 1 or 2 counts as delivered once the broker acknowledged it.\n\n' +
      'With `protocol_version: 5` the metadata of each message is sent as MQTT 5 user properties, except keys starting with `mqtt_` (what the `mqtt` input says about the delivery it received).',
    status: 'stable',
    categories: ['Services'],
    config: objectConfig([
      ...mqttConnectionFields(),
      field.interpolated('topic', 'The topic to publish messages to.\nThis field supports interpolation functions.'),
      qosField('The QoS value to set for each message. Has options 0, 1, 2.'),
      field.string('write_timeout', 'The maximum amount of time to wait to write data before the attempt is abandoned.').default('3s').examples('1s', '500ms'),
      field.bool('retained', 'Set message as retained on the topic.').default(false),
      field
        .interpolated('retained_interpolated', 'Override the value of `retained` with an interpolable value, this allows it to be dynamically set based on message contents. The value must resolve to either `true` or `false`.')
        .optional()
        .advanced(),
      maxInFlightField(64),
    ]),
    examples: [
      {
        title: 'Publish per device',
        config: 'input:\n  stdin: {}\noutput:\n  mqtt:\n    urls: [ tcp://127.0.0.1:1883 ]\n    topic: devices/${! json("id") }/state\n    qos: 1\n',
      },
    ],
  },
  (conf: MqttOutputConfig, res: Resources): Output => new MqttOutput(conf, res),
);

interface Session {
  client: MqttClient;
  open: boolean;
  /** Rejecters of writes awaiting the broker, failed at once when the connection drops. */
  waiting: Set<(err: Error) => void>;
  /** The server's Receive Maximum (MQTT 5), for QoS 1 and 2 publishes. */
  quota: SendQuota | undefined;
}

class MqttOutput implements Output {
  readonly maxInFlight: number;
  private session: Session | undefined;
  private readonly topic: Interpolation;
  private readonly retained: Interpolation | undefined;
  private readonly timeoutMs: number;
  private readonly clientId: string;
  private readonly where: string;

  constructor(
    private readonly conf: MqttOutputConfig,
    private readonly res: Resources,
  ) {
    this.maxInFlight = conf.max_in_flight;
    this.topic = compileInterpolation(conf.topic);
    this.retained = conf.retained_interpolated ? compileInterpolation(conf.retained_interpolated) : undefined;
    this.timeoutMs = conf.write_timeout ? parseDuration(conf.write_timeout) : 0;
    this.clientId = resolveClientId(conf);
    this.where = describeMqttUrls(conf.urls);
  }

  async connect(): Promise<void> {
    await this.dispose(true);
    const { client, where, connack } = await openMqttClient(this.conf, 'mqtt', this.res.logger, { clientId: this.clientId, clean: true });
    const receiveMaximum = connack.properties?.receiveMaximum;
    const quota = this.conf.qos > 0 && receiveMaximum ? new SendQuota(receiveMaximum) : undefined;
    const session: Session = { client, open: true, waiting: new Set(), quota };
    client.on('close', () => {
      if (!session.open) return;
      session.open = false;
      const err = new NotConnectedError(`mqtt: connection to ${where} closed before the broker acknowledged`);
      for (const fail of session.waiting) fail(err);
      session.waiting.clear();
      session.quota?.releaseAll();
    });
    this.session = session;
  }

  async write(batch: Batch): Promise<void> {
    const s = this.session;
    if (!s || !s.open || !s.client.connected) throw new NotConnectedError(`mqtt: not connected to ${this.where}`);
    const sends: Array<Promise<void>> = [];
    for (let i = 0; i < batch.length; i++) sends.push(this.publish(s, batch, i));
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.allSettled(sends);
    const results =
      this.timeoutMs > 0
        ? await Promise.race([all, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), this.timeoutMs)))]).finally(() => clearTimeout(timer))
        : await all;
    if (results === 'timeout') {
      // Late acknowledgements are still awaited by the client; this write is retried (at least once).
      throw new Error(`mqtt: the broker at ${this.where} did not acknowledge within ${this.conf.write_timeout}`);
    }
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length === 0) return;
    const first = failed[0]!.reason as Error;
    if (first instanceof NotConnectedError) throw first;
    throw new Error(failed.length === 1 ? first.message : `${first.message} (${failed.length} of ${batch.length} messages failed)`);
  }

  private async publish(s: Session, batch: Batch, i: number): Promise<void> {
    const topic = this.topic.render(batch, i);
    const opts: IClientPublishOptions = { qos: this.conf.qos as 0 | 1 | 2, retain: this.retainedFor(batch, i) };
    if (this.conf.protocol_version === 5) {
      const props = userProperties(batch[i]!);
      if (props) opts.properties = { userProperties: props };
    }
    const slot = s.quota?.acquire();
    if (slot) await slot;
    if (!s.open) {
      s.quota?.release();
      throw new NotConnectedError(`mqtt: connection to ${this.where} closed`);
    }
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error): void => {
        if (settled) return;
        settled = true;
        s.waiting.delete(finish);
        s.quota?.release();
        if (err) reject(err);
        else resolve();
      };
      s.waiting.add(finish);
      s.client.publish(topic, batch[i]!.asBytes(), opts, (err?: Error) => {
        if (!err) finish();
        else if (!s.open) finish(new NotConnectedError(`mqtt: connection to ${this.where} closed before the broker acknowledged`));
        else finish(new Error(`mqtt: failed to publish to topic "${topic}": ${scrubMqttUrls(err.message)}`));
      });
    });
  }

  private retainedFor(batch: Batch, i: number): boolean {
    if (!this.retained) return this.conf.retained;
    const v = this.retained.render(batch, i);
    if (v === 'true') return true;
    if (v === 'false') return false;
    throw new Error(`mqtt: retained_interpolated must resolve to true or false, got "${v}"`);
  }

  private async dispose(force: boolean): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    s.open = false;
    const err = new NotConnectedError(`mqtt: connection to ${this.where} closed before the broker acknowledged`);
    for (const fail of s.waiting) fail(err);
    s.waiting.clear();
    s.quota?.releaseAll();
    await endMqttClient(s.client, force);
  }

  async close(): Promise<void> {
    await this.dispose(false);
  }
}

/** MQTT 5 user properties from metadata: everything but the `mqtt_*` delivery fields, as strings. */
function userProperties(msg: Message): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const [k] of msg.metaEntries()) {
    if (k.startsWith('mqtt_')) continue;
    (out ??= {})[k] = msg.getMetaString(k) ?? '';
  }
  return out;
}
