import { LRUCache } from 'lru-cache';
import { registerCache, field, objectConfig, type Cache, type Resources } from '../../plugin/index.js';
import { initValuesField, bytesOf } from '../_shared/cache_support.js';

interface LruCacheConfig {
  cap: number;
  init_values: Record<string, string>;
  algorithm: 'standard' | 'arc' | 'two_queues';
  two_queues_recent_ratio: number;
  two_queues_ghost_ratio: number;
  optimistic: boolean;
}

registerCache(
  {
    name: 'lru',
    summary: 'Stores key/value pairs in a lru in-memory cache. This cache is therefore reset every time the service restarts.',
    description: [
      'A fixed-size cache that evicts the least recently used entry when a new key would exceed `cap`. Items never expire: TTLs are ignored.',
      '',
      'The field init_values can be used to pre-populate the memory cache with any number of key/value pairs. These values can be overridden during execution.',
      '',
      'Only the `standard` algorithm is implemented; `arc` and `two_queues` are accepted and behave as `standard`.',
    ].join('\n'),
    categories: ['Local'],
    config: objectConfig([
      field.int('cap', 'The cache maximum capacity (number of entries)').default(1000).check((v) => ((v as number) < 1 ? 'must be at least 1' : undefined)),
      initValuesField(),
      field.string('algorithm', 'the lru cache implementation').default('standard').options('standard', 'arc', 'two_queues').advanced(),
      field.float('two_queues_recent_ratio', 'is the ratio of the two_queues cache dedicated to recently added entries that have only been accessed once.').default(0.25).advanced(),
      field.float('two_queues_ghost_ratio', 'is the default ratio of ghost entries kept to track entries recently evicted on two_queues cache.').default(0.5).advanced(),
      field.bool('optimistic', 'If true, we do not lock on read/write events (accepted for compatibility: operations are atomic here anyway).').default(false).advanced(),
    ]),
  },
  (conf: LruCacheConfig, res: Resources): Cache => {
    if (conf.algorithm !== 'standard') res.logger.info(`lru cache: algorithm ${conf.algorithm} is not implemented; using standard LRU`);
    const lru = new LRUCache<string, Uint8Array>({ max: conf.cap });
    for (const [k, v] of Object.entries(conf.init_values ?? {})) lru.set(k, bytesOf(v));
    return {
      async get(key) {
        return lru.get(key);
      },
      async set(key, value) {
        lru.set(key, value);
      },
      async add(key, value) {
        if (lru.has(key)) return false;
        lru.set(key, value);
        return true;
      },
      async delete(key) {
        lru.delete(key);
      },
    };
  },
);
