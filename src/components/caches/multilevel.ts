import { registerCache, field, type Cache, type Resources } from '../../plugin/index.js';

registerCache(
  {
    name: 'multilevel',
    summary: 'Combines multiple caches as levels, performing read-through and write-through operations across them.',
    description: [
      'The config is a list of cache resource labels, from the first level (checked first, usually a fast local cache) to the last.',
      '',
      '- get: the levels are tried in order; a hit in a lower level is written back to the levels above it.',
      '- set and delete: applied to every level.',
      '- add: fails when any level already has the key; otherwise the key is added to the last level (atomically where that cache can) and then set on the others.',
    ].join('\n'),
    categories: ['Utility'],
    config: field.stringList('', 'The labels of the cache resources to combine, first level first.').check((v) => ((v as string[]).length < 2 ? 'expected at least two cache levels' : undefined)).spec,
    examples: [
      {
        title: 'Hot and cold cache',
        summary: 'Requests only go to Redis when the local memory cache misses the key.',
        config:
          'input:\n  stdin: {}\npipeline:\n  processors:\n    - cache:\n        resource: leveled\n        operator: get\n        key: ${! json("key") }\noutput:\n  stdout: {}\ncache_resources:\n  - label: leveled\n    multilevel: [ hot, cold ]\n  - label: hot\n    memory:\n      default_ttl: 60s\n  - label: cold\n    redis:\n      url: redis://localhost:6379\n      default_ttl: 60s\n',
      },
    ],
  },
  (labels: string[], res: Resources): Cache => {
    if (labels.length < 2) throw new Error(`expected at least two cache levels, found ${labels.length}`);
    // Resolved on first use: the levels may be declared after this cache.
    let levels: Cache[] | undefined;
    const all = (): Cache[] => (levels ??= labels.map((l) => res.getCache(l)));

    return {
      async get(key) {
        const ls = all();
        for (let i = 0; i < ls.length; i++) {
          const v = await ls[i]!.get(key);
          if (v === undefined) continue;
          for (let j = 0; j < i; j++) await ls[j]!.set(key, v);
          return v;
        }
        return undefined;
      },
      async set(key, value, ttlMs) {
        await Promise.all(all().map((c) => c.set(key, value, ttlMs)));
      },
      async add(key, value, ttlMs) {
        const ls = all();
        for (let i = 0; i < ls.length - 1; i++) if ((await ls[i]!.get(key)) !== undefined) return false;
        if (!(await ls[ls.length - 1]!.add(key, value, ttlMs))) return false;
        for (let i = ls.length - 2; i >= 0; i--) await ls[i]!.set(key, value, ttlMs);
        return true;
      },
      async delete(key) {
        await Promise.all(all().map((c) => c.delete(key)));
      },
    };
  },
);
