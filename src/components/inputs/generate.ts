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
import { Cron } from 'croner';
import { ReplayQueue } from '../_shared/replay_queue.js';

/**
 * When the next message is due. `interval` is a duration ("1s"), `@every <duration>`, or a cron
 * expression (5 or 6 fields, optionally prefixed `TZ=<zone> `), as Benthos accepts.
 */
function scheduler(interval: string): ((now: number, first: boolean) => number) | null {
  const text = interval.trim();
  if (text === '' || text === '0s' || text === '0') return null;
  const every = /^@every\s+(.+)$/.exec(text);
  let ms: number | undefined;
  try {
    ms = parseDuration(every ? every[1]! : text);
  } catch {
    ms = undefined;
  }
  if (ms !== undefined) {
    let nextAt = 0;
    return (now, first) => {
      // The first message goes at once, each later one an interval after the previous.
      nextAt = first ? now : Math.max(nextAt, now - ms!) + ms!;
      return nextAt;
    };
  }
  const tz = /^TZ=(\S+)\s+(.+)$/.exec(text);
  const cron = new Cron(tz ? tz[2]! : text, { timezone: tz?.[1], paused: true });
  return (now) => cron.nextRun(new Date(now))?.getTime() ?? Number.POSITIVE_INFINITY;
}

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
      field
        .string('interval', 'Time between messages: a duration such as "1s", `@every 5m`, or a cron expression (optionally prefixed `TZ=<zone> `); empty generates as fast as possible.')
        .default('1s')
        .examples('5s', '1m', '@every 1s', '0,30 */2 * * * *', 'TZ=Europe/London 30 3-6,20-23 * * *')
        .check((v) => {
          try {
            scheduler(String(v));
            return undefined;
          } catch (e) {
            return `not a duration or cron expression: ${(e as Error).message}`;
          }
        }),
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
    const schedule = scheduler(conf.interval);
    const replay = new ReplayQueue(conf.auto_replay_nacks);
    let produced = 0;
    // An empty message: `this` is null inside the mapping, as in Benthos.
    const seed = [Message.fromBytes(Buffer.alloc(0))];
    return {
      async connect() {},
      async read() {
        const again = replay.shift();
        if (again) return again;
        if (conf.count > 0 && produced >= conf.count) return replay.endOfInput(res);
        if (schedule) {
          const wait = schedule(Date.now(), produced === 0) - Date.now();
          if (wait > 0 && !(await sleep(Math.min(wait, 2 ** 31 - 1), res.signal))) return null;
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
