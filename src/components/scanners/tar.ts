import { pipeline } from 'node:stream';
import tarStream from 'tar-stream';
import { registerScanner, objectConfig, Message, type Scanner } from '../../plugin/index.js';
import { destroyStream } from '../_shared/scanner_stream.js';

registerScanner(
  {
    name: 'tar',
    summary: 'Consume a tar archive file by file.',
    description: [
      'Every entry of the archive becomes one message holding its content (directory entries give empty messages, as in Benthos).',
      'Each entry is held in memory whole while it is read; the archive itself is streamed.',
      '',
      '### Metadata',
      '',
      'This scanner adds the following metadata to each message:',
      '',
      '- `tar_name`',
    ].join('\n'),
    config: objectConfig([]),
  },
  () => ({
    create(stream): Scanner {
      const extract = tarStream.extract();
      // Errors of either side surface through the extractor's iterator.
      pipeline(stream as NodeJS.ReadableStream, extract, () => {});
      const entries = extract[Symbol.asyncIterator]();
      let done = false;
      return {
        async next() {
          if (done) return null;
          const r = await entries.next();
          if (r.done) {
            done = true;
            return null;
          }
          const entry = r.value;
          const chunks: Buffer[] = [];
          for await (const c of entry) chunks.push(c as Buffer);
          const m = Message.fromBytes(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
          m.setMeta('tar_name', entry.header.name);
          return [m];
        },
        async close() {
          done = true;
          extract.destroy();
          destroyStream(stream);
        },
      };
    },
  }),
);
