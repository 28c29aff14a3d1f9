/**
 * AMQP 0.9.1 messages and Sluice metadata, both ways, following Benthos:
 * - in: every header becomes metadata (nested tables and arrays flattened into `parent_key` /
 *   `parent_0`, dashes in keys turned into underscores, values as strings, empty ones left out),
 *   then the `amqp_*` delivery properties;
 * - out: metadata keys not excluded by prefix become headers, underscores turned into dashes.
 */
import type { ConsumeMessage } from 'amqplib';
import { Message, serialiseValue } from '../../plugin/index.js';

/** A header value as Benthos writes it into metadata ('' means "leave out"). */
function headerText(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
    case 'number':
      return String(v);
    case 'bigint':
      return v.toString();
    default:
      break;
  }
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v instanceof Date) return rfc3339(v.getTime());
  const tagged = v as { '!'?: string; value?: unknown };
  if (tagged['!'] === 'timestamp' && typeof tagged.value === 'number') return rfc3339(tagged.value * 1000);
  if (tagged['!'] === 'decimal') {
    const { places, digits } = tagged.value as { places: number; digits: number };
    const dec = String(digits);
    const cut = dec.length - places;
    return cut <= 0 ? `.${'0'.repeat(-cut)}${dec}` : `${dec.slice(0, cut)}.${dec.slice(cut)}`;
  }
  return '';
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Set `key` (dashes to underscores) from a header value, flattening tables and arrays. */
export function setAmqpMeta(msg: Message, key: string, v: unknown): void {
  const metaKey = key.replaceAll('-', '_');
  if (Array.isArray(v)) {
    v.forEach((item, i) => setAmqpMeta(msg, `${metaKey}_${i}`, item));
    return;
  }
  if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Uint8Array) && !(v instanceof Date) && !('!' in v)) {
    for (const [k, inner] of Object.entries(v)) setAmqpMeta(msg, `${metaKey}_${k}`, inner);
    return;
  }
  const text = headerText(v);
  if (text !== '') msg.setMeta(metaKey, text);
}

/** A delivery as a Sluice message with Benthos's metadata. */
export function deliveryToMessage(d: ConsumeMessage): Message {
  const msg = Message.fromBytes(d.content);
  const p = d.properties;
  if (p.headers) for (const [k, v] of Object.entries(p.headers)) setAmqpMeta(msg, k, v);
  setAmqpMeta(msg, 'amqp_content_type', p.contentType);
  setAmqpMeta(msg, 'amqp_content_encoding', p.contentEncoding);
  if (p.deliveryMode) setAmqpMeta(msg, 'amqp_delivery_mode', p.deliveryMode);
  setAmqpMeta(msg, 'amqp_priority', p.priority ?? 0);
  setAmqpMeta(msg, 'amqp_correlation_id', p.correlationId);
  setAmqpMeta(msg, 'amqp_reply_to', p.replyTo);
  setAmqpMeta(msg, 'amqp_expiration', p.expiration);
  setAmqpMeta(msg, 'amqp_message_id', p.messageId);
  // Unix seconds, as Benthos gives it.
  if (p.timestamp) setAmqpMeta(msg, 'amqp_timestamp', typeof p.timestamp === 'number' ? p.timestamp : Number(p.timestamp));
  setAmqpMeta(msg, 'amqp_type', p.type);
  setAmqpMeta(msg, 'amqp_user_id', p.userId);
  setAmqpMeta(msg, 'amqp_app_id', p.appId);
  setAmqpMeta(msg, 'amqp_consumer_tag', d.fields.consumerTag);
  setAmqpMeta(msg, 'amqp_delivery_tag', d.fields.deliveryTag);
  setAmqpMeta(msg, 'amqp_redelivered', d.fields.redelivered);
  setAmqpMeta(msg, 'amqp_exchange', d.fields.exchange);
  setAmqpMeta(msg, 'amqp_routing_key', d.fields.routingKey);
  return msg;
}

/** Header value for a metadata value: scalars keep their type, bytes stay bytes, the rest is JSON text. */
function headerValue(v: unknown): unknown {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v);
  return serialiseValue(v);
}

/** Builds the headers of outgoing messages: all metadata but excluded prefixes, `_` → `-` in keys. */
export class AmqpHeaderWriter {
  constructor(private readonly excludePrefixes: string[]) {}

  build(msg: Message): Record<string, unknown> | undefined {
    if (msg.metaSize === 0) return undefined;
    let headers: Record<string, unknown> | undefined;
    for (const [k, v] of msg.metaEntries()) {
      if (this.excludePrefixes.some((p) => k.startsWith(p))) continue;
      (headers ??= {})[k.replaceAll('_', '-')] = headerValue(v);
    }
    return headers;
  }
}
