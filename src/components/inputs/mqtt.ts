/**
 * `mqtt` input: subscribe to topics on an MQTT broker. For QoS 1 and 2 the acknowledgement
 * (PUBACK / PUBREC) is sent only once the message was delivered, so with `clean_session: false`
 * and a fixed `client_id` a message the process did not finish is redelivered by the broker when
 * the session resumes. A nack replays the message inside Sluice (`auto_replay_nacks`, MQTT has no
 * way to give a message back) or, with replays off, drops it (acknowledges it).
 */
import type { IPublishPacket, MqttClient } from 'mqtt';
import { registerInput, field, objectConfig, Message, NotConnectedError, SluiceError, type Input, type InputBatch, type Resources } from '../../plugin/index.js';
import { mqttConnectionFields, qosField, openMqttClient, endMqttClient, describeMqttUrls, resolveClientId, type MqttConnectionConfig } from '../_shared/mqtt_connection.js';
import { HeldAcks, type Delivery } from '../_shared/mqtt_acks.js';
import { ReplayLine } from '../_shared/mqtt_replay.js';
import { PushBuffer } from '../_shared/nats_buffer.js';

interface MqttInputConfig extends MqttConnectionConfig {
  topics: string[];
  qos: number;
  clean_session: boolean;
  auto_replay_nacks: boolean;
}

registerInput(
  {
    name: 'mqtt',
    summary: 'Subscribe to topics on MQTT brokers.',
    description:
      'For QoS 1 and 2 a message is acknowledged to the broker only once it was delivered, in the order messages arrived. ' +
      'To have messages that were not acknowledged redelivered after a restart, and messages published while the pipeline was down kept for it, set `clean_session: false` with a fixed `client_id` (the broker keeps the session; mind its limit on queued messages, e.g. Mosquitto\'s `max_queued_messages`).\n\n' +
      'Several instances split a topic through a shared subscription (`$share/<group>/<filter>` in `topics`; MQTT 5, and 3.1.1 on Mosquitto 2). With persistent sessions the broker keeps routing a stopped instance\'s share to its session (Mosquitto does), so bring it back under the same `client_id` before that queue overflows; with clean sessions what a crashed instance had not acknowledged is lost.\n\n' +
      '### Metadata\n\nThis input adds the following metadata fields to each message:\n\n' +
      '```text\n- mqtt_duplicate\n- mqtt_qos\n- mqtt_retained\n- mqtt_topic\n- mqtt_message_id\n```\n\n' +
      'With `protocol_version: 5`, MQTT 5 user properties are added too, each under its own key (written first, so they cannot replace the fields above).',
    status: 'stable',
    categories: ['Services'],
    config: objectConfig([
      ...mqttConnectionFields(),
      field.stringList('topics', 'A list of topics to consume from.'),
      qosField('The level of delivery guarantee to enforce. Has options 0, 1, 2.').advanced(),
      field.bool('clean_session', 'Set whether the connection is non-persistent.').default(true).advanced(),
      field
        .bool(
          'auto_replay_nacks',
          'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely, eventually resulting in back pressure if the cause of the rejections is persistent. If set to `false` these messages will instead be deleted. Disabling auto replays can greatly improve memory efficiency of high throughput streams as the original shape of the data can be discarded immediately upon consumption and mutation.',
        )
        .default(true),
    ]),
    examples: [
      {
        title: 'Durable subscription',
        summary: 'Messages published while the pipeline is down, and messages it had not finished, are delivered when it comes back.',
        config: 'input:\n  mqtt:\n    urls: [ tcp://127.0.0.1:1883 ]\n    client_id: sluice_sensors\n    clean_session: false\n    topics: [ sensors/# ]\n    qos: 1\noutput:\n  stdout: {}\n',
      },
    ],
  },
  (conf: MqttInputConfig, res: Resources): Input => new MqttInput(conf, res),
);

interface Session {
  client: MqttClient;
  acks: HeldAcks;
  buffer: PushBuffer<Delivery>;
  open: boolean;
}

interface Held {
  session: Session;
  delivery: Delivery;
}

class MqttInput implements Input {
  private session: Session | undefined;
  private readonly replays = new ReplayLine<Held>();
  private readonly clientId: string;
  private readonly where: string;
  private closing = false;

  constructor(
    private readonly conf: MqttInputConfig,
    private readonly res: Resources,
  ) {
    if (!conf.topics || conf.topics.length === 0) throw new SluiceError('E_CONFIG', 'mqtt: at least one topic is required');
    this.clientId = resolveClientId(conf);
    this.where = describeMqttUrls(conf.urls);
  }

  async connect(): Promise<void> {
    await this.dispose();
    const buffer = new PushBuffer<Delivery>();
    let acks: HeldAcks | undefined;
    const { client, where } = await openMqttClient(this.conf, 'mqtt', this.res.logger, {
      clientId: this.clientId,
      clean: this.conf.clean_session,
      prepare: (c) => (acks = new HeldAcks(c, (d) => buffer.push(d))),
    });
    const session: Session = { client, acks: acks!, buffer, open: true };
    client.on('close', () => {
      if (!session.open) return;
      session.open = false;
      if (!this.closing) buffer.fail(new NotConnectedError(`mqtt: connection to ${where} closed`));
    });
    try {
      const granted = await client.subscribeAsync(this.conf.topics, { qos: this.conf.qos as 0 | 1 | 2 });
      const refused = granted.filter((g) => g.qos === 128).map((g) => g.topic);
      if (refused.length > 0) throw new Error(`the broker refused the subscription to ${refused.map((t) => `"${t}"`).join(', ')}`);
    } catch (e) {
      session.open = false;
      await endMqttClient(client, true);
      throw new Error(`mqtt: cannot subscribe on ${where}: ${(e as Error).message}`);
    }
    this.session = session;
  }

  async read(): Promise<InputBatch | null> {
    for (;;) {
      if (this.closing) return null;
      const again = this.replays.due();
      if (again) return this.batch(again.message, again.delivery, again.failures);
      const s = this.session;
      if (!s || !s.open) throw new NotConnectedError(`mqtt: not connected to ${this.where}`);
      const [d] = s.buffer.take(1);
      if (d) return this.batch(toMessage(d.packet), { session: s, delivery: d }, 0);
      // Wait for a message, or for the next replay to become due.
      const wakeIn = this.replays.nextInMs();
      const timer = wakeIn === undefined ? undefined : setTimeout(() => s.buffer.wake(), wakeIn);
      try {
        if (!(await s.buffer.wait())) return null;
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private batch(message: Message, held: Held, failures: number): InputBatch {
    // Processors may change the message; a replay starts again from what arrived.
    const original = this.conf.auto_replay_nacks ? message.copy() : undefined;
    return {
      messages: [message],
      ack: (err?: Error) => {
        if (err && this.closing) return; // not acknowledged: the broker redelivers it to the next session
        if (err && original) {
          this.replays.push(original, held, failures + 1);
          this.session?.buffer.wake();
          return;
        }
        // Delivered, or dropped on purpose (replays off): acknowledge it to the broker.
        held.session.acks.settle(held.delivery);
      },
    };
  }

  private async dispose(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (!s) return;
    s.open = false;
    s.buffer.close();
    // Messages not acknowledged yet stay with the broker (persistent session) for the next connection.
    await endMqttClient(s.client, !this.closing);
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.dispose();
  }
}

function toMessage(p: IPublishPacket): Message {
  const msg = Message.fromBytes(typeof p.payload === 'string' ? Buffer.from(p.payload) : p.payload);
  const user = p.properties?.userProperties;
  if (user) for (const [k, v] of Object.entries(user)) msg.setMeta(k, Array.isArray(v) ? v[v.length - 1] : v);
  msg.setMeta('mqtt_duplicate', p.dup === true);
  msg.setMeta('mqtt_qos', p.qos);
  msg.setMeta('mqtt_retained', p.retain === true);
  msg.setMeta('mqtt_topic', p.topic);
  msg.setMeta('mqtt_message_id', p.messageId ?? 0);
  return msg;
}
