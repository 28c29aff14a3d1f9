import { registerScanner, objectConfig, Message, type Scanner } from '../../plugin/index.js';
import { ChunkedReader } from '../_shared/chunked_reader.js';

registerScanner(
  {
    name: 'to_the_end',
    summary: 'Read the input stream all the way until the end and deliver it as a single message.',
    description:
      'Some sources of data may not have a logical end, therefore caution should be made to exclusively use this scanner when the end of an input stream is clearly defined (and well within memory). ' +
      'An empty stream gives one empty message.',
    config: objectConfig([]),
  },
  () => ({
    create(stream): Scanner {
      const reader = new ChunkedReader(stream);
      let done = false;
      return {
        async next() {
          if (done) return null;
          const chunks: Buffer[] = [];
          for (let c = await reader.next(); c !== null; c = await reader.next()) chunks.push(c);
          done = true;
          return [Message.fromBytes(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks))];
        },
        async close() {
          reader.destroy();
        },
      };
    },
  }),
);
