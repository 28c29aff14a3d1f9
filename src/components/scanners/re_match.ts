import { registerScanner, field, objectConfig, Message, type Scanner } from '../../plugin/index.js';
import { RE2JS } from 're2js';
import { ChunkedReader } from '../_shared/chunked_reader.js';

registerScanner(
  {
    name: 're_match',
    summary: 'Split an input stream into segments matching against a regular expression.',
    description:
      'Each message starts where the pattern matches and runs until the next match, so a pattern matching the start of a log entry keeps multi-line entries (stack traces) together. ' +
      'Data before the first match is a message of its own. The pattern uses RE2 syntax, as in Benthos.',
    config: objectConfig([
      field
        .string('pattern', 'The pattern to match against.')
        .examples('(?m)^\\d\\d:\\d\\d:\\d\\d')
        .check((v) => {
          try {
            RE2JS.compile(String(v));
            return undefined;
          } catch (e) {
            return `invalid regular expression: ${(e as Error).message}`;
          }
        }),
      field.int('max_buffer_size', 'Set the maximum buffer size for storing line data, this limits the maximum size that a message can be without causing an error.').default(65536),
    ]),
  },
  (conf: { pattern: string; max_buffer_size: number }) => {
    const re = RE2JS.compile(conf.pattern);
    return {
      create(stream): Scanner {
        const reader = new ChunkedReader(stream);
        let buf: Buffer = Buffer.alloc(0);
        let ended = false;

        /** Go's split function: the next segment and how far to advance, or null for "need more". */
        const split = (): Buffer | null => {
          if (buf.length === 0) return null;
          const m = re.matcher(buf);
          const first = m.find() ? m.start() : -1;
          const second = first >= 0 && m.find() ? m.start() : -1;
          let cut: number;
          if (first < 0) {
            if (!ended) return null;
            cut = buf.length;
          } else if (second < 0) {
            if (!ended) return null;
            cut = first === 0 ? buf.length : first;
          } else cut = first === 0 ? second : first;
          const token = buf.subarray(0, cut);
          buf = buf.subarray(cut);
          return token;
        };

        return {
          async next() {
            for (;;) {
              const token = split();
              if (token !== null) return [Message.fromBytes(token)];
              if (ended) return null;
              if (conf.max_buffer_size > 0 && buf.length > conf.max_buffer_size) {
                throw new Error(`bufio.Scanner: token too long (a segment is longer than max_buffer_size, ${conf.max_buffer_size} bytes)`);
              }
              const chunk = await reader.next();
              if (chunk === null) ended = true;
              else buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
            }
          },
          async close() {
            reader.destroy();
          },
        };
      },
    };
  },
);
