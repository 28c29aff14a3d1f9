import { registerProcessor, field, objectConfig, type Batch, type Processor, type Resources } from '../../plugin/index.js';

registerProcessor(
  {
    name: 'split',
    summary: 'Breaks message batches into smaller batches, by a number of messages and/or a total byte size, whichever limit is reached first.',
    description:
      'A remainder is sent as a batch of its own: with `size: 10`, a batch of 95 messages becomes 9 batches of 10 followed by a batch of 5. To break one message into several use the `unarchive` processor.',
    categories: ['Utility'],
    config: objectConfig([
      field.int('size', 'The target number of messages.').default(1),
      field.int('byte_size', 'An optional target of total message bytes.').default(0),
    ]),
  },
  (conf: { size: number; byte_size: number }, res: Resources): Processor => ({
    processBatch(batch) {
      const out: Batch[] = [];
      let current: Batch = [];
      let bytes = 0;
      for (const msg of batch) {
        // Byte sizes are only needed (and only computed) when a byte limit is set.
        const len = conf.byte_size > 0 ? msg.byteLength : 0;
        if ((conf.size > 0 && current.length >= conf.size) || (conf.byte_size > 0 && bytes + len > conf.byte_size)) {
          if (current.length > 0) {
            out.push(current);
            current = [];
            bytes = 0;
          } else {
            res.logger.warn(`A single message exceeds the target batch byte size of '${conf.byte_size}', actual size: '${len}'`);
          }
        }
        current.push(msg);
        bytes += len;
      }
      if (current.length > 0) out.push(current);
      return out;
    },
  }),
);
