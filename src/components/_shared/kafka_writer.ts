/**
 * The one implementation behind the `kafka` and `kafka_franz` outputs: a batch is produced in
 * one request per broker and write() resolves only once the brokers acknowledged every record
 * (`acks` 1, or -1 = all in-sync replicas with `ack_replicas` / `idempotent_write`). Topic, key
 * and partition are interpolated per message; metadata becomes record headers through the
 * component's filter.
 */
import { NotConnectedError, errorMessage, type Batch, type BatchPolicy, type Interpolation, type Message, type Output, type Resources } from '../../plugin/index.js';
import { createKafkaClient, type ClientSettings, type KafkaProducer, type ProduceRecord, type ProducerSettings } from './kafka_client.js';
import type { Partitioner } from './kafka_partitioners.js';

export interface WriterOptions {
  client: Omit<ClientSettings, 'logger'>;
  producer: Omit<ProducerSettings, 'partitioner'>;
  partitioner: Partitioner;
  topic: Interpolation;
  key: Interpolation | undefined;
  /** Set with the `manual` partitioner: every record goes to the partition this renders. */
  partition: Interpolation | undefined;
  /** Which metadata keys become headers. */
  headerFilter: (key: string) => boolean;
  staticHeaders: Record<string, string>;
  maxMessageBytes: number;
  maxInFlight: number;
  batchPolicy: BatchPolicy | undefined;
}

/** kafkajs error names that mean the connection (not the request) failed. */
const CONNECTION_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSBrokerNotFound', 'KafkaJSNoBrokerAvailableError']);

export function isConnectionError(e: unknown): boolean {
  for (let cur = e as { name?: string; originalError?: unknown; cause?: unknown } | undefined, i = 0; cur && i < 5; i++) {
    if (cur.name && CONNECTION_ERRORS.has(cur.name)) return true;
    cur = (cur.originalError ?? cur.cause) as typeof cur;
  }
  return false;
}

export class KafkaWriter implements Output {
  readonly maxInFlight: number;
  readonly batchPolicy: BatchPolicy | undefined;
  private producer: KafkaProducer | undefined;
  private readonly staticHeaders: Array<[string, string]>;
  private readonly constTopic: string | undefined;
  private closed = false;

  constructor(
    private readonly opts: WriterOptions,
    private readonly res: Resources,
  ) {
    this.maxInFlight = opts.maxInFlight;
    this.batchPolicy = opts.batchPolicy;
    this.staticHeaders = Object.entries(opts.staticHeaders);
    this.constTopic = opts.topic.isStatic ? opts.topic.render([], 0) : undefined;
  }

  private get name(): string {
    return this.opts.client.component;
  }

  async connect(): Promise<void> {
    // A closed output does not open new connections, even if a connect loop is still retrying.
    if (this.closed) return;
    const old = this.producer;
    this.producer = undefined;
    await old?.close().catch(() => {});
    const client = await createKafkaClient({ ...this.opts.client, logger: this.res.logger });
    const producer = client.producer({ ...this.opts.producer, partitioner: this.opts.partitioner });
    await producer.connect();
    if (this.closed) {
      await producer.close().catch(() => {});
      return;
    }
    this.producer = producer;
    // Topic metadata (and auto-creation) now, while the input may still be joining its group,
    // rather than on the first write. Best effort: send() loads it (with retries) if this failed.
    if (this.constTopic !== undefined && this.constTopic !== '') {
      producer.prepare([this.constTopic]).catch((e) => this.res.logger.debug(`${this.name}: could not load the metadata of topic ${this.constTopic} yet: ${errorMessage(e)}`));
    }
  }

  async write(batch: Batch): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new NotConnectedError(`${this.name}: not connected`);
    const records: ProduceRecord[] = new Array(batch.length);
    for (let i = 0; i < batch.length; i++) records[i] = this.record(batch, i);
    try {
      await producer.send(records);
    } catch (e) {
      if (isConnectionError(e)) throw new NotConnectedError(`${this.name}: ${errorMessage(e)}`, { cause: e });
      throw new Error(`${this.name}: failed to send ${records.length} message(s): ${errorMessage(e)}`, { cause: e });
    }
  }

  private record(batch: Batch, i: number): ProduceRecord {
    const msg = batch[i]!;
    const value = msg.asBytes();
    if (value.length > this.opts.maxMessageBytes) throw new Error(`${this.name}: message of ${value.length} bytes exceeds the maximum message size of ${this.opts.maxMessageBytes} bytes`);
    const topic = this.constTopic ?? this.opts.topic.render(batch, i);
    if (topic === '') throw new Error(`${this.name}: the topic of message ${i} is empty`);
    const keyText = this.opts.key?.renderBytes(batch, i);
    const rec: ProduceRecord = { topic, key: keyText && keyText.length > 0 ? keyText : null, value, headers: this.headers(msg) };
    if (this.opts.partition) {
      const text = this.opts.partition.render(batch, i).trim();
      const p = /^-?\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isInteger(p) || p < 0 || p > 2147483647) throw new Error(`${this.name}: partition ${JSON.stringify(text)} is not a valid partition number`);
      rec.partition = p;
    }
    return rec;
  }

  private headers(msg: Message): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of this.staticHeaders) out[k] = v;
    for (const [k, v] of msg.metaEntries()) {
      if (!this.opts.headerFilter(k)) continue;
      out[k] = typeof v === 'string' ? v : (msg.getMetaString(k) ?? '');
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    const p = this.producer;
    this.producer = undefined;
    await p?.close();
  }
}
