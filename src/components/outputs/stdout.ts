import { registerOutput, field, objectConfig, type Output } from '../../plugin/index.js';
import { makeCodec, checkCodec } from '../_shared/codec_writer.js';

registerOutput(
  {
    name: 'stdout',
    summary: 'Writes messages to stdout, each followed by a line break by default.',
    categories: ['Local'],
    config: objectConfig([
      field.string('codec', 'How messages are delimited in the byte stream: lines, delim:<x>, append.').default('lines').check(checkCodec),
    ]),
  },
  (conf: { codec: string }): Output => {
    const codec = makeCodec(conf.codec);
    return {
      async connect() {},
      write(batch) {
        const bytes = codec.encode(batch);
        // Resolve only once the bytes left the process (or were queued by the kernel pipe).
        return new Promise((resolve, reject) => {
          process.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
        });
      },
      async close() {},
    };
  },
);
