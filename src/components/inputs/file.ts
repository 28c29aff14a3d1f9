import { ReplayQueue } from '../_shared/replay_queue.js';
import { createReadStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import {
  registerInput,
  field,
  objectConfig,
  errorMessage,
  type ComponentConfig,
  type Input,
  type InputBatch,
  Message,
  type Resources,
  type Scanner,
} from '../../plugin/index.js';
import { expandGlobs } from '../_shared/file_glob.js';
import { rfc3339 } from '../_shared/file_times.js';
import { isReadyScanner, type ScannerDetails } from '../_shared/scanner_ready.js';

interface FileInputConfig {
  paths: string[];
  scanner: ComponentConfig;
  delete_on_finish: boolean;
  auto_replay_nacks: boolean;
}

/** One file being (or having been) read, until every batch read from it is acknowledged. */
interface FileState {
  path: string;
  /** Batches read from the file and not yet finally acknowledged. */
  outstanding: number;
  /** The scanner reached the end of the file without an error. */
  finished: boolean;
  /** A read error or a dropped nack: the file is kept even with delete_on_finish. */
  failed: boolean;
}

/** Bytes read from disk at a time. Reads wait for the scanner, so memory stays bounded by this. */
const READ_CHUNK = 256 * 1024;

registerInput(
  {
    name: 'file',
    summary: 'Consumes data from files on disk, emitting messages according to a chosen codec.',
    description: [
      'Files are read one after the other, as streams: a scanner pulls bytes as messages are needed, so a file of any size is read',
      'in constant memory and a slow output slows the reading down. The input ends once every file was read.',
      '',
      '### Metadata',
      '',
      'This input adds the following metadata fields to each message:',
      '',
      '- path',
      '- mod_time_unix',
      '- mod_time (RFC3339)',
      '',
      'A path that cannot be opened is logged and skipped.',
    ].join('\n'),
    categories: ['Local'],
    config: objectConfig([
      field
        .stringList('paths', 'A list of paths to consume sequentially. Glob patterns are supported, including super globs (double star).')
        .scalarToArray()
        .examples(['./data/*.csv'], ['/var/log/**/*.log']),
      field
        .component(
          'scanner',
          'scanner',
          'The scanner by which the stream of bytes consumed will be broken out into individual messages. Scanners are useful for processing large sources of data without holding the entirety of it within memory. For example, the `csv` scanner allows you to process individual CSV rows without loading the entire CSV file in memory at once.',
        )
        .default({ lines: {} }),
      field.bool('delete_on_finish', 'Whether to delete input files from the disk once they are fully consumed (every message read from them was acknowledged).').default(false).advanced(),
      field
        .bool(
          'auto_replay_nacks',
          'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely, eventually resulting in back pressure if the cause of the rejections is persistent. If set to `false` these messages will instead be deleted. Disabling auto replays can greatly improve memory efficiency of high throughput streams as the original shape of the data can be discarded immediately upon consumption and mutation.',
        )
        .default(true),
    ]),
    examples: [
      {
        title: 'Read a Bunch of CSVs',
        summary: 'If we wished to consume a directory of CSV files as structured documents we can use a glob pattern and the `csv` scanner.',
        config: 'input:\n  file:\n    paths: [ ./data/*.csv ]\n    scanner:\n      csv: {}\noutput:\n  stdout: {}\n',
      },
    ],
  },
  async (conf: FileInputConfig, res: Resources): Promise<Input> => {
    const factory = await res.buildScanner(conf.scanner);
    let queue: string[] | undefined;
    type Current = { state: FileState; scanner: Scanner; meta: [string, unknown][]; newMessage: (bytes: Buffer) => Message };
    let current: Current | undefined;
    const replay = new ReplayQueue(conf.auto_replay_nacks);
    let closed = false;

    const settle = (state: FileState): void => {
      if (!conf.delete_on_finish || !state.finished || state.failed || state.outstanding > 0) return;
      unlink(state.path).catch((e) => res.logger.error(`failed to delete consumed file ${state.path}: ${errorMessage(e)}`));
    };

    /** Once a batch read from `state`'s file is finally done (a nack replays it, with backoff, until delivered). */
    const batchDone = (err: Error | undefined, state: FileState): void => {
      if (err) state.failed = true;
      state.outstanding--;
      settle(state);
    };

    const openNext = async (): Promise<boolean> => {
      while (queue!.length > 0) {
        const path = queue!.shift()!;
        try {
          const info = await stat(path);
          if (info.isDirectory()) throw new Error('it is a directory');
          const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
          const state: FileState = { path, outstanding: 0, finished: false, failed: false };
          const seconds = Math.floor(info.mtimeMs / 1000);
          const meta: [string, unknown][] = [
            ['path', path],
            ['mod_time_unix', seconds],
            ['mod_time', rfc3339(new Date(seconds * 1000))],
          ];
          const template = Message.fromBytes(Buffer.alloc(0));
          for (const [k, v] of meta) template.setMeta(k, v);
          // Messages carry the file's metadata shared copy-on-write: no map per message.
          const newMessage = (bytes: Buffer): Message => {
            const m = template.copy();
            m.setBytes(bytes);
            return m;
          };
          const details: ScannerDetails = { name: path, newMessage };
          current = { state, scanner: factory.create(stream, details), meta, newMessage };
          res.logger.debug(`consuming file ${path}`);
          return true;
        } catch (e) {
          res.logger.error(`failed to open file ${path}: ${errorMessage(e)}`);
        }
      }
      return false;
    };

    const finishCurrent = async (failed: boolean): Promise<void> => {
      const c = current!;
      current = undefined;
      c.state.finished = !failed;
      c.state.failed ||= failed;
      await c.scanner.close().catch(() => {});
      settle(c.state);
    };

    /**
     * A batch just scanned from the current file, with the file's metadata, and its ack.
     * `made`: every message came from `newMessage`, so it has the metadata and nothing else.
     */
    const fresh = (c: Current, messages: Message[], made: boolean): InputBatch => {
      if (!made) {
        for (let j = 0; j < messages.length; j++) {
          const m = messages[j]!;
          if (m.metaSize === 0) messages[j] = c.newMessage(m.asBytes());
          else if (!hasAll(m, c.meta)) for (const [k, v] of c.meta) m.setMeta(k, v);
        }
      }
      c.state.outstanding++;
      // A replay of a message made by newMessage is made again from its bytes: no copy kept per message.
      return { messages, ack: replay.ackFor(messages, batchDone, c.state, made ? c.newMessage : undefined) };
    };

    const input: Input = {
      async connect() {
        queue ??= await expandGlobs(conf.paths);
      },
      async read(): Promise<InputBatch | null> {
        const again = replay.shift();
        if (again) return again;
        for (;;) {
          if (!current && !(await openNext())) {
            // Every file was read: wait for what is still in flight, which may need replaying.
            return replay.endOfInput(res);
          }
          let messages: Message[] | null;
          try {
            messages = await current!.scanner.next();
          } catch (e) {
            if (closed) return null;
            res.logger.error(`failed to read file ${current!.state.path}: ${errorMessage(e)}`);
            await finishCurrent(true);
            continue;
          }
          // Closed while the scanner was reading: the file was not read to its end.
          if (closed) return null;
          if (messages === null) {
            await finishCurrent(false);
            continue;
          }
          if (messages.length === 0) continue;
          const c = current!;
          return fresh(c, messages, isReadyScanner(c.scanner) && c.scanner.usesNewMessage);
        }
      },
      readReady(max: number): InputBatch[] {
        const out: InputBatch[] = [];
        while (out.length < max) {
          const again = replay.shift();
          if (again) {
            out.push(again);
            continue;
          }
          const c = current;
          if (!c || closed || !isReadyScanner(c.scanner)) break;
          const messages = c.scanner.nextReady();
          if (messages === null) break;
          if (messages.length > 0) out.push(fresh(c, messages, c.scanner.usesNewMessage));
        }
        return out;
      },
      async close() {
        closed = true;
        if (current) await current.scanner.close().catch(() => {});
        current = undefined;
      },
    };
    return input;
  },
);

/** Whether the message already has every one of these metadata values (e.g. made by newMessage and passed through). */
function hasAll(m: Message, meta: [string, unknown][]): boolean {
  for (const [k, v] of meta) if (m.getMeta(k) !== v) return false;
  return true;
}
