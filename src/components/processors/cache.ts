import { registerProcessor, field, objectConfig, compileInterpolation, messageProcessor, type Processor, type Resources, type Message, type Batch } from '../../plugin/index.js';
import { KEY_EXISTS, KEY_NOT_FOUND, ttlResolver } from '../_shared/cache_support.js';

type Operator = 'set' | 'add' | 'get' | 'exists' | 'delete';

interface CacheProcessorConfig {
  resource: string;
  operator: Operator;
  key: string;
  value?: string;
  ttl?: string;
}

registerProcessor(
  {
    name: 'cache',
    summary:
      'Performs operations against a cache resource for each message, allowing you to store or retrieve data within message payloads.',
    description: [
      'This processor will interpolate functions within the `key` and `value` fields individually for each message. When `value` is not set, `set` and `add` store the message content.',
      '',
      'Operators:',
      '- `set`: set a key in the cache to a value. If the key already exists the contents are overridden.',
      "- `add`: set a key in the cache to a value. If the key already exists the action fails with a 'key already exists' error, which can be detected with processor error handling.",
      '- `get`: retrieve the contents of a cached key and replace the original message payload with the result. If the key does not exist the action fails with an error.',
      '- `exists`: check if a key exists in the cache and replace the original message payload with `true` or `false`.',
      '- `delete`: delete a key and its contents from the cache. If the key does not exist the action is a no-op.',
    ].join('\n'),
    categories: ['Integration'],
    config: objectConfig([
      field.string('resource', 'The `cache` resource to target with this processor.'),
      field.string('operator', 'The operation to perform with the cache.').options('set', 'add', 'get', 'exists', 'delete'),
      field.interpolated('key', 'A key to use with the cache.'),
      field.interpolated('value', 'A value to use with the cache (when applicable).').optional(),
      field
        .interpolated(
          'ttl',
          'The TTL of each individual item as a duration string. After this period an item will be eligible for removal during the next compaction. Not all caches support per-key TTLs, those that do will have a configuration field `default_ttl`, and those that do not will fall back to their generally configured TTL setting.',
        )
        .optional()
        .examples('60s', '5m', '36h')
        .advanced(),
    ]),
    examples: [
      {
        title: 'Deduplication',
        summary: 'The add operator fails when a key already exists, so the duplicates can be removed with a mapping.',
        config:
          'input:\n  stdin: {}\npipeline:\n  processors:\n    - cache:\n        resource: foocache\n        operator: add\n        key: \'${! json("message.id") }\'\n        value: "storeme"\n    - mapping: root = if errored() { deleted() }\noutput:\n  stdout: {}\ncache_resources:\n  - label: foocache\n    memory: {}\n',
      },
    ],
  },
  (conf: CacheProcessorConfig, res: Resources): Processor => {
    const cache = res.getCache(conf.resource);
    const key = compileInterpolation(conf.key);
    const value = conf.value !== undefined ? compileInterpolation(conf.value) : undefined;
    const ttl = ttlResolver(conf.ttl);
    const valueOf = (msg: Message, batch: Batch, i: number): Uint8Array => (value ? value.renderBytes(batch, i) : msg.asBytes());

    const ops: Record<Operator, (msg: Message, batch: Batch, i: number) => Promise<Message>> = {
      async set(msg, batch, i) {
        await cache.set(key.render(batch, i), valueOf(msg, batch, i), ttl(batch, i));
        return msg;
      },
      async add(msg, batch, i) {
        if (!(await cache.add(key.render(batch, i), valueOf(msg, batch, i), ttl(batch, i)))) throw new Error(KEY_EXISTS);
        return msg;
      },
      async get(msg, batch, i) {
        const v = await cache.get(key.render(batch, i));
        if (v === undefined) throw new Error(KEY_NOT_FOUND);
        const out = msg.copy();
        out.setBytes(v);
        return out;
      },
      async exists(msg, batch, i) {
        const v = await cache.get(key.render(batch, i));
        const out = msg.copy();
        out.setString(v === undefined ? 'false' : 'true');
        return out;
      },
      async delete(msg, batch, i) {
        await cache.delete(key.render(batch, i));
        return msg;
      },
    };
    const op = ops[conf.operator];
    if (!op) throw new Error(`operator "${conf.operator}" was not recognised`);
    return messageProcessor(op);
  },
);
