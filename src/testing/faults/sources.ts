/**
 * Preloading source brokers with fault-suite payloads, recording each publish as acked (the
 * broker confirmed it), failed (the broker refused it) or unknown (no answer), per RELIABILITY.md
 * §2.1; plus the source-side checks the tests end with (queue empty, PEL empty, num_ack_pending 0,
 * committed offsets).
 *
 * Every producer here waits for the broker's own confirmation: RabbitMQ publisher confirms on a
 * durable queue with persistent messages, JetStream PubAck, Kafka acks from all replicas, and the
 * XADD reply for Redis. A producer that did not would lose messages itself and hide our bugs.
 */
import amqp from 'amqplib';
import kafkajs from 'kafkajs';
import { Redis } from 'ioredis';
import { connect as natsConnect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { makePayload, DEFAULT_PAYLOAD_BYTES } from './payload.js';

export interface PreloadResult {
  acked: number[];
  failed: number[];
  unknown: number[];
  ms: number;
}

export interface PreloadOptions {
  run: string;
  n: number;
  sizeBytes?: number;
  /** First seq (default 0). */
  from?: number;
}

const BATCH = 1000;

function emptyResult(): PreloadResult {
  return { acked: [], failed: [], unknown: [], ms: 0 };
}

// ---------------------------------------------------------------------------------------------
// RabbitMQ

export const RABBIT_URL = process.env.FAULT_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** Delete (if present) and declare a durable queue. */
export async function resetRabbitQueue(queue: string, url = RABBIT_URL, args: Record<string, unknown> = {}): Promise<void> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await ch.assertQueue(queue, { durable: true, arguments: args });
    await ch.close();
  } finally {
    await conn.close();
  }
}

/** Publish N persistent messages to a durable queue through a confirm channel. */
export async function preloadRabbit(queue: string, opts: PreloadOptions, url = RABBIT_URL): Promise<PreloadResult> {
  const t0 = Date.now();
  const res = emptyResult();
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createConfirmChannel();
    await ch.assertQueue(queue, { durable: true });
    const from = opts.from ?? 0;
    for (let start = from; start < from + opts.n; start += BATCH) {
      const end = Math.min(start + BATCH, from + opts.n);
      const confirms: Promise<void>[] = [];
      for (let seq = start; seq < end; seq++) {
        confirms.push(
          new Promise<void>((resolve) => {
            const ok = ch.sendToQueue(queue, Buffer.from(makePayload(opts.run, seq, opts.sizeBytes ?? DEFAULT_PAYLOAD_BYTES)), { persistent: true, contentType: 'application/json' }, (err) => {
              (err ? res.failed : res.acked).push(seq);
              resolve();
            });
            void ok;
          }),
        );
      }
      const settled = await Promise.race([Promise.all(confirms).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 30_000))]);
      if (!settled) throw new Error(`rabbitmq: no publisher confirms for seqs ${start}..${end - 1} within 30 s`);
    }
    await ch.close();
  } finally {
    await conn.close().catch(() => {});
  }
  res.acked.sort((a, b) => a - b);
  res.ms = Date.now() - t0;
  return res;
}

/** Ready messages and consumers of a queue (with no consumer, unacked messages are back in ready). */
export async function rabbitQueueState(queue: string, url = RABBIT_URL): Promise<{ messages: number; consumers: number }> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createChannel();
    const q = await ch.checkQueue(queue);
    await ch.close();
    return { messages: q.messageCount, consumers: q.consumerCount };
  } finally {
    await conn.close();
  }
}

export async function deleteRabbitQueue(queue: string, url = RABBIT_URL): Promise<void> {
  const conn = await amqp.connect(url);
  try {
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await ch.close();
  } finally {
    await conn.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Kafka (librdkafka mock through kcat, see ../kafka_mock.ts)

/**
 * Produce to one partition of a topic (the mock auto-creates topics with several partitions and
 * kafkajs cannot create them there, so "1 partition" means: every message on partition 0).
 */
export async function preloadKafka(brokers: string[], topic: string, opts: PreloadOptions & { partition?: number }): Promise<PreloadResult> {
  const t0 = Date.now();
  const res = emptyResult();
  const kafka = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING, clientId: 'fault-preload' });
  const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: false });
  await producer.connect();
  try {
    const from = opts.from ?? 0;
    for (let start = from; start < from + opts.n; start += BATCH) {
      const end = Math.min(start + BATCH, from + opts.n);
      const messages = [];
      for (let seq = start; seq < end; seq++) messages.push({ key: `k${seq % 16}`, value: makePayload(opts.run, seq, opts.sizeBytes ?? DEFAULT_PAYLOAD_BYTES), partition: opts.partition ?? 0 });
      const seqs = Array.from({ length: end - start }, (_, i) => start + i);
      try {
        await producer.send({ topic, acks: -1, messages });
        res.acked.push(...seqs);
      } catch {
        // A failed batch may be partly written: its outcome is unknown.
        res.unknown.push(...seqs);
      }
    }
    // The mock drops the oldest messages of a partition beyond ~5 MB (see feedKafka): a preload
    // that overflowed has lost messages in the broker, which the checker would blame on Sluice.
    const admin = kafka.admin();
    await admin.connect();
    try {
      const p = (await admin.fetchTopicOffsets(topic)).find((x) => x.partition === (opts.partition ?? 0));
      if (p && Number(p.low) > 0) {
        throw new Error(`kafka mock truncated ${topic}:${opts.partition ?? 0} (low watermark ${p.low}): it keeps ~5 MB per partition; preload less or use feedKafka`);
      }
    } finally {
      await admin.disconnect();
    }
  } finally {
    await producer.disconnect();
  }
  res.ms = Date.now() - t0;
  return res;
}

/**
 * librdkafka's mock keeps at most about 5 MB per partition (measured: 10,000 × 1 KiB on one
 * partition leaves the low watermark at 5,000), silently dropping the oldest messages. A
 * "preloaded" topic larger than that loses messages in the broker before Sluice reads them. So
 * Kafka tests feed the topic while the pipeline runs, keeping what is produced but not yet
 * committed by `group` under `maxLag` messages (default 3,000 × 1 KiB, well inside the cap).
 * `result` fills in as batches are acked; `done` resolves when all N were produced.
 */
export function feedKafka(
  brokers: string[],
  topic: string,
  opts: PreloadOptions & { group: string; maxLag?: number; partition?: number },
): { result: PreloadResult; done: Promise<void> } {
  const result = emptyResult();
  const maxLag = opts.maxLag ?? 3000;
  const batch = 500;
  const done = (async () => {
    const t0 = Date.now();
    const kafka = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING, clientId: 'fault-feed' });
    const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: false });
    const admin = kafka.admin();
    await producer.connect();
    await admin.connect();
    try {
      const from = opts.from ?? 0;
      const committed = async (): Promise<number> => {
        const res = await admin.fetchOffsets({ groupId: opts.group, topics: [topic] }).catch(() => undefined);
        return res ? res[0]!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0) : 0;
      };
      for (let start = from; start < from + opts.n; start += batch) {
        while (start - from - (await committed()) >= maxLag) await new Promise((r) => setTimeout(r, 100));
        const end = Math.min(start + batch, from + opts.n);
        const messages = [];
        for (let seq = start; seq < end; seq++) messages.push({ key: `k${seq % 16}`, value: makePayload(opts.run, seq, opts.sizeBytes ?? DEFAULT_PAYLOAD_BYTES), partition: opts.partition ?? 0 });
        const seqs = Array.from({ length: end - start }, (_, i) => start + i);
        try {
          await producer.send({ topic, acks: -1, messages });
          result.acked.push(...seqs);
        } catch {
          result.unknown.push(...seqs);
        }
      }
    } finally {
      await producer.disconnect();
      await admin.disconnect();
      result.ms = Date.now() - t0;
    }
  })();
  return { result, done };
}

/** Sum of the group's committed offsets over the topic's partitions (-1 counts as 0). */
export async function kafkaCommitted(brokers: string[], topic: string, group: string): Promise<number> {
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING, clientId: 'fault-admin' }).admin();
  await admin.connect();
  try {
    const res = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return res[0]!.partitions.reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

/** Sum of high-water marks of the topic (messages written). */
export async function kafkaHighWater(brokers: string[], topic: string): Promise<number> {
  const admin = new kafkajs.Kafka({ brokers, logLevel: kafkajs.logLevel.NOTHING, clientId: 'fault-admin' }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((s, p) => s + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// NATS JetStream

export async function createJetStream(url: string, stream: string, subjects: string[]): Promise<void> {
  const nc = await natsConnect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(stream).catch(() => {});
    await jsm.streams.add({ name: stream, subjects });
  } finally {
    await nc.close();
  }
}

/** Publish with PubAck (not core publish), `BATCH` publishes outstanding at a time. */
export async function preloadJetStream(url: string, subject: string, opts: PreloadOptions): Promise<PreloadResult> {
  const t0 = Date.now();
  const res = emptyResult();
  const nc = await natsConnect({ servers: url });
  try {
    const js = jetstream(nc);
    const from = opts.from ?? 0;
    for (let start = from; start < from + opts.n; start += BATCH) {
      const end = Math.min(start + BATCH, from + opts.n);
      const pubs: Promise<void>[] = [];
      for (let seq = start; seq < end; seq++) {
        pubs.push(
          js.publish(subject, makePayload(opts.run, seq, opts.sizeBytes ?? DEFAULT_PAYLOAD_BYTES), { msgID: `${opts.run}-${seq}` }).then(
            () => void res.acked.push(seq),
            (e: Error) => void (/timeout/i.test(e.message) ? res.unknown : res.failed).push(seq),
          ),
        );
      }
      await Promise.all(pubs);
    }
  } finally {
    await nc.close();
  }
  res.acked.sort((a, b) => a - b);
  res.ms = Date.now() - t0;
  return res;
}

export interface JsConsumerState {
  numAckPending: number;
  numPending: number;
  numRedelivered: number;
  delivered: number;
  ackFloor: number;
}

export async function jetStreamConsumerState(url: string, stream: string, durable: string): Promise<JsConsumerState> {
  const nc = await natsConnect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const ci = await jsm.consumers.info(stream, durable);
    return { numAckPending: ci.num_ack_pending, numPending: ci.num_pending, numRedelivered: ci.num_redelivered, delivered: ci.delivered.stream_seq, ackFloor: ci.ack_floor.stream_seq };
  } finally {
    await nc.close();
  }
}

export async function deleteJetStream(url: string, stream: string): Promise<void> {
  const nc = await natsConnect({ servers: url });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => {});
  } finally {
    await nc.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Redis Streams

export const REDIS_URL = process.env.FAULT_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** XADD each payload (field `body`, as the redis_streams input reads it), pipelined per batch. */
export async function preloadRedisStream(stream: string, opts: PreloadOptions, url = REDIS_URL): Promise<PreloadResult> {
  const t0 = Date.now();
  const res = emptyResult();
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await r.connect();
  try {
    const from = opts.from ?? 0;
    for (let start = from; start < from + opts.n; start += BATCH) {
      const end = Math.min(start + BATCH, from + opts.n);
      const p = r.pipeline();
      for (let seq = start; seq < end; seq++) p.xadd(stream, '*', 'body', makePayload(opts.run, seq, opts.sizeBytes ?? DEFAULT_PAYLOAD_BYTES));
      const out = (await p.exec()) ?? [];
      for (let i = 0; i < end - start; i++) {
        const entry = out[i];
        if (entry === undefined) res.unknown.push(start + i);
        else (entry[0] ? res.failed : res.acked).push(start + i);
      }
    }
  } finally {
    r.disconnect();
  }
  res.ms = Date.now() - t0;
  return res;
}

/** Pending-entries-list size of a consumer group, and its consumers. */
export async function redisGroupState(stream: string, group: string, url = REDIS_URL): Promise<{ pending: number; consumers: number; lag: number | null }> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await r.connect();
  try {
    const groups = (await r.xinfo('GROUPS', stream)) as unknown[][];
    for (const g of groups) {
      const o: Record<string, unknown> = {};
      for (let i = 0; i + 1 < g.length; i += 2) o[String(g[i])] = g[i + 1];
      if (o.name === group) return { pending: Number(o.pending), consumers: Number(o.consumers), lag: o.lag === null || o.lag === undefined ? null : Number(o.lag) };
    }
    throw new Error(`redis: no group ${group} on stream ${stream}`);
  } finally {
    r.disconnect();
  }
}

export async function deleteRedisKeys(keys: string[], url = REDIS_URL): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  await r.connect();
  try {
    if (keys.length) await r.del(...keys);
  } finally {
    r.disconnect();
  }
}
