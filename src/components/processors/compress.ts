import { registerProcessor, field, objectConfig, messageProcessor, type Processor, type Resources } from '../../plugin/index.js';
import { COMPRESS_ALGORITHMS, compressor } from '../_shared/proc_compression.js';

registerProcessor(
  {
    name: 'compress',
    summary: `Compresses messages according to the selected algorithm. Supported compression algorithms are: [${COMPRESS_ALGORITHMS.join(' ')}]`,
    description:
      "The 'level' field might not apply to all algorithms: gzip, pgzip, zlib and flate take -2 (Huffman only), -1 (default) and 0 to 9; zstd maps levels onto its fastest (below 3), default (3-5), better (6-9) and best (10 and up) settings; snappy and lz4 ignore it.\n\n" +
      'Snappy output is the block format and lz4 output is the frame format, as Benthos writes them. A message that fails to compress is flagged with the error and passes on unchanged.',
    categories: ['Parsing'],
    config: objectConfig([
      field.string('algorithm', 'The compression algorithm to use.').options(...COMPRESS_ALGORITHMS),
      field.int('level', 'The level of compression to use. May not be applicable to all algorithms.').default(-1),
    ]),
  },
  (conf: { algorithm: string; level: number }, res: Resources): Processor => {
    const compress = compressor(conf.algorithm, conf.level);
    return messageProcessor((msg) => {
      let bytes: Buffer;
      try {
        bytes = compress(msg.asBytes());
      } catch (e) {
        res.logger.error(`Failed to compress message: ${(e as Error).message}`);
        throw e;
      }
      const out = msg.copy();
      out.setBytes(bytes);
      return out;
    });
  },
);
