import { registerInput, field, objectConfig, Message, NotConnectedError, type Input, type Resources } from '../../plugin/index.js';
import { redisConnFields, connectRedis, closeRedis, type RedisClient, type RedisConnConfig } from '../_shared/redis_client.js';
import { ReplayQueue } from '../_shared/replay_queue.js';

interface RedisPubSubInputConfig extends RedisConnConfig {
  channels: string[];
  use_patterns: boolean;
  auto_replay_nacks: boolean;
}

registerInput(
  {
    name: 'redis_pubsub',
    summary: 'Consume from a Redis publish/subscribe channel using either the SUBSCRIBE or PSUBSCRIBE commands.',
    description: [
      'In order to subscribe to channels using the `PSUBSCRIBE` command set the field `use_patterns` to `true`, then you can include glob-style patterns in your channel names. For example:',
      '',
      '- `h?llo` subscribes to hello, hallo and hxllo',
      '- `h*llo` subscribes to hllo and heeeello',
      '- `h[ae]llo` subscribes to hello and hallo, but not hillo',
      '',
      'Use `\\` to escape special characters if you want to match them verbatim.',
      '',
      'Pub/sub is at-most-once: messages published while no subscriber is connected (during a reconnect, or before the stream starts) are never seen, and a nack can only be replayed from memory.',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field.stringList('channels', 'A list of channels to consume from.'),
      field.bool('use_patterns', 'Whether to use the PSUBSCRIBE command, allowing for glob-style patterns within target channel names.').default(false),
      field
        .bool(
          'auto_replay_nacks',
          'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely, eventually resulting in back pressure if the cause of the rejections is persistent. If set to `false` these messages will instead be deleted.',
        )
        .default(true),
    ]),
  },
  (conf: RedisPubSubInputConfig, res: Resources): Input => {
    const replay = new ReplayQueue(conf.auto_replay_nacks);
    const queue: Buffer[] = [];
    let client: RedisClient | undefined;
    let lost = false;
    let closing = false;
    let wake: (() => void) | undefined;
    const notify = (): void => {
      const w = wake;
      wake = undefined;
      w?.();
    };

    return {
      async connect() {
        closeRedis(client);
        const c = await connectRedis(conf, 'redis_pubsub', { logger: res.logger });
        if (conf.use_patterns) c.on('pmessageBuffer', (_p: Buffer, _ch: Buffer, m: Buffer) => void (queue.push(m), notify()));
        else c.on('messageBuffer', (_ch: Buffer, m: Buffer) => void (queue.push(m), notify()));
        c.on('close', () => {
          if (client === c) {
            lost = true;
            notify();
          }
        });
        try {
          if (conf.use_patterns) await c.psubscribe(...conf.channels);
          else await c.subscribe(...conf.channels);
        } catch (e) {
          closeRedis(c);
          throw e;
        }
        lost = false;
        client = c;
      },
      async read() {
        for (;;) {
          if (closing) return null;
          const again = replay.shift();
          if (again) return again;
          const m = queue.shift();
          if (m) {
            const messages = [Message.fromBytes(m)];
            return { messages, ack: replay.ackFor(messages) };
          }
          if (lost || !client) {
            closeRedis(client);
            client = undefined;
            throw new NotConnectedError('redis_pubsub: lost the connection to Redis');
          }
          await new Promise<void>((r) => {
            wake = r;
            // A nacked message waits out its replay delay: look again shortly.
            if (replay.size > 0) setTimeout(r, 20);
          });
        }
      },
      async close() {
        closing = true;
        notify();
        closeRedis(client);
        client = undefined;
      },
    };
  },
);
