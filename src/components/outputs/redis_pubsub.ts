import { registerOutput, field, objectConfig, compileInterpolation, batchingField, maxInFlightField, parseBatchPolicy, type Output, type Resources } from '../../plugin/index.js';
import { redisConnFields, type RedisConnConfig } from '../_shared/redis_client.js';
import { redisOutput } from '../_shared/redis_output.js';

interface RedisPubSubOutputConfig extends RedisConnConfig {
  channel: string;
  max_in_flight: number;
  batching?: Parameters<typeof parseBatchPolicy>[0];
}

registerOutput(
  {
    name: 'redis_pubsub',
    summary: 'Publishes messages through the Redis PubSub model. It is not possible to guarantee that messages have been received.',
    description:
      'This output will interpolate functions within the channel field, you can find a list of functions in the interpolation docs. Metadata is not sent: pub/sub messages have no fields besides their payload.',
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field.interpolated('channel', 'The channel to publish messages to.'),
      maxInFlightField(64),
      batchingField(),
    ]),
  },
  async (conf: RedisPubSubOutputConfig, res: Resources): Promise<Output> => {
    const channel = compileInterpolation(conf.channel);
    const constChannel = channel.isStatic ? channel.render([], 0) : undefined;
    return redisOutput({
      component: 'redis_pubsub',
      conf,
      maxInFlight: conf.max_in_flight,
      batchPolicy: await parseBatchPolicy(conf.batching, res),
      commands: (batch, i) => [['PUBLISH', constChannel ?? channel.render(batch, i), batch[i]!.asBytes()]],
    });
  },
);
