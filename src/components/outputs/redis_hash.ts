import { registerOutput, field, objectConfig, compileInterpolation, maxInFlightField, serialiseValue, type Output, type Message, type Batch } from '../../plugin/index.js';
import { redisConnFields, type RedisConnConfig } from '../_shared/redis_client.js';
import { redisOutput } from '../_shared/redis_output.js';

interface RedisHashOutputConfig extends RedisConnConfig {
  key: string;
  walk_metadata: boolean;
  walk_json_object: boolean;
  fields: Record<string, string>;
  max_in_flight: number;
}

registerOutput(
  {
    name: 'redis_hash',
    summary: 'Sets Redis hash objects using the HMSET command.',
    description: [
      'The field `key` supports interpolation functions, allowing you to create a unique key for each message.',
      '',
      'The field `fields` allows you to specify an explicit map of field names to interpolated values, also evaluated per message of a batch.',
      '',
      'If the field `walk_metadata` is set to `true` then all metadata fields of messages are added to the list of hash fields to set. If the field `walk_json_object` is set to `true` then each message is walked as a JSON object, and its keys with the string representation of their values are added to the hash fields to set.',
      '',
      'The order of hash field extraction is as follows: 1. Metadata (if enabled), 2. JSON object (if enabled), 3. Explicit fields, where latter stages overwrite matching field names of a former stage.',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field.interpolated('key', 'The key for each message, function interpolations should be used to create a unique key per message.').examples('${! @.kafka_key }', '${! this.doc.id }'),
      field.bool('walk_metadata', 'Whether all metadata fields of messages should be walked and added to the list of hash fields to set.').default(false),
      field.bool('walk_json_object', 'Whether to walk each message as a JSON object and add each key/value pair to the list of hash fields to set.').default(false),
      field.map('fields', 'A map of key/value pairs to set as hash fields.', field.interpolated('')).default({}),
      maxInFlightField(64),
    ]),
  },
  (conf: RedisHashOutputConfig): Output => {
    const key = compileInterpolation(conf.key);
    const fields = Object.entries(conf.fields ?? {}).map(([name, v]) => [name, compileInterpolation(v)] as const);
    return redisOutput({
      component: 'redis_hash',
      conf,
      maxInFlight: conf.max_in_flight,
      commands: (batch, i) => {
        const values = hashFields(batch, i, conf.walk_metadata, conf.walk_json_object, fields);
        if (values.size === 0) throw new Error('redis_hash: no hash fields to set for this message');
        const args: Array<string | Buffer> = [key.render(batch, i)];
        for (const [k, v] of values) args.push(k, v);
        return [['HSET', ...args]];
      },
    });
  },
);

function hashFields(
  batch: Batch,
  i: number,
  walkMeta: boolean,
  walkJson: boolean,
  fields: ReadonlyArray<readonly [string, ReturnType<typeof compileInterpolation>]>,
): Map<string, string | Buffer> {
  const msg: Message = batch[i]!;
  const out = new Map<string, string | Buffer>();
  if (walkMeta) for (const [k] of msg.metaEntries()) out.set(k, msg.getMetaString(k) ?? '');
  if (walkJson) {
    const doc = msg.asStructured();
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('redis_hash: walk_json_object expects a JSON object');
    for (const [k, v] of Object.entries(doc as Record<string, unknown>)) out.set(k, serialiseValue(v));
  }
  for (const [name, interp] of fields) out.set(name, interp.renderBytes(batch, i));
  return out;
}
