import { registerScanner, field, objectConfig, Message, type Scanner } from '../../plugin/index.js';
import { ChunkedReader } from '../_shared/chunked_reader.js';
import { DelimitedSplitter } from '../_shared/delimited_splitter.js';

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
    create(stream): Scanner {
      const custom = conf.custom_delimiter !== undefined && conf.custom_delimiter !== '';
      const splitter = new DelimitedSplitter(Buffer.from(custom ? conf.custom_delimiter! : '\n'), conf.max_buffer_size);
      const reader = new ChunkedReader(stream);
      const ready: Buffer[] = [];
      let head = 0;
      let done = false;
      const take = (): Message[] | null => {
        while (head < ready.length) {
          let line = ready[head++]!;
          if (!custom && line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
          if (line.length === 0 && conf.omit_empty) continue;
          return [Message.fromBytes(line)];
        }
        ready.length = 0;
        head = 0;
        return null;
      };
      return {
        async next() {
          for (;;) {
            const got = take();
            if (got) return got;
            if (done) return null;
            const chunk = await reader.next();
            if (chunk === null) {
              done = true;
              const tail = splitter.end();
              if (tail) ready.push(tail);
            } else splitter.push(chunk, ready);
          }
        },
        async close() {
          reader.destroy();
        },
      };
    },
  }),
);
