import { registerOutput, field, objectConfig, compileInterpolation, batchingField, maxInFlightField, parseBatchPolicy, type Output, type Resources } from '../../plugin/index.js';
import { redisConnFields, type RedisConnConfig } from '../_shared/redis_client.js';
import { redisOutput } from '../_shared/redis_output.js';

interface RedisListOutputConfig extends RedisConnConfig {
  key: string;
  max_in_flight: number;
  command: 'rpush' | 'lpush';
  batching?: Parameters<typeof parseBatchPolicy>[0];
}

registerOutput(
  {
    name: 'redis_list',
    summary: 'Pushes messages onto the end of a Redis list (which is created if it doesn\'t already exist) using the RPUSH command.',
    description:
      'The field `key` supports interpolation functions, allowing you to create a unique key for each message. A batch is pushed in one MULTI/EXEC transaction (a pipeline when `kind` is `cluster`).',
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field.interpolated('key', 'The key for each message, function interpolations can be optionally used to create a unique key per message.').examples('some_list', '${! @.kafka_key }', '${! this.doc.id }'),
      maxInFlightField(64),
      batchingField(),
      field.string('command', 'The command used to push elements to the Redis list').default('rpush').options('rpush', 'lpush').advanced(),
    ]),
  },
  async (conf: RedisListOutputConfig, res: Resources): Promise<Output> => {
    const key = compileInterpolation(conf.key);
    const constKey = key.isStatic ? key.render([], 0) : undefined;
    const cmd = conf.command.toUpperCase();
    return redisOutput({
      component: 'redis_list',
      conf,
      maxInFlight: conf.max_in_flight,
      batchPolicy: await parseBatchPolicy(conf.batching, res),
      commands: (batch, i) => [[cmd, constKey ?? key.render(batch, i), batch[i]!.asBytes()]],
    });
  },
);
