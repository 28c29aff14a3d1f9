import { registerProcessor, field, objectConfig, compileInterpolation, errorMessage, toError, type Processor, type Resources, type Message } from '../../plugin/index.js';

interface DedupeConfig {
  cache: string;
  key: string;
  drop_on_err: boolean;
  strategy: 'FIFO' | 'LIFO';
}

/** What dedupe stores: only the key matters. */
const MARK = Buffer.from('t');

registerProcessor(
  {
    name: 'dedupe',
    summary: 'Deduplicates messages by storing a key value in a cache using the `add` operator. If the key already exists within the cache it is dropped.',
    description: [
      'Caches must be configured as resources. This processor enacts on individual messages only; to deduplicate a whole batch by one value use the `cache` processor.',
      '',
      'Delivery guarantees: performing deduplication on a stream using a distributed cache voids any at-least-once guarantees that it previously had, because the cache keeps a key even if its message never leaves the pipeline. When the output might fail, wrap it in an indefinite `retry`.',
    ].join('\n'),
    categories: ['Utility'],
    config: objectConfig([
      field.string('cache', 'The `cache` resource to target with this processor.'),
      field.interpolated('key', 'An interpolated string yielding the key to deduplicate by for each message.').examples('${! @kafka_key }', '${! content().hash("xxhash64") }'),
      field.bool('drop_on_err', 'Whether messages should be dropped when the cache returns a general error such as a network issue.').default(true),
      field.string('strategy', 'Controls how to handle duplicate values: FIFO keeps the first value seen for each key, LIFO the last (within a batch).').default('FIFO').options('FIFO', 'LIFO').advanced(),
    ]),
    examples: [
      {
        title: 'Deduplicate based on Kafka key',
        config:
          'input:\n  stdin: {}\npipeline:\n  processors:\n    - dedupe:\n        cache: keycache\n        key: ${! @kafka_key }\noutput:\n  stdout: {}\ncache_resources:\n  - label: keycache\n    memory:\n      default_ttl: 60s\n',
      },
    ],
  },
  (conf: DedupeConfig, res: Resources): Processor => {
    if (conf.key === '') throw new Error('dedupe key must not be empty');
    if (!res.hasCache(conf.cache)) throw new Error(`cache resource '${conf.cache}' was not found`);
    const cache = res.getCache(conf.cache);
    const key = compileInterpolation(conf.key);
    const fifo = conf.strategy !== 'LIFO';
    return {
      async processBatch(batch) {
        const kept: Message[] = [];
        // LIFO walks the batch backwards, so the last message with a key is the one kept.
        for (let n = 0; n < batch.length; n++) {
          const i = fifo ? n : batch.length - 1 - n;
          const msg = batch[i]!;
          let k: string;
          try {
            k = key.render(batch, i);
          } catch (e) {
            res.logger.error(`dedupe: key interpolation error: ${errorMessage(e)}`);
            continue;
          }
          try {
            if (!(await cache.add(k, MARK))) continue; // a duplicate
          } catch (e) {
            res.logger.error(`Cache error: ${errorMessage(e)}`);
            if (conf.drop_on_err) continue;
            msg.error = toError(e);
          }
          kept.push(msg);
        }
        if (!fifo) kept.reverse();
        return kept.length > 0 ? [kept] : [];
      },
    };
  },
);
