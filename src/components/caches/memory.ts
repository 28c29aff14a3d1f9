import { registerCache, field, objectConfig, type Cache } from '../../plugin/index.js';
import { initValuesField, optionalDuration, bytesOf } from '../_shared/cache_support.js';

interface MemoryCacheConfig {
  default_ttl: string;
  compaction_interval: string;
  init_values: Record<string, string>;
  shards: number;
}

interface Item {
  value: Uint8Array;
  /** Epoch ms after which the item is gone; undefined never expires. */
  expires: number | undefined;
}

registerCache(
  {
    name: 'memory',
    summary:
      'Stores key/value pairs in a map held in memory. This cache is therefore reset every time the service restarts. Each item in the cache has a TTL set from the moment it was last edited, after which it will be removed during the next compaction.',
    description: [
      'The compaction interval determines how often the cache is cleared of expired items, and this process is only triggered on writes to the cache. An expired item is never returned, even before it is compacted away.',
      '',
      'Item expiry can be disabled entirely by setting the `compaction_interval` to an empty string.',
      '',
      'The field `init_values` can be used to prepopulate the memory cache with any number of key/value pairs which are exempt from TTLs. These values can be overridden during execution, at which point the configured TTL is respected as usual.',
    ].join('\n'),
    categories: ['Local'],
    config: objectConfig([
      field.duration('default_ttl', 'The default TTL of each item. After this period an item will be eligible for removal during the next compaction.').default('5m'),
      field
        .duration('compaction_interval', 'The period of time to wait before each compaction, at which point expired items are removed. This field can be set to an empty string in order to disable compactions/expiry entirely.')
        .default('60s')
        .optional(),
      initValuesField(),
      field.int('shards', 'A number of logical shards to spread keys across (accepted for compatibility; one map is used).').default(1).advanced(),
    ]),
  },
  (conf: MemoryCacheConfig): Cache => new MemoryCache(conf),
);

export class MemoryCache implements Cache {
  private readonly items = new Map<string, Item>();
  private readonly expiry: boolean;
  private readonly defaultTtl: number | undefined;
  private readonly compactionMs: number;
  private lastCompaction = Date.now();

  constructor(conf: MemoryCacheConfig) {
    this.compactionMs = optionalDuration(conf.compaction_interval) ?? 0;
    this.expiry = conf.compaction_interval !== '';
    this.defaultTtl = optionalDuration(conf.default_ttl);
    for (const [k, v] of Object.entries(conf.init_values ?? {})) this.items.set(k, { value: bytesOf(v), expires: undefined });
  }

  private live(key: string, now = Date.now()): Item | undefined {
    const item = this.items.get(key);
    if (!item) return undefined;
    if (item.expires !== undefined && now >= item.expires) return undefined;
    return item;
  }

  private compact(now: number): void {
    if (!this.expiry || now - this.lastCompaction < this.compactionMs) return;
    this.lastCompaction = now;
    for (const [k, item] of this.items) if (item.expires !== undefined && now >= item.expires) this.items.delete(k);
  }

  private put(key: string, value: Uint8Array, ttlMs: number | undefined, now: number): void {
    this.compact(now);
    const ttl = ttlMs ?? this.defaultTtl;
    this.items.set(key, { value, expires: this.expiry && ttl !== undefined && ttl > 0 ? now + ttl : undefined });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.live(key)?.value;
  }

  async set(key: string, value: Uint8Array, ttlMs?: number): Promise<void> {
    this.put(key, value, ttlMs, Date.now());
  }

  async add(key: string, value: Uint8Array, ttlMs?: number): Promise<boolean> {
    const now = Date.now();
    if (this.live(key, now)) return false;
    this.put(key, value, ttlMs, now);
    return true;
  }

  async delete(key: string): Promise<void> {
    this.items.delete(key);
  }

  /** Items held, expired ones included until compaction (for tests). */
  get size(): number {
    return this.items.size;
  }
}
