import { registerScanner, field, objectConfig, Message, type Scanner } from '../../plugin/index.js';
import { ChunkedReader } from '../_shared/chunked_reader.js';

registerScanner(
  {
    name: 'chunker',
    summary: 'Split an input stream into chunks of a given number of bytes.',
    description: 'Every message holds exactly `size` bytes, except the last one of the stream, which holds what is left.',
    config: objectConfig([
      field.int('size', 'The size of each chunk in bytes.').check((v) => ((v as number) < 1 ? 'must be at least 1' : undefined)),
    ]),
  },
  (conf: { size: number }) => ({
    create(stream): Scanner {
      const reader = new ChunkedReader(stream);
      const size = conf.size;
      // Bytes read but not emitted yet: whole chunks plus an offset into the first one.
      let held: Buffer[] = [];
      let heldBytes = 0;
      let offset = 0;
      let ended = false;

      /** Take `n` bytes off the front (n <= heldBytes), without copying when they sit in one chunk. */
      const take = (n: number): Buffer => {
        const first = held[0]!;
        if (first.length - offset >= n) {
          const out = first.subarray(offset, offset + n);
          offset += n;
          if (offset === first.length) {
            held.shift();
            offset = 0;
          }
          heldBytes -= n;
          return out;
        }
        const out = Buffer.allocUnsafe(n);
        let filled = 0;
        while (filled < n) {
          const c = held[0]!;
          const k = Math.min(n - filled, c.length - offset);
          c.copy(out, filled, offset, offset + k);
          filled += k;
          offset += k;
          if (offset === c.length) {
            held.shift();
            offset = 0;
          }
        }
        heldBytes -= n;
        return out;
      };

      return {
        async next() {
          while (heldBytes < size && !ended) {
            const c = await reader.next();
            if (c === null) ended = true;
            else if (c.length > 0) {
              held.push(c);
              heldBytes += c.length;
            }
          }
          if (heldBytes === 0) return null;
          return [Message.fromBytes(take(Math.min(size, heldBytes)))];
        },
        async close() {
          held = [];
          reader.destroy();
        },
      };
    },
  }),
);
