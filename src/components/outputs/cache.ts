import { registerOutput, field, objectConfig, compileInterpolation, maxInFlightField, type Output, type Resources } from '../../plugin/index.js';
import { ttlResolver } from '../_shared/cache_support.js';

interface CacheOutputConfig {
  target: string;
  key: string;
  ttl?: string;
  max_in_flight: number;
}

registerOutput(
  {
    name: 'cache',
    summary: 'Stores each message in a cache.',
    description:
      'Caches are configured as resources, and the `target` field must reference a configured cache resource label. In order to create a unique `key` value per item you should use function interpolations. A batch is written when every one of its messages was stored.',
    categories: ['Services'],
    config: objectConfig([
      field.string('target', 'The target cache to store messages in.'),
      field
        .interpolated('key', 'The key to store messages by, function interpolation should be used in order to derive a unique key for each message.')
        .default('${!count("items")}-${!timestamp_unix_nano()}')
        .examples('${!count("items")}-${!timestamp_unix_nano()}', '${!json("doc.id")}', '${!metadata("kafka_key")}'),
      field
        .interpolated(
          'ttl',
          'The TTL of each individual item as a duration string. After this period an item will be eligible for removal during the next compaction. Not all caches support per-key TTLs, and those that do not will fall back to their generally configured TTL setting.',
        )
        .optional()
        .examples('60s', '5m', '36h')
        .advanced(),
      maxInFlightField(64),
    ]),
  },
  (conf: CacheOutputConfig, res: Resources): Output => {
    const cache = res.getCache(conf.target);
    const key = compileInterpolation(conf.key);
    const ttl = ttlResolver(conf.ttl);
    return {
      maxInFlight: conf.max_in_flight,
      async connect() {},
      async write(batch) {
        // Keys and TTLs are resolved first, so a bad one fails the batch before anything is stored.
        const items = batch.map((m, i) => [key.render(batch, i), m.asBytes(), ttl(batch, i)] as const);
        await Promise.all(items.map(([k, v, t]) => cache.set(k, v, t)));
      },
      async close() {},
    };
  },
);
