import { registerRateLimit, field, objectConfig, parseDuration, type RateLimit, type Resources } from '../../plugin/index.js';

interface LocalRateLimitConfig {
  count: number;
  byte_size: number;
  interval: string;
}

registerRateLimit(
  {
    name: 'local',
    summary:
      'The local rate limit is a simple X every Y type rate limit that can be shared across any number of components within the pipeline but does not support distributed rate limits across multiple running instances.',
    description:
      'The first `count` accesses of a window go through at once; the next one waits until `interval` has passed since the window opened, and opens a new one. `byte_size` is accepted for compatibility but not enforced: accesses carry no size here.',
    categories: ['Local'],
    config: objectConfig([
      field.int('count', 'The maximum number of requests to allow for a given period of time. If `0` disables count based rate-limiting.').default(1000),
      field.int('byte_size', 'The maximum number of bytes to allow for a given period of time. If `0` disables byte_size based rate-limiting.').default(0),
      field.duration('interval', 'The time window to limit requests by.').default('1s'),
    ]),
  },
  (conf: LocalRateLimitConfig, res: Resources): RateLimit => {
    if (conf.byte_size > 0) res.logger.warn('local rate limit: byte_size is not enforced; only count limits accesses');
    return new LocalRateLimit(conf.count, parseDuration(conf.interval));
  },
);

/** A bucket of `size` accesses, refilled whole once `periodMs` has passed since the last refill. */
export class LocalRateLimit implements RateLimit {
  private bucket: number;
  private lastRefresh = Date.now();

  constructor(
    private readonly size: number,
    private readonly periodMs: number,
  ) {
    this.bucket = size;
  }

  async access(): Promise<number> {
    if (this.size <= 0) return 0;
    if (this.bucket > 0) {
      this.bucket--;
      return 0;
    }
    const remaining = this.periodMs - (Date.now() - this.lastRefresh);
    if (remaining > 0) return remaining;
    // The window has passed: this access opens the next one.
    this.bucket = this.size - 1;
    this.lastRefresh = Date.now();
    return 0;
  }
}
