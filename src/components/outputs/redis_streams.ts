import { registerOutput, field, objectConfig, compileInterpolation, batchingField, maxInFlightField, parseBatchPolicy, type Output, type Resources, type Message } from '../../plugin/index.js';
import { redisConnFields, type RedisConnConfig } from '../_shared/redis_client.js';
import { redisOutput } from '../_shared/redis_output.js';

interface RedisStreamsOutputConfig extends RedisConnConfig {
  stream: string;
  body_key: string;
  max_length: number;
  max_in_flight: number;
  metadata: { exclude_prefixes: string[]; include_prefixes: string[] };
  batching?: Parameters<typeof parseBatchPolicy>[0];
}

registerOutput(
  {
    name: 'redis_streams',
    summary: 'Pushes messages to a Redis (v5.0+) Stream (which is created if it doesn\'t already exist) using the XADD command.',
    description: [
      "It's possible to specify a maximum length of the target stream by setting it to a value greater than 0, in which case this cap is applied only when Redis is able to remove a whole macro node, for efficiency.",
      '',
      'Redis stream entries are key/value pairs, as such it is necessary to specify the key to be set to the body of the message. All metadata fields of the message will also be set as key/value pairs, if there is a key collision between a metadata item and the body then the body takes precedence.',
      '',
      'A batch is added in one MULTI/EXEC transaction (a pipeline when `kind` is `cluster`), so it is written whole or not at all.',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field.interpolated('stream', 'The stream to add messages to.'),
      field.string('body_key', 'A key to set the raw body of the message to.').default('body'),
      field.int('max_length', 'When greater than zero enforces a rough cap on the length of the target stream.').default(0),
      maxInFlightField(64),
      field.object('metadata', 'Specify criteria for which metadata values are included in the message body.', [
        field.stringList('exclude_prefixes', 'Provide a list of explicit metadata key prefixes to be excluded when adding metadata to sent messages.').default([]),
        field
          .stringList('include_prefixes', 'Sluice extension: when not empty, only metadata keys starting with one of these prefixes are added (exclusions still apply).')
          .default([])
          .advanced(),
      ]),
      batchingField(),
    ]),
  },
  async (conf: RedisStreamsOutputConfig, res: Resources): Promise<Output> => {
    const stream = compileInterpolation(conf.stream);
    const constStream = stream.isStatic ? stream.render([], 0) : undefined;
    const exclude = conf.metadata?.exclude_prefixes ?? [];
    const include = conf.metadata?.include_prefixes ?? [];
    const keep = (k: string): boolean => (include.length === 0 || include.some((p) => k.startsWith(p))) && !exclude.some((p) => k.startsWith(p));
    const cap = conf.max_length > 0 ? ['MAXLEN', '~', String(conf.max_length)] : [];
    return redisOutput({
      component: 'redis_streams',
      conf,
      maxInFlight: conf.max_in_flight,
      batchPolicy: await parseBatchPolicy(conf.batching, res),
      commands: (batch, i) => [['XADD', constStream ?? stream.render(batch, i), ...cap, '*', ...entryFields(batch[i]!, conf.body_key, keep)]],
    });
  },
);

/** Field/value pairs: metadata first, then the body, which wins a name collision. */
function entryFields(msg: Message, bodyKey: string, keep: (k: string) => boolean): Array<string | Buffer> {
  const out: Array<string | Buffer> = [];
  for (const [k, v] of msg.metaEntries()) {
    if (k === bodyKey || !keep(k)) continue;
    out.push(k, typeof v === 'string' ? v : (msg.getMetaString(k) ?? ''));
  }
  out.push(bodyKey, msg.asBytes());
  return out;
}
