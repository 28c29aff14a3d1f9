/**
 * `nats_kv` processor: operate on a NATS KV bucket per message (get, get_revision, create, put,
 * update, delete, purge, history, keys). Failures flag the message (`msg.error`), as in Benthos.
 */
import type { KV, KvEntry } from '@nats-io/kv';
import { registerProcessor, field, objectConfig, compileInterpolation, messageProcessor, parseDuration, type Message, type Processor, type Resources } from '../../plugin/index.js';
import { natsUrlsField, natsTailFields, type NatsConnectionConfig } from '../_shared/nats_connection.js';
import { kvBucketField, LazyBucket, setKvMetadata, kvOperationName } from '../_shared/nats_kv.js';

const OPERATIONS = ['create', 'delete', 'get', 'get_revision', 'history', 'keys', 'purge', 'put', 'update'] as const;
type Operation = (typeof OPERATIONS)[number];

interface NatsKvProcessorConfig extends NatsConnectionConfig {
  bucket: string;
  operation: Operation;
  key: string;
  revision?: string;
  timeout: string;
}

registerProcessor(
  {
    name: 'nats_kv',
    summary: 'Perform operations on a NATS key-value bucket.',
    description:
      'get and get_revision replace the message with the stored value; history replaces it with an array of objects (key, value, bucket, revision, delta, operation, created); keys replaces it with an array of the matching keys. ' +
      'create, put and update store the message; delete and purge remove the key. Metadata `nats_kv_*` describes the entry.',
    status: 'beta',
    categories: ['Services'],
    config: objectConfig([
      natsUrlsField(),
      kvBucketField(),
      field.string('operation', 'The operation to perform on the KV bucket.').options(...OPERATIONS),
      field.interpolated('key', 'The key for each message. Supports wildcards for the `history` and `keys` operations.').examples('foo', 'foo.bar.baz', 'foo.*', 'foo.>', 'foo.${! json("meta.type") }'),
      field.interpolated('revision', 'The revision of the key to operate on. Used for `get_revision` and `update` operations.').optional().advanced().examples('42', '${! @nats_kv_revision }'),
      field.string('timeout', 'The maximum period to wait on an operation before aborting and returning an error.').default('5s').advanced(),
      ...natsTailFields(),
    ]),
  },
  (conf: NatsKvProcessorConfig, res: Resources): Processor => {
    const key = compileInterpolation(conf.key);
    const revision = conf.revision ? compileInterpolation(conf.revision) : undefined;
    const timeoutMs = parseDuration(conf.timeout);
    const lazy = new LazyBucket(conf, res, 'nats_kv');
    if ((conf.operation === 'get_revision' || conf.operation === 'update') && !revision) throw new Error(`nats_kv: operation ${conf.operation} requires a revision`);

    const revisionOf = (batch: Message[], i: number): number => {
      const text = revision!.render(batch, i);
      const n = Number(text);
      if (!Number.isInteger(n) || n < 0) throw new Error(`nats_kv: revision "${text}" is not a non-negative integer`);
      return n;
    };

    const run = async (kv: KV, msg: Message, batch: Message[], i: number): Promise<Message> => {
      const k = key.render(batch, i);
      const out = msg.copy();
      const stored = (rev: number | undefined, op: KvEntry['operation']): Message => {
        out.setMeta('nats_kv_key', k);
        out.setMeta('nats_kv_bucket', conf.bucket);
        if (rev !== undefined) out.setMeta('nats_kv_revision', rev);
        out.setMeta('nats_kv_operation', kvOperationName(op));
        return out;
      };
      switch (conf.operation) {
        case 'get':
        case 'get_revision': {
          const entry = await kv.get(k, conf.operation === 'get_revision' ? { revision: revisionOf(batch, i) } : undefined);
          if (!entry || entry.operation !== 'PUT') throw new Error(`nats_kv: key ${k} not found`);
          out.setBytes(entry.value);
          setKvMetadata(out, entry);
          return out;
        }
        case 'create':
          return stored(await kv.create(k, msg.asBytes()), 'PUT');
        case 'put':
          return stored(await kv.put(k, msg.asBytes()), 'PUT');
        case 'update':
          return stored(await kv.update(k, msg.asBytes(), revisionOf(batch, i)), 'PUT');
        case 'delete':
          await kv.delete(k);
          return stored(undefined, 'DEL');
        case 'purge':
          await kv.purge(k);
          return stored(undefined, 'PURGE');
        case 'history': {
          const entries: unknown[] = [];
          for await (const e of await kv.history({ key: k })) {
            entries.push({
              key: e.key,
              value: Buffer.from(e.value).toString('utf8'),
              bucket: e.bucket,
              revision: e.revision,
              delta: e.delta ?? 0,
              operation: kvOperationName(e.operation),
              created: e.created.toISOString(),
            });
          }
          out.setStructured(entries);
          out.setMeta('nats_kv_key', k);
          out.setMeta('nats_kv_bucket', conf.bucket);
          return out;
        }
        case 'keys': {
          const keys: string[] = [];
          for await (const name of await kv.keys(k)) keys.push(name);
          out.setStructured(keys);
          out.setMeta('nats_kv_bucket', conf.bucket);
          return out;
        }
      }
    };

    return messageProcessor(async (msg, batch, i) => {
      const kv = await lazy.get();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`nats_kv: ${conf.operation} timed out after ${conf.timeout}`)), timeoutMs);
      });
      try {
        return await Promise.race([run(kv, msg, batch, i), timeout]);
      } finally {
        clearTimeout(timer);
      }
    }, () => lazy.close());
  },
);
