import { registerScanner, field, objectConfig, Message } from '../../plugin/index.js';
import { ChunkedReader } from '../_shared/chunked_reader.js';
import { DelimitedSplitter } from '../_shared/delimited_splitter.js';
import type { ReadyScanner, ScannerDetails } from '../_shared/scanner_ready.js';

registerScanner(
  {
    name: 'lines',
    summary: 'Splits a stream of bytes into a message per line (or per custom delimiter).',
    description: 'A trailing carriage return is removed from each line (unless a custom delimiter is used).',
    config: objectConfig([
      field.string('custom_delimiter', 'Split on this sequence instead of line breaks.').optional(),
      field.int('max_buffer_size', 'The longest line accepted, in bytes.').default(65536),
      field.bool('omit_empty', 'Skip empty lines instead of emitting empty messages.').default(false),
    ]),
  },
  (conf: { custom_delimiter?: string; max_buffer_size: number; omit_empty: boolean }) => ({
    create(stream, details: ScannerDetails): ReadyScanner {
      const newMessage = details.newMessage ?? Message.fromBytes;
      const custom = conf.custom_delimiter !== undefined && conf.custom_delimiter !== '';
      const splitter = new DelimitedSplitter(Buffer.from(custom ? conf.custom_delimiter! : '\n'), conf.max_buffer_size);
      const reader = new ChunkedReader(stream);
      // Lines are cut from the current chunk as they are taken (pull mode), so what is alive at
      // once is what the engine took, not a view of every line of the chunk.
      let tail: Buffer | null = null;
      let done = false;
      const take = (): Message[] | null => {
        for (;;) {
          let line = splitter.nextPart();
          if (line === null) {
            if (tail === null) return null;
            line = tail;
            tail = null;
          }
          if (!custom && line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
          if (line.length === 0 && conf.omit_empty) continue;
          return [newMessage(line)];
        }
      };
      return {
        nextReady: take,
        usesNewMessage: details.newMessage !== undefined,
        async next() {
          for (;;) {
            const got = take();
            if (got) return got;
            if (done) return null;
            const chunk = await reader.next();
            if (chunk === null) {
              done = true;
              tail = splitter.end();
            } else splitter.feed(chunk);
          }
        },
        async close() {
          reader.destroy();
        },
      };
    },
  }),
);
