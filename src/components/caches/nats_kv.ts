/**
 * `nats_kv` cache: a NATS KV bucket as a cache. The connection opens on first use (caches have
 * no connect step) and is opened again after it was lost for good. Deleted keys read as absent. Per-key TTLs are not
 * supported by KV buckets on NATS < 2.11: a `ttl` is ignored (the bucket's own TTL applies).
 */
import { registerCache, objectConfig, type Cache, type Resources } from '../../plugin/index.js';
import { natsUrlsField, natsTailFields, type NatsConnectionConfig } from '../_shared/nats_connection.js';
import { kvBucketField, isWrongRevision, LazyBucket } from '../_shared/nats_kv.js';

interface NatsKvCacheConfig extends NatsConnectionConfig {
  bucket: string;
}

registerCache(
  {
    name: 'nats_kv',
    summary: 'Cache key/value pairs in a NATS key-value bucket.',
    description: 'The bucket must exist. Keys must be valid NATS KV keys. Per-key TTLs are ignored: use the bucket TTL.',
    status: 'stable',
    categories: ['Services'],
    config: objectConfig([natsUrlsField(), kvBucketField(), ...natsTailFields()]),
  },
  (conf: NatsKvCacheConfig, res: Resources): Cache => new NatsKvCache(conf, res),
);

class NatsKvCache implements Cache {
  private readonly lazy: LazyBucket;

  constructor(conf: NatsKvCacheConfig, res: Resources) {
    this.lazy = new LazyBucket(conf, res, 'nats_kv');
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const entry = await (await this.lazy.get()).get(key);
    if (!entry || entry.operation !== 'PUT') return undefined;
    return entry.value;
  }

  async set(key: string, value: Uint8Array): Promise<void> {
    await (await this.lazy.get()).put(key, value);
  }

  async add(key: string, value: Uint8Array): Promise<boolean> {
    const kv = await this.lazy.get();
    try {
      await kv.create(key, value);
      return true;
    } catch (e) {
      if (isWrongRevision(e)) return false;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await (await this.lazy.get()).delete(key);
  }

  close(): Promise<void> {
    return this.lazy.close();
  }
}
