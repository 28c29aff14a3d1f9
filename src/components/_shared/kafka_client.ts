/**
 * The small Kafka client interface the kafka / kafka_franz components are written against.
 * kafkajs is the one backend today (`kafka_kafkajs.ts`); a second one (e.g. Confluent's
 * librdkafka client) implements these types and is picked in createKafkaClient(), without
 * touching the components.
 *
 * Offsets are JS numbers: they are int64 on the wire, but a partition would need 2^53 records
 * before that loses precision.
 */
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from '../../plugin/index.js';

export interface SaslSettings {
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' | 'OAUTHBEARER';
  username: string;
  password: string;
  /** OAUTHBEARER: a static token. */
  token: string;
  /** OAUTHBEARER: where to get the token at each authentication instead (a cache). */
  tokenSource?: () => Promise<string>;
}

export interface ClientSettings {
  brokers: string[];
  clientId: string;
  tls?: ConnectionOptions;
  sasl?: SaslSettings;
  /** Connect and request timeouts, ms. */
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  logger: Logger;
  /** Forward the client's protocol-level logging (at debug level). */
  debug?: boolean;
  /** Names the component in errors, e.g. `kafka_franz`. */
  component: string;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface KafkaRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  timestampMs: number;
  /** In wire order; a key may repeat. */
  headers: Array<[string, Buffer]>;
}

export interface FetchedBatch extends TopicPartition {
  records: KafkaRecord[];
  /** The partition's high water mark when fetched (for `kafka_lag`). */
  highWatermark: number;
}

export interface Subscription {
  /** Topics whose partitions are balanced across the members of the group. */
  balanced: string[];
  /** Explicit partitions this member consumes regardless of the other members. */
  explicit: TopicPartition[];
}

export interface ConsumerSettings {
  /** The group offsets are stored under; undefined means no stored offsets (never commit). */
  groupId: string | undefined;
  subscription: Subscription;
  /** Where to start when the group has no offset for a partition. */
  fromBeginning: boolean;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  rebalanceTimeoutMs: number;
  maxWaitMs: number;
  maxBytesPerPartition: number;
  maxBytes: number;
  readCommitted: boolean;
  rackId: string;
}

/** Callbacks from the consumer. They must not block: pause partitions to apply back pressure. */
export interface ConsumerHandlers {
  /** Records of one partition, in offset order. The next fetch of that partition starts after them. */
  onBatch(batch: FetchedBatch): void;
  /** A rebalance is starting: the current assignment may be revoked. */
  onRevoking(): void;
  /** The assignment after a (re)join: partitions not listed are revoked. */
  onAssigned(partitions: TopicPartition[]): void;
  /** The consumer stopped for good (it will not restart by itself). */
  onFailed(err: Error): void;
}

export interface KafkaConsumer {
  /** Connect, join the group and start fetching. Rejects when the cluster is unreachable. */
  start(handlers: ConsumerHandlers): Promise<void>;
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
  /** Fetch this partition from `offset` next (used for explicit start offsets). */
  seek(tp: TopicPartition, offset: number): void;
  /** Store `offset` (the next offset to read) for each partition under the group. */
  commit(offsets: Array<TopicPartition & { offset: number }>): Promise<void>;
  close(): Promise<void>;
}

export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerSettings {
  idempotent: boolean;
  /** -1 waits for all in-sync replicas, 1 for the leader only. */
  acks: -1 | 1;
  compression: Compression;
  timeoutMs: number;
  /** Picks the partition of a record without an explicit one. */
  partitioner: (topic: string, key: Buffer | null, partitionCount: number) => number;
}

export interface ProduceRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer;
  /** Explicit partition (the `manual` partitioner); otherwise the partitioner decides. */
  partition?: number;
  /** Strings are sent as their UTF-8 bytes (no Buffer per header on the hot path). */
  headers: Record<string, string | Buffer | Array<string | Buffer>>;
  /** Milliseconds since the epoch; the producer's clock when absent. */
  timestamp?: number;
}

export interface KafkaProducer {
  connect(): Promise<void>;
  /**
   * Load the topics' metadata (brokers that auto-create topics create them now) so the first
   * send does not wait for it. Best effort: a failure here is met again, and retried, by send().
   */
  prepare(topics: string[]): Promise<void>;
  /** Resolves once the brokers acknowledged every record (per `acks`). */
  send(records: ProduceRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaClient {
  consumer(settings: ConsumerSettings): KafkaConsumer;
  producer(settings: ProducerSettings): KafkaProducer;
}

export type KafkaBackend = (settings: ClientSettings) => KafkaClient;

let defaultBackend: KafkaBackend | undefined;

/** The backend to use; tests (or a future config field) can install another one. */
export function setKafkaBackend(backend: KafkaBackend | undefined): void {
  defaultBackend = backend;
}

export async function createKafkaClient(settings: ClientSettings): Promise<KafkaClient> {
  if (defaultBackend) return defaultBackend(settings);
  const { kafkajsBackend } = await import('./kafka_kafkajs.js');
  return kafkajsBackend(settings);
}
