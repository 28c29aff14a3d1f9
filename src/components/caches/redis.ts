import { registerCache, field, objectConfig, parseDuration, Backoff, sleep, errorMessage, type Cache, type Resources } from '../../plugin/index.js';
import { redisConnFields, createRedisClient, redisAddress, type RedisConnConfig } from '../_shared/redis_client.js';
import { optionalDuration } from '../_shared/cache_support.js';

interface RedisCacheConfig extends RedisConnConfig {
  prefix?: string;
  default_ttl?: string;
  retries: { initial_interval: string; max_interval: string; max_elapsed_time: string };
}

registerCache(
  {
    name: 'redis',
    summary: 'Use a Redis instance as a cache. The expiration can be set to zero or an empty string in order to set no expiration.',
    description:
      'The connection is made on first use and re-established by itself after an outage; a command that fails is retried as `retries` says before the operation reports an error.',
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field.string('prefix', 'An optional string to prefix item keys with in order to prevent collisions with similar services.').optional(),
      field.duration('default_ttl', 'An optional default TTL to set for items, calculated from the moment the item is cached.').optional().advanced(),
      field
        .object('retries', 'Determine time intervals and cut offs for retry attempts.', [
          field.duration('initial_interval', 'The initial period to wait between retry attempts.').default('500ms').examples('50ms', '1s'),
          field.duration('max_interval', 'The maximum period to wait between retry attempts').default('1s').examples('5s', '1m'),
          field.duration('max_elapsed_time', 'The maximum overall period of time to spend on retry attempts before the request is aborted.').default('5s').examples('1m', '1h'),
        ])
        .advanced(),
    ]),
  },
  (conf: RedisCacheConfig, res: Resources): Cache => {
    const client = createRedisClient(conf, { mode: 'resource', logger: res.logger, what: `redis cache (${redisAddress(conf)})` });
    const prefix = conf.prefix ?? '';
    const defaultTtl = optionalDuration(conf.default_ttl);
    const retries = conf.retries ?? { initial_interval: '500ms', max_interval: '1s', max_elapsed_time: '5s' };
    const backoffOpts = {
      initialMs: parseDuration(retries.initial_interval),
      maxMs: parseDuration(retries.max_interval),
      maxElapsedMs: parseDuration(retries.max_elapsed_time),
    };
    let closed = false;

    async function withRetries<T>(what: string, op: () => Promise<T>): Promise<T> {
      const backoff = new Backoff(backoffOpts);
      for (;;) {
        try {
          return await op();
        } catch (e) {
          const wait = closed ? -1 : backoff.next();
          if (wait < 0) throw new Error(`redis cache: ${what} failed: ${errorMessage(e)}`, { cause: e });
          if (!(await sleep(wait, res.signal))) throw new Error(`redis cache: ${what} failed: ${errorMessage(e)}`, { cause: e });
        }
      }
    }
    const px = (ttlMs: number | undefined): Array<string> => {
      const ttl = ttlMs ?? defaultTtl;
      return ttl !== undefined && ttl > 0 ? ['PX', String(Math.max(1, Math.round(ttl)))] : [];
    };

    return {
      async get(key) {
        const v = await withRetries('get', () => client.getBuffer(prefix + key));
        return v ?? undefined;
      },
      async set(key, value, ttlMs) {
        await withRetries('set', () => client.call('SET', prefix + key, Buffer.from(value), ...px(ttlMs)));
      },
      async add(key, value, ttlMs) {
        const r = await withRetries('add', () => client.call('SET', prefix + key, Buffer.from(value), ...px(ttlMs), 'NX'));
        return r !== null;
      },
      async delete(key) {
        await withRetries('delete', () => client.del(prefix + key));
      },
      async close() {
        closed = true;
        client.disconnect();
      },
    };
  },
);
