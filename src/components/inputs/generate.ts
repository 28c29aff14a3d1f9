import {
  registerInput,
  field,
  objectConfig,
  compileMapping,
  parseDuration,
  sleep,
  Message,
  type Input,
  type Resources,
} from '../../plugin/index.js';
import { ReplayQueue } from '../_shared/replay_queue.js';

interface GenerateConfig {
  mapping: string;
  interval: string;
  count: number;
  batch_size: number;
  auto_replay_nacks: boolean;
}

registerInput(
  {
    name: 'generate',
    summary: 'Generates messages from a Bloblang mapping, at an interval or as fast as possible.',
    categories: ['Utility'],
    config: objectConfig([
      field.bloblang('mapping', 'A Bloblang mapping whose root becomes each message.').examples('root = "hello world"', 'root = {"id": uuid_v4()}'),
      field.string('interval', 'Time between messages (a duration such as "1s"); empty or "0s" generates as fast as possible.').default('1s'),
      field.int('count', 'How many messages to generate before the input ends; 0 means no end.').default(0),
      field.int('batch_size', 'Messages per batch.').default(1).check((v) => ((v as number) < 1 ? 'must be at least 1' : undefined)),
      field.bool('auto_replay_nacks', 'Replay messages that an output rejected, instead of dropping them.').default(true),
    ]),
    examples: [
      {
        title: 'Hello world',
        summary: 'Five greetings, one a second.',
        config: 'input:\n  generate:\n    count: 5\n    interval: 1s\n    mapping: root = "hello world"\noutput:\n  stdout: {}\n',
      },
    ],
  },
  (conf: GenerateConfig, res: Resources): Input => {
    const mapping = compileMapping(conf.mapping);
    const intervalMs = conf.interval === '' ? 0 : parseDuration(conf.interval);
    const replay = new ReplayQueue(conf.auto_replay_nacks);
    let produced = 0;
    let nextAt = 0;
    // An empty message: `this` is null inside the mapping, as in Benthos.
    const seed = [Message.fromBytes(Buffer.alloc(0))];
    return {
      async connect() {},
      async read() {
        const again = replay.shift();
        if (again) return again;
        if (conf.count > 0 && produced >= conf.count) return replay.endOfInput(res);
        if (intervalMs > 0) {
          const wait = nextAt - Date.now();
          if (wait > 0 && !(await sleep(wait, res.signal))) return null;
          // The first message goes at once, each later one an interval after the previous.
          nextAt = (nextAt === 0 ? Date.now() : Math.max(nextAt, Date.now() - intervalMs)) + intervalMs;
        }
        const messages: Message[] = [];
        while (messages.length < conf.batch_size && (conf.count === 0 || produced < conf.count)) {
          produced++;
          const m = mapping.mapPart(seed, 0);
          if (m !== null) messages.push(m);
        }
        return { messages, ack: replay.ackFor(messages) };
      },
      async close() {},
    };
  },
);
