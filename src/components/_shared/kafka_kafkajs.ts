/**
 * The kafkajs backend of the KafkaClient interface.
 *
 * Consuming: kafkajs only offers a push loop (`consumer.run`). Our eachBatch handler never
 * blocks: it hands the records to the reader and returns, and kafkajs then marks them fetched
 * (eachBatchAutoResolve) so the next fetch continues after them. Back pressure is applied with
 * pause()/resume() per partition, which keeps kafkajs heartbeating and fetching the other
 * partitions. kafkajs auto-commit is off: the only commits are the reader's, of acknowledged
 * offsets. Partitions are assigned by our own assigner, so explicit `topic:partition` lists and
 * balanced topics can share one consumer (kafkajs has no manual assign()).
 */
import { randomUUID } from 'node:crypto';
import kafkajs from 'kafkajs';
import type { Consumer, Producer, Kafka as KafkaType, EachBatchPayload, LogEntry, PartitionAssigner, SASLOptions, Message as KMessage, IHeaders } from 'kafkajs';
import { errorMessage } from '../../plugin/index.js';
import type {
  ClientSettings,
  ConsumerHandlers,
  ConsumerSettings,
  FetchedBatch,
  KafkaClient,
  KafkaConsumer,
  KafkaProducer,
  KafkaRecord,
  ProduceRecord,
  ProducerSettings,
  Subscription,
  TopicPartition,
} from './kafka_client.js';
import { registerKafkajsCodecs } from './kafka_codecs.js';
import { installFastRecordEncoder } from './kafka_kafkajs_records.js';

const { Kafka, logLevel, CompressionTypes, CompressionCodecs, AssignerProtocol } = kafkajs;

export function kafkajsBackend(settings: ClientSettings): KafkaClient {
  registerKafkajsCodecs(CompressionCodecs as unknown as Record<number, unknown>, CompressionTypes);
  installFastRecordEncoder();
  const kafka = new Kafka({
    brokers: settings.brokers,
    clientId: settings.clientId,
    ssl: settings.tls ?? false,
    sasl: saslOptions(settings),
    connectionTimeout: settings.connectTimeoutMs ?? 3000,
    requestTimeout: settings.requestTimeoutMs ?? 30_000,
    // Failures surface quickly; the engine reconnects with its own backoff.
    retry: { initialRetryTime: 200, retries: 3, maxRetryTime: 3000 },
    logLevel: settings.debug ? logLevel.DEBUG : logLevel.INFO,
    logCreator: () => (entry: LogEntry) => logEntry(settings, entry),
  });
  return {
    consumer: (c) => new KafkajsConsumer(kafka, settings, c),
    producer: (p) => new KafkajsProducer(kafka, settings, p),
  };
}

function saslOptions(s: ClientSettings): SASLOptions | undefined {
  const sasl = s.sasl;
  if (!sasl) return undefined;
  switch (sasl.mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', username: sasl.username, password: sasl.password };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username: sasl.username, password: sasl.password };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username: sasl.username, password: sasl.password };
    case 'OAUTHBEARER':
      return { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: sasl.tokenSource ? await sasl.tokenSource() : sasl.token }) };
  }
}

/** kafkajs's own log lines: its errors are worth a warning (it retries most), the rest is debug. */
function logEntry(s: ClientSettings, entry: LogEntry): void {
  const { message, ...extra } = entry.log as { message: string } & Record<string, unknown>;
  delete extra.timestamp;
  delete extra.logger;
  delete extra.stack;
  const detail = typeof extra.error === 'string' ? `: ${extra.error}` : '';
  const text = `${s.component}: kafkajs ${entry.namespace ? `[${entry.namespace}] ` : ''}${message}${detail}`;
  if (entry.level <= logLevel.ERROR) s.logger.warn(text);
  else s.logger.debug(text);
}

/** A clear connection error: the component, the brokers (never credentials) and the cause. */
function connectError(s: ClientSettings, e: unknown): Error {
  return new Error(`${s.component}: cannot connect to Kafka brokers ${s.brokers.join(',')}: ${errorMessage(e)}`, { cause: e });
}

class KafkajsConsumer implements KafkaConsumer {
  private consumer: Consumer | undefined;
  private closed = false;

  constructor(
    private readonly kafka: KafkaType,
    private readonly client: ClientSettings,
    private readonly settings: ConsumerSettings,
  ) {}

  async start(h: ConsumerHandlers): Promise<void> {
    const s = this.settings;
    const consumer = this.kafka.consumer({
      // Without a group, a private one: nothing is committed under it (the reader never commits).
      groupId: s.groupId ?? `sluice-nogroup-${randomUUID()}`,
      partitionAssigners: [sluiceAssigner(s.subscription)],
      sessionTimeout: s.sessionTimeoutMs,
      heartbeatInterval: s.heartbeatIntervalMs,
      rebalanceTimeout: s.rebalanceTimeoutMs,
      maxWaitTimeInMs: s.maxWaitMs,
      maxBytesPerPartition: s.maxBytesPerPartition,
      maxBytes: s.maxBytes,
      readUncommitted: !s.readCommitted,
      rackId: s.rackId || undefined,
      allowAutoTopicCreation: true,
      // kafkajs restarts a crashed consumer by itself; never once we closed it (a close during
      // the group join would otherwise leave it rejoining forever).
      retry: { retries: 5, restartOnFailure: async () => !this.closed },
    });
    this.consumer = consumer;
    const { GROUP_JOIN, REBALANCING, CRASH } = consumer.events;
    consumer.on(GROUP_JOIN, (e) => {
      const parts: TopicPartition[] = [];
      for (const [topic, ps] of Object.entries(e.payload.memberAssignment)) for (const p of ps) parts.push({ topic, partition: p });
      h.onAssigned(parts);
    });
    consumer.on(REBALANCING, () => h.onRevoking());
    consumer.on(CRASH, (e) => {
      if (!e.payload.restart && !this.closed) h.onFailed(e.payload.error);
    });
    try {
      await consumer.connect();
      const topics = [...new Set([...s.subscription.balanced, ...s.subscription.explicit.map((t) => t.topic)])];
      await consumer.subscribe({ topics, fromBeginning: s.fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: 1,
        eachBatch: async (p: EachBatchPayload) => {
          if (p.batch.messages.length > 0) h.onBatch(toFetchedBatch(p));
        },
      });
    } catch (e) {
      await consumer.disconnect().catch(() => {});
      throw connectError(this.client, e);
    }
  }

  pause(partitions: TopicPartition[]): void {
    if (partitions.length > 0) this.consumer?.pause(group(partitions));
  }

  resume(partitions: TopicPartition[]): void {
    if (partitions.length > 0) this.consumer?.resume(group(partitions));
  }

  seek(tp: TopicPartition, offset: number): void {
    this.consumer?.seek({ topic: tp.topic, partition: tp.partition, offset: String(offset) });
  }

  async commit(offsets: Array<TopicPartition & { offset: number }>): Promise<void> {
    if (!this.consumer || offsets.length === 0) return;
    await this.consumer.commitOffsets(offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })));
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.consumer;
    this.consumer = undefined;
    await c?.disconnect();
  }
}

function group(partitions: TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const by = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    let list = by.get(topic);
    if (!list) by.set(topic, (list = []));
    list.push(partition);
  }
  return [...by].map(([topic, ps]) => ({ topic, partitions: ps }));
}

function toFetchedBatch(p: EachBatchPayload): FetchedBatch {
  const { batch } = p;
  const records: KafkaRecord[] = new Array(batch.messages.length);
  for (let i = 0; i < batch.messages.length; i++) {
    const m = batch.messages[i]!;
    records[i] = {
      topic: batch.topic,
      partition: batch.partition,
      offset: Number(m.offset),
      key: m.key ?? null,
      value: m.value ?? null,
      timestampMs: Number(m.timestamp),
      headers: headerList(m.headers),
    };
  }
  return { topic: batch.topic, partition: batch.partition, records, highWatermark: Number(batch.highWatermark) };
}

function headerList(h: IHeaders | undefined): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  if (!h) return out;
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out.push([k, Buffer.isBuffer(one) ? one : Buffer.from(String(one))]);
  }
  return out;
}

/**
 * Assigns explicit partitions to the member that asked for them (carried in its subscription's
 * user data) and balances the other topics round-robin over the members subscribed to them.
 */
export function sluiceAssigner(sub: Subscription): PartitionAssigner {
  return ({ cluster }) => ({
    name: 'SluiceAssigner',
    version: 0,
    protocol({ topics }) {
      const userData = Buffer.from(JSON.stringify({ balanced: sub.balanced, explicit: sub.explicit.map((t) => [t.topic, t.partition]) }));
      return { name: 'SluiceAssigner', metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData }) };
    },
    async assign({ members }) {
      const assignment = new Map<string, Record<string, number[]>>();
      const add = (member: string, topic: string, partition: number): void => {
        let a = assignment.get(member);
        if (!a) assignment.set(member, (a = {}));
        (a[topic] ??= []).push(partition);
      };
      const balancedBy = new Map<string, string[]>();
      for (const m of [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
        assignment.set(m.memberId, {});
        const meta = AssignerProtocol.MemberMetadata.decode(m.memberMetadata);
        let data: { balanced?: string[]; explicit?: Array<[string, number]> } = {};
        try {
          data = JSON.parse(meta?.userData?.toString() || '{}') as typeof data;
        } catch {
          // A member of another kind: it only gets balanced topics.
          data = { balanced: meta?.topics ?? [] };
        }
        for (const [t, p] of data.explicit ?? []) add(m.memberId, t, p);
        for (const t of data.balanced ?? []) {
          let list = balancedBy.get(t);
          if (!list) balancedBy.set(t, (list = []));
          list.push(m.memberId);
        }
      }
      for (const [topic, owners] of balancedBy) {
        const partitions = cluster
          .findTopicPartitionMetadata(topic)
          .map((pm) => pm.partitionId)
          .sort((a, b) => a - b);
        partitions.forEach((p, i) => add(owners[i % owners.length]!, topic, p));
      }
      return [...assignment].map(([memberId, a]) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: a, userData: Buffer.alloc(0) }),
      }));
    },
  });
}

const COMPRESSION = { none: CompressionTypes.None, gzip: CompressionTypes.GZIP, snappy: CompressionTypes.Snappy, lz4: CompressionTypes.LZ4, zstd: CompressionTypes.ZSTD };

class KafkajsProducer implements KafkaProducer {
  private producer: Producer | undefined;

  constructor(
    private readonly kafka: KafkaType,
    private readonly client: ClientSettings,
    private readonly settings: ProducerSettings,
  ) {}

  async connect(): Promise<void> {
    await this.close().catch(() => {});
    const s = this.settings;
    const producer = this.kafka.producer({
      idempotent: s.idempotent,
      allowAutoTopicCreation: true,
      // An idempotent producer keeps order with up to 5 requests in flight per broker.
      maxInFlightRequests: s.idempotent ? 5 : undefined,
      // kafkajs asks the partitioner for every record: it must honour an explicit partition itself.
      createPartitioner: () => ({ topic, partitionMetadata, message }) => {
        if (typeof message.partition === 'number') return message.partition;
        const key = message.key == null ? null : Buffer.isBuffer(message.key) ? message.key : Buffer.from(message.key);
        const idx = s.partitioner(topic, key, partitionMetadata.length);
        return partitionMetadata[idx]?.partitionId ?? idx;
      },
    });
    try {
      await producer.connect();
    } catch (e) {
      await producer.disconnect().catch(() => {});
      throw connectError(this.client, e);
    }
    this.producer = producer;
  }

  async prepare(topics: string[]): Promise<void> {
    const producer = this.producer;
    if (!producer || topics.length === 0) return;
    // An empty batch makes kafkajs load (and the brokers auto-create) the topics, and send nothing.
    await producer.sendBatch({ topicMessages: topics.map((topic) => ({ topic, messages: [] })), acks: this.acks(), timeout: this.settings.timeoutMs });
  }

  async send(records: ProduceRecord[]): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error(`${this.client.component}: producer not connected`);
    // Our records have the fields kafkajs reads from a message (key, value, partition, headers,
    // timestamp): they are handed over as they are, grouped by topic only when there are several.
    const topic = records[0]?.topic;
    let topicMessages: Array<{ topic: string; messages: KMessage[] }>;
    if (records.every((r) => r.topic === topic)) {
      topicMessages = topic === undefined ? [] : [{ topic, messages: records as unknown as KMessage[] }];
    } else {
      const byTopic = new Map<string, KMessage[]>();
      for (const r of records) {
        let list = byTopic.get(r.topic);
        if (!list) byTopic.set(r.topic, (list = []));
        list.push(r as unknown as KMessage);
      }
      topicMessages = [...byTopic].map(([t, messages]) => ({ topic: t, messages }));
    }
    if (topicMessages.length === 0) return;
    await producer.sendBatch({ topicMessages, acks: this.acks(), timeout: this.settings.timeoutMs, compression: COMPRESSION[this.settings.compression] });
  }

  private acks(): -1 | 1 {
    return this.settings.idempotent ? -1 : this.settings.acks;
  }

  async close(): Promise<void> {
    const p = this.producer;
    this.producer = undefined;
    await p?.disconnect();
  }
}
