/**
 * The connection fields every MQTT component shares (Benthos's `urls`, `client_id`,
 * `dynamic_client_id_suffix`, `connect_timeout`, `will`, `user`, `password`, `keepalive`, `tls`,
 * plus Sluice's `protocol_version`), and opening a client with them. The client never reconnects
 * by itself: a lost connection surfaces as NotConnectedError and the engine opens a new one, so
 * there is exactly one place that retries (with backoff) and one `/ready` state.
 */
import { randomBytes } from 'node:crypto';
import mqtt from 'mqtt';
import type { IClientOptions, IConnackPacket, MqttClient } from 'mqtt';
import { field, parseDuration, SluiceError, type Field, type Logger } from '../../plugin/index.js';
import { tlsField, tlsOptions, type TlsConfig } from './tls.js';

export interface MqttConnectionConfig {
  urls: string[];
  client_id: string;
  dynamic_client_id_suffix?: string;
  connect_timeout: string;
  will: { enabled: boolean; qos: number; retained: boolean; topic: string; payload: string };
  user: string;
  password: string;
  keepalive: number;
  tls?: TlsConfig;
  protocol_version: number;
}

const qosCheck = (v: unknown): string | undefined => ([0, 1, 2].includes(v as number) ? undefined : 'must be 0, 1 or 2');

export function qosField(description: string): Field {
  return field.int('qos', description).default(1).check(qosCheck);
}

/** The fields before the component's own (Benthos's order). */
export function mqttConnectionFields(): Field[] {
  return [
    field
      .stringList('urls', 'A list of URLs to connect to. If an item of the list contains commas it will be expanded into multiple URLs.')
      .examples(['tcp://localhost:1883'])
      .check((v) => (expandMqttUrls(v as string[]).length === 0 ? 'must contain at least one URL' : undefined)),
    field.string('client_id', 'An identifier for the client connection.').default(''),
    field
      .string('dynamic_client_id_suffix', 'Append a dynamically generated suffix to the specified `client_id` on each run of the pipeline. This can be useful when clustering producers. `nanoid` appends a nanoid of 21 characters.')
      .optional()
      .advanced()
      .options('nanoid'),
    field.string('connect_timeout', 'The maximum amount of time to wait in order to establish a connection before the attempt is abandoned.').default('30s').examples('1s', '500ms'),
    field
      .object('will', 'Set last will message in case of failure', [
        field.bool('enabled', 'Whether to enable last will messages.').default(false),
        field.int('qos', 'Set QoS for last will message. Valid values are: 0, 1, 2.').default(0).check(qosCheck),
        field.bool('retained', 'Set retained for last will message.').default(false),
        field.string('topic', 'Set topic for last will message.').default(''),
        field.string('payload', 'Set payload for last will message.').default(''),
      ])
      .advanced(),
    field.string('user', 'A username to connect with.').default('').advanced(),
    field.string('password', 'A password to connect with.').default('').secret().advanced(),
    field.int('keepalive', 'Max seconds of inactivity before a keepalive message is sent.').default(30).advanced(),
    tlsField(),
    field
      .int('protocol_version', 'The MQTT protocol level: 4 is MQTT 3.1.1, 5 is MQTT 5.0 (then metadata travels as user properties), 3 is MQTT 3.1. A Sluice extension: Benthos speaks 3.1.1.')
      .default(4)
      .advanced()
      .check((v) => ([3, 4, 5].includes(v as number) ? undefined : 'must be 3, 4 or 5')),
  ];
}

export function expandMqttUrls(urls: string[]): string[] {
  const out: string[] = [];
  for (const item of urls ?? []) for (const part of item.split(',')) if (part.trim() !== '') out.push(part.trim());
  return out;
}

const CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)([^@/\s:]*)(?::([^@/\s]*))?@/gi;

/** Replace the password of every URL in a text with `xxxxx`. */
export function scrubMqttUrls(text: string): string {
  return text.replace(CREDENTIALS, (_m, scheme: string, user: string, pass: string | undefined) => (pass === undefined ? `${scheme}${user}@` : `${scheme}${user}:xxxxx@`));
}

export function describeMqttUrls(urls: string[]): string {
  return scrubMqttUrls(expandMqttUrls(urls).join(', '));
}

const NANOID_ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict';
function nanoid(size = 21): string {
  const bytes = randomBytes(size);
  let id = '';
  for (let i = 0; i < size; i++) id += NANOID_ALPHABET[bytes[i]! & 63];
  return id;
}

/** The client id of one run: `client_id` plus the dynamic suffix, if any (fixed for the component's life). */
export function resolveClientId(conf: MqttConnectionConfig): string {
  if (!conf.dynamic_client_id_suffix) return conf.client_id;
  if (conf.dynamic_client_id_suffix !== 'nanoid') throw new SluiceError('E_CONFIG', `unknown dynamic_client_id_suffix "${conf.dynamic_client_id_suffix}"`);
  return conf.client_id + nanoid();
}

/** With TLS forced on, plain schemes are upgraded (tcp/mqtt → mqtts, ws → wss). */
function dialUrl(raw: string, forceTls: boolean): string {
  if (!forceTls) return raw;
  return raw.replace(/^(tcp|mqtt):\/\//i, 'mqtts://').replace(/^ws:\/\//i, 'wss://');
}

export interface OpenMqttOptions {
  clientId: string;
  clean: boolean;
  /** Called on the fresh client before it connects: hooks that must see the first packets (a persistent session delivers right after CONNACK). */
  prepare?: (client: MqttClient) => void;
}

/**
 * Connect to the first URL that accepts. Throws `<component>: failed to connect to <urls>: <why>`.
 * The client always has an `error` listener (an unhandled one would kill the process).
 */
export async function openMqttClient(
  conf: MqttConnectionConfig,
  component: string,
  logger: Logger,
  opts: OpenMqttOptions,
): Promise<{ client: MqttClient; where: string; connack: IConnackPacket }> {
  const urls = expandMqttUrls(conf.urls);
  const tls = tlsOptions(conf.tls);
  const failures: string[] = [];
  for (const raw of urls) {
    const options: IClientOptions = {
      clientId: opts.clientId,
      clean: opts.clean,
      keepalive: conf.keepalive,
      connectTimeout: conf.connect_timeout ? parseDuration(conf.connect_timeout) : 30_000,
      reconnectPeriod: 0,
      protocolVersion: conf.protocol_version as 3 | 4 | 5,
      ...(conf.protocol_version === 3 ? { protocolId: 'MQIsdp' as const } : {}),
      ...(conf.user ? { username: conf.user } : {}),
      ...(conf.password ? { password: conf.password } : {}),
      // Node's TLS options, passed through by mqtt.js to tls.connect (its typings are narrower).
      ...((tls ?? {}) as IClientOptions),
    };
    // MQTT 5 ends a session at disconnect unless told to keep it: keep it, as 3.1.1 does without clean session.
    if (conf.protocol_version === 5 && !opts.clean) options.properties = { sessionExpiryInterval: 0xffffffff };
    if (conf.will?.enabled) options.will = { topic: conf.will.topic, payload: Buffer.from(conf.will.payload), qos: conf.will.qos as 0 | 1 | 2, retain: conf.will.retained };
    const where = scrubMqttUrls(raw);
    try {
      const client = mqtt.connect(dialUrl(raw, conf.tls?.enabled === true), options);
      // Listening from the start: an 'error' without a listener would kill the process. Errors
      // before CONNACK are reported by the failed connect below; later ones are logged.
      let up = false;
      client.on('error', (err: Error) => {
        if (up) logger.warn(`${component}: connection error from ${where}: ${scrubMqttUrls(err.message)}`);
      });
      opts.prepare?.(client);
      const connack = await new Promise<IConnackPacket>((resolve, reject) => {
        const done = (err?: Error, ack?: IConnackPacket): void => {
          client.off('connect', onConnect);
          client.off('error', onError);
          client.off('close', onClose);
          if (err) reject(err);
          else resolve(ack!);
        };
        const onConnect = (ack: IConnackPacket): void => done(undefined, ack);
        const onError = (err: Error): void => done(err);
        const onClose = (): void => done(new Error('connection closed before CONNACK'));
        client.on('connect', onConnect);
        client.on('error', onError);
        client.on('close', onClose);
      }).catch((e: unknown) => {
        client.end(true);
        throw e;
      });
      up = true;
      return { client, where, connack };
    } catch (e) {
      failures.push(`${where}: ${scrubMqttUrls(e instanceof Error ? e.message || e.constructor.name : String(e))}`);
    }
  }
  const detail = failures.length === 1 ? failures[0]!.slice(failures[0]!.indexOf(': ') + 2) : failures.join('; ');
  throw new Error(`${component}: failed to connect to ${describeMqttUrls(conf.urls)}: ${detail || 'no URL given'}`);
}

/**
 * End a client: `force` drops the socket at once (replacing a broken client); otherwise a
 * DISCONNECT is sent after outgoing messages settled, so the broker does not publish the will.
 */
export function endMqttClient(client: MqttClient | undefined, force: boolean): Promise<void> {
  if (!client) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      client.end(true);
      resolve();
    }, 2000);
    client.end(force, {}, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
