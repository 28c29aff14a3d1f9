import {
  registerProcessor,
  field,
  objectConfig,
  compileInterpolation,
  compileMapping,
  messageProcessor,
  errorMessage,
  type Processor,
  type Resources,
  type Message,
} from '../../plugin/index.js';
import type { ComponentConfig } from '../../plugin/index.js';
import { ttlResolver } from '../_shared/cache_support.js';
import { encodeBatch, decodeBatch } from '../_shared/cache_batch_codec.js';

interface CachedConfig {
  cache: string;
  skip_on?: string;
  key: string;
  ttl?: string;
  processors: ComponentConfig[];
}

registerProcessor(
  {
    name: 'cached',
    summary:
      'Cache the result of applying one or more processors to messages identified by a key. If the key already exists within the cache the contents of the message will be replaced with the cached result instead of applying the processors. This component is therefore useful in situations where an expensive set of processors need only be executed periodically.',
    description:
      'The format of the data when stored within the cache is a custom and versioned schema (the one Benthos uses). It is therefore not possible to point this processor to a cache that is pre-populated with data that this processor has not created itself. Cached results take their metadata from the message being processed.',
    categories: ['Utility'],
    config: objectConfig([
      field.string('cache', 'The cache resource to read and write processor results from.'),
      field.bloblang('skip_on', 'A condition that can be used to skip caching the results from the processors.').optional().examples('errored()'),
      field
        .interpolated(
          'key',
          'A key to be resolved for each message, if the key already exists in the cache then the cached result is used, otherwise the processors are applied and the result is cached under this key.',
        )
        .examples('my_foo_result', '${! this.document.id }', '${! @kafka_key }'),
      field.interpolated('ttl', 'An optional expiry period to set for each cache entry. Some caches only have a general TTL and will therefore ignore this setting.').optional(),
      field.processors('processors', 'The list of processors whose result will be cached.').default(undefined),
    ]),
  },
  async (conf: CachedConfig, res: Resources): Promise<Processor> => {
    if (!res.hasCache(conf.cache)) throw new Error(`cache named ${conf.cache} not found`);
    const cache = res.getCache(conf.cache);
    const key = compileInterpolation(conf.key);
    const ttl = ttlResolver(conf.ttl);
    const skipOn = conf.skip_on ? compileMapping(conf.skip_on) : undefined;
    const procs = await res.buildProcessors(conf.processors ?? []);

    const shouldSkip = (results: Message[]): boolean => {
      if (!skipOn) return false;
      for (let i = 0; i < results.length; i++) if (skipOn.queryPart(results, i) === true) return true;
      return false;
    };

    return messageProcessor(
      async (msg, batch, i) => {
        const k = key.render(batch, i);
        const hit = await cache.get(k);
        if (hit !== undefined) {
          let contents: Buffer[];
          try {
            contents = decodeBatch(hit);
          } catch (e) {
            throw new Error(`failed to parse cached result, this indicates the data was not set by this processor: ${errorMessage(e)}`);
          }
          return contents.map((c) => {
            const out = msg.copy();
            out.setBytes(c);
            return out;
          });
        }
        const results = (await res.runProcessors(procs, [msg])).flat();
        if (!shouldSkip(results)) {
          try {
            await cache.set(k, encodeBatch(results.map((m) => m.asBytes())), ttl(batch, i));
          } catch (e) {
            // Caching is an optimisation: the results flow on regardless.
            res.logger.error(`failed to write result to cache: ${errorMessage(e)}`);
          }
        }
        return results;
      },
      async () => {
        for (const p of procs) await p.close?.();
      },
    );
  },
);
