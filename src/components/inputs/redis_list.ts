import { registerInput, field, objectConfig, parseDuration, sleep, Message, NotConnectedError, type Input, type InputBatch, type Resources } from '../../plugin/index.js';
import { redisConnFields, connectRedis, closeRedis, commandFailure, type RedisClient, type RedisConnConfig } from '../_shared/redis_client.js';
import { ReplayQueue } from '../_shared/replay_queue.js';

interface RedisListInputConfig extends RedisConnConfig {
  key: string;
  auto_replay_nacks: boolean;
  max_in_flight: number;
  timeout: string;
  command: 'blpop' | 'brpop';
}

registerInput(
  {
    name: 'redis_list',
    summary: 'Pops messages from the beginning of a Redis list using the BLPop command.',
    description: [
      'Delivery is at-most-once by nature: popping an element removes it from the list before it is processed. A nacked message is replayed from memory (`auto_replay_nacks`), but whatever the process holds when it crashes or is killed is lost; use `redis_streams` when that matters.',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field.string('key', 'The key of a list to read from.'),
      field
        .bool(
          'auto_replay_nacks',
          'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely, eventually resulting in back pressure if the cause of the rejections is persistent. If set to `false` these messages will instead be deleted.',
        )
        .default(true),
      field
        .int(
          'max_in_flight',
          'Optionally sets a limit on the number of messages that can be flowing through a stream pending acknowledgment from the input at any given time. Zero (default) or lower implies no limit.',
        )
        .default(0)
        .advanced(),
      field.duration('timeout', 'The length of time to poll for new messages before reattempting.').default('5s').advanced(),
      field.string('command', 'The command used to pop elements from the Redis list').default('blpop').options('blpop', 'brpop').advanced(),
    ]),
  },
  (conf: RedisListInputConfig, res: Resources): Input => {
    const replay = new ReplayQueue(conf.auto_replay_nacks);
    const timeoutSec = String(parseDuration(conf.timeout) / 1000);
    let client: RedisClient | undefined;
    let closing = false;
    let inFlight = 0;
    let wake: (() => void) | undefined;
    const limit = conf.max_in_flight > 0 ? conf.max_in_flight : Infinity;

    const track = (b: InputBatch): InputBatch => {
      inFlight++;
      let done = false;
      return {
        messages: b.messages,
        ack: (err?: Error) => {
          if (!done) {
            done = true;
            inFlight--;
            wake?.();
          }
          return b.ack(err);
        },
      };
    };

    return {
      async connect() {
        closeRedis(client);
        client = await connectRedis(conf, 'redis_list', { logger: res.logger });
      },
      async read() {
        for (;;) {
          if (closing) return null;
          while (inFlight >= limit && !closing) await new Promise<void>((r) => (wake = r));
          const again = replay.shift();
          if (again) return track(again);
          if (replay.size > 0) {
            // A nacked message waits out its replay delay: retry it before popping more.
            if (!(await sleep(20, res.signal))) return null;
            continue;
          }
          const c = client;
          if (!c) throw new NotConnectedError('redis_list: not connected');
          let reply: [Buffer, Buffer] | null;
          try {
            reply = (await c.callBuffer(conf.command.toUpperCase(), conf.key, timeoutSec)) as [Buffer, Buffer] | null;
          } catch (e) {
            if (closing) return null;
            throw commandFailure(e, c, 'redis_list');
          }
          if (!reply) continue;
          const messages = [Message.fromBytes(reply[1])];
          return track({ messages, ack: replay.ackFor(messages) });
        }
      },
      async close() {
        closing = true;
        wake?.();
        closeRedis(client);
        client = undefined;
      },
    };
  },
);
