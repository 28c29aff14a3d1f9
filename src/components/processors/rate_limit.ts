import { registerProcessor, field, objectConfig, sleep, errorMessage, type Processor, type Resources } from '../../plugin/index.js';

registerProcessor(
  {
    name: 'rate_limit',
    summary: 'Throttles the throughput of a pipeline according to a specified `rate_limit` resource. Rate limits are shared across components and therefore apply globally to all processing pipelines.',
    description:
      'Each message waits for one access to the rate limit. When the stream shuts down, waiting is cut short and the messages pass on. If the rate limit fails, the error is logged and the access is retried a second later.',
    categories: ['Utility'],
    config: objectConfig([field.string('resource', 'The target `rate_limit` resource.')]),
  },
  (conf: { resource: string }, res: Resources): Processor => {
    if (!res.hasRateLimit(conf.resource)) throw new Error(`rate limit resource '${conf.resource}' was not found`);
    const limit = res.getRateLimit(conf.resource);
    const closed = new AbortController();
    const stop = AbortSignal.any([res.signal, closed.signal]);

    /** Resolves once an access was granted (or the stream is stopping). */
    async function acquire(): Promise<void> {
      while (!stop.aborted) {
        let wait: number;
        try {
          wait = await limit.access();
        } catch (e) {
          res.logger.error(`Failed to access rate limit: ${errorMessage(e)}`);
          wait = 1000;
        }
        if (wait <= 0) return;
        await sleep(wait, stop);
      }
    }

    return {
      async processBatch(batch) {
        for (let i = 0; i < batch.length; i++) await acquire();
        return [batch];
      },
      async close() {
        closed.abort();
      },
    };
  },
);
