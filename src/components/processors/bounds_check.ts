import { registerProcessor, field, objectConfig, type Processor, type Resources } from '../../plugin/index.js';

interface BoundsCheckConfig {
  max_part_size: number;
  min_part_size: number;
  max_parts: number;
  min_parts: number;
}

registerProcessor(
  {
    name: 'bounds_check',
    summary: 'Removes messages (and batches) that do not fit within certain size boundaries.',
    description:
      'A batch with fewer than `min_parts` or more than `max_parts` messages is dropped, and so is a whole batch in which any message is smaller than `min_part_size` or larger than `max_part_size` bytes. Dropped messages are acknowledged.',
    categories: ['Utility'],
    config: objectConfig([
      field.int('max_part_size', 'The maximum size of a message to allow (in bytes)').default(1024 * 1024 * 1024),
      field.int('min_part_size', 'The minimum size of a message to allow (in bytes)').default(1),
      field.int('max_parts', 'The maximum size of message batches to allow (in message count)').default(100).advanced(),
      field.int('min_parts', 'The minimum size of message batches to allow (in message count)').default(1).advanced(),
    ]),
  },
  (conf: BoundsCheckConfig, res: Resources): Processor => ({
    processBatch(batch) {
      const n = batch.length;
      if (n < conf.min_parts) {
        res.logger.debug(`Rejecting message due to message parts below minimum (${conf.min_parts}): ${n}`);
        return [];
      }
      if (n > conf.max_parts) {
        res.logger.debug(`Rejecting message due to message parts exceeding limit (${conf.max_parts}): ${n}`);
        return [];
      }
      for (const msg of batch) {
        const size = msg.byteLength;
        if (size > conf.max_part_size || size < conf.min_part_size) {
          // One message out of bounds rejects its whole batch, as in Benthos.
          res.logger.debug(`Rejecting message due to message part size (${conf.min_part_size} -> ${conf.max_part_size}): ${size}`);
          return [];
        }
      }
      return [batch];
    },
  }),
);
