import { registerInput, field, objectConfig, type ComponentConfig, type Input, type InputBatch, type Resources, type Scanner } from '../../plugin/index.js';
import { ReplayQueue } from '../_shared/replay_queue.js';
import { isReadyScanner } from '../_shared/scanner_ready.js';

registerInput(
  {
    name: 'stdin',
    summary: 'Consumes data piped to stdin, split into messages by a scanner.',
    categories: ['Local'],
    config: objectConfig([
      field.component('scanner', 'scanner', 'How the stream of bytes is split into messages.').default({ lines: {} }),
      field.bool('auto_replay_nacks', 'Replay messages that an output rejected, instead of dropping them.').default(true),
    ]),
  },
  async (conf: { scanner: ComponentConfig; auto_replay_nacks: boolean }, res: Resources): Promise<Input> => {
    const factory = await res.buildScanner(conf.scanner);
    const replay = new ReplayQueue(conf.auto_replay_nacks);
    let scanner: Scanner | undefined;
    return {
      async connect() {
        scanner ??= factory.create(process.stdin, { name: 'stdin' });
      },
      async read() {
        const again = replay.shift();
        if (again) return again;
        const messages = await scanner!.next();
        if (messages === null) return replay.endOfInput(res);
        return { messages, ack: replay.ackFor(messages) };
      },
      readReady(max: number): InputBatch[] {
        const out: InputBatch[] = [];
        while (out.length < max) {
          const again = replay.shift();
          if (again) {
            out.push(again);
            continue;
          }
          if (!scanner || !isReadyScanner(scanner)) break;
          const messages = scanner.nextReady();
          if (messages === null) break;
          out.push({ messages, ack: replay.ackFor(messages) });
        }
        return out;
      },
      async close() {
        // Leave process.stdin alone: destroying it can keep a TTY from being restored.
        process.stdin.pause();
      },
    };
  },
);
