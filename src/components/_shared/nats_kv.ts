/**
 * NATS KV helpers shared by the nats_kv input, output, cache and processor: binding to an
 * existing bucket (with a clear error when it does not exist) and entries as messages.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV, type KvEntry } from '@nats-io/kv';
import { field, Message, type Field, type Resources } from '../../plugin/index.js';
import { openNatsConnection, closeNatsConnection, type NatsConnectionConfig } from './nats_connection.js';

export function kvBucketField(): Field {
  return field.string('bucket', 'The name of the KV bucket.').examples('my_kv_bucket');
}

/** Bind to a bucket that must already exist (as Benthos does: it never creates buckets). */
export async function openBucket(nc: NatsConnection, bucket: string): Promise<KV> {
  const kv = await new Kvm(nc).open(bucket);
  try {
    await kv.status();
  } catch (e) {
    throw new Error(`bucket ${bucket} is not available: ${(e as Error).message}`);
  }
  return kv;
}

/** Operation names as Benthos (nats.go) prints them. */
const OPERATION: Record<KvEntry['operation'], string> = {
  PUT: 'KeyValuePutOp',
  DEL: 'KeyValueDeleteOp',
  PURGE: 'KeyValuePurgeOp',
};

export function kvOperationName(op: KvEntry['operation']): string {
  return OPERATION[op] ?? op;
}

/** Metadata nats_kv_key, _bucket, _revision, _delta (when known), _operation, _created. */
export function setKvMetadata(msg: Message, entry: KvEntry, withDelta = true): void {
  msg.setMeta('nats_kv_key', entry.key);
  msg.setMeta('nats_kv_bucket', entry.bucket);
  msg.setMeta('nats_kv_revision', entry.revision);
  if (withDelta) msg.setMeta('nats_kv_delta', entry.delta ?? 0);
  msg.setMeta('nats_kv_operation', kvOperationName(entry.operation));
  msg.setMeta('nats_kv_created', entry.created.toISOString());
}

export function kvEntryToMessage(entry: KvEntry, metaOnly = false): Message {
  const msg = Message.fromBytes(metaOnly ? new Uint8Array(0) : entry.value);
  setKvMetadata(msg, entry);
  return msg;
}

/** Whether an error from kv.create/update means "the revision did not match" (key exists). */
export function isWrongRevision(e: unknown): boolean {
  const code = (e as { code?: number; api_error?: { err_code?: number } }).code;
  if (code === 10071) return true;
  const msg = (e as Error)?.message ?? '';
  return /wrong last sequence|key exists/i.test(msg);
}

/**
 * A bucket opened on first use, for components without a connect step (cache, processor). A
 * connection that was lost for good is opened again on the next call; a failed open is retried.
 */
export class LazyBucket {
  private opening: Promise<{ nc: NatsConnection; kv: KV }> | undefined;
  private closed = false;

  constructor(
    private readonly conf: NatsConnectionConfig & { bucket: string },
    private readonly res: Resources,
    private readonly component: string,
  ) {}

  async get(): Promise<KV> {
    if (this.closed) throw new Error(`${this.component}: closed`);
    const current = this.opening;
    if (current) {
      const got = await current.catch(() => undefined);
      if (got && !got.nc.isClosed()) return got.kv;
      if (this.opening === current) this.opening = undefined;
    }
    this.opening ??= this.open();
    const attempt = this.opening;
    try {
      return (await attempt).kv;
    } catch (e) {
      if (this.opening === attempt) this.opening = undefined;
      throw e;
    }
  }

  private async open(): Promise<{ nc: NatsConnection; kv: KV }> {
    const nc = await openNatsConnection(this.conf, this.res, this.component);
    try {
      return { nc, kv: await openBucket(nc, this.conf.bucket) };
    } catch (e) {
      await closeNatsConnection(nc, 1000);
      throw new Error(`${this.component}: ${(e as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    const got = await opening?.catch(() => undefined);
    await closeNatsConnection(got?.nc);
  }
}
