import { registerRateLimit, field, objectConfig, parseDuration, type RateLimit, type Resources } from '../../plugin/index.js';
import { redisConnFields, createRedisClient, redisAddress, type RedisConnConfig } from '../_shared/redis_client.js';

interface RedisRateLimitConfig extends RedisConnConfig {
  count: number;
  interval: string;
  key: string;
}

/**
 * One counter per window: the first access of a window creates it with the window's length as
 * expiry; once it passes `count`, callers wait for the rest of the window (the key's PTTL).
 */
const WINDOW_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 0 end
local left = redis.call('PTTL', KEYS[1])
if left < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  left = tonumber(ARGV[2])
end
return left
`;

registerRateLimit(
  {
    name: 'redis',
    summary:
      'A rate limit implementation using Redis. It limits the number of requests to a given count within a given time period, shared across all instances that use the same Redis key, which must all have a consistent count and interval.',
    status: 'experimental',
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field.int('count', 'The maximum number of messages to allow for a given period of time.').default(1000).check((v) => ((v as number) < 1 ? 'must be at least 1' : undefined)),
      field.duration('interval', 'The time window to limit requests by.').default('1s'),
      field.string('key', 'The key to use for the rate limit.'),
    ]),
  },
  (conf: RedisRateLimitConfig, res: Resources): RateLimit => {
    const client = createRedisClient(conf, { mode: 'resource', logger: res.logger, what: `redis rate limit (${redisAddress(conf)})` });
    client.defineCommand('sluiceRateWindow', { numberOfKeys: 1, lua: WINDOW_SCRIPT });
    const intervalMs = String(Math.max(1, parseDuration(conf.interval)));
    const count = String(conf.count);
    const run = (client as unknown as { sluiceRateWindow(key: string, count: string, interval: string): Promise<number> }).sluiceRateWindow.bind(client);
    return {
      async access() {
        return Number(await run(conf.key, count, intervalMs));
      },
      async close() {
        client.disconnect();
      },
    };
  },
);
