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
        return writeStdout(codec.encode(batch));
      },
      // Batches that queued behind a busy write go out in one write(2) (each framed as its own batch).
      writeMany(batches) {
        return writeStdout(codec.encodeMany(batches));
      },
      async close() {},
    };
  },
);

/** Resolves only once the bytes left the process (or were queued by the kernel pipe). */
function writeStdout(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(bytes, (err) => (err ? reject(err) : resolve()));
  });
}
