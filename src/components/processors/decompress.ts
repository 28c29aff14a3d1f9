import { registerProcessor, field, objectConfig, messageProcessor, type Processor, type Resources } from '../../plugin/index.js';
import { DECOMPRESS_ALGORITHMS, decompressor } from '../_shared/proc_compression.js';

registerProcessor(
  {
    name: 'decompress',
    summary: `Decompresses messages according to the selected algorithm. Supported decompression algorithms are: [${DECOMPRESS_ALGORITHMS.join(' ')}]`,
    description:
      'Snappy input is the block format and lz4 input is the frame format, as Benthos reads them; gzip input may hold several concatenated members. A message that fails to decompress is flagged with the error and passes on unchanged.',
    categories: ['Parsing'],
    config: objectConfig([field.string('algorithm', 'The decompression algorithm to use.').options(...DECOMPRESS_ALGORITHMS)]),
  },
  (conf: { algorithm: string }, res: Resources): Processor => {
    const decompress = decompressor(conf.algorithm);
    return messageProcessor((msg) => {
      let bytes: Buffer;
      try {
        bytes = decompress(msg.asBytes());
      } catch (e) {
        res.logger.error(`Failed to decompress message part: ${(e as Error).message}`);
        throw e;
      }
      const out = msg.copy();
      out.setBytes(bytes);
      return out;
    });
  },
);
