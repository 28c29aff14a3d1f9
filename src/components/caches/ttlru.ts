import { LRUCache } from 'lru-cache';
import { registerCache, field, objectConfig, type Cache } from '../../plugin/index.js';
import { initValuesField, optionalDuration, bytesOf } from '../_shared/cache_support.js';

interface TtlruCacheConfig {
  cap: number;
  default_ttl: string;
  ttl?: string;
  init_values: Record<string, string>;
  optimistic: boolean;
}

registerCache(
  {
    name: 'ttlru',
    summary: 'Stores key/value pairs in a ttlru in-memory cache. This cache is therefore reset every time the service restarts.',
    description: [
      'A cache with a fixed number of entries. Each entry has a per-cache defined TTL (or the TTL given when it is set).',
      '',
      'This TTL is reset on both modification and access of the value. As a result, if the cache is full, and no items have expired, when adding a new item, the item with the soonest expiration will be evicted.',
      '',
      'The field init_values can be used to pre-populate the memory cache with any number of key/value pairs. These values can be overridden during execution.',
    ].join('\n'),
    categories: ['Local'],
    config: objectConfig([
      field.int('cap', 'The cache maximum capacity (number of entries)').default(1024).check((v) => ((v as number) < 1 ? 'must be at least 1' : undefined)),
      field.duration('default_ttl', 'The cache ttl of each element').default('5m0s'),
      field.duration('ttl', 'Deprecated. Please use `default_ttl` field').optional().deprecated().advanced(),
      initValuesField(),
      field.bool('optimistic', 'If true, we do not lock on read/write events (accepted for compatibility: operations are atomic here anyway).').default(false).advanced(),
    ]),
  },
  (conf: TtlruCacheConfig): Cache => {
    const ttl = optionalDuration(conf.ttl) ?? optionalDuration(conf.default_ttl) ?? 0;
    // Reading an entry renews it, so recency and expiry order agree: the LRU victim is the
    // entry closest to expiring.
    const lru = new LRUCache<string, Uint8Array>({ max: conf.cap, ...(ttl > 0 ? { ttl, updateAgeOnGet: true, updateAgeOnHas: false } : {}) });
    for (const [k, v] of Object.entries(conf.init_values ?? {})) lru.set(k, bytesOf(v));
    return {
      async get(key) {
        return lru.get(key);
      },
      async set(key, value, ttlMs) {
        lru.set(key, value, ttlMs !== undefined && ttlMs > 0 ? { ttl: ttlMs } : undefined);
      },
      async add(key, value, ttlMs) {
        if (lru.has(key)) return false;
        lru.set(key, value, ttlMs !== undefined && ttlMs > 0 ? { ttl: ttlMs } : undefined);
        return true;
      },
      async delete(key) {
        lru.delete(key);
      },
    };
  },
);
