import { registerProcessor, field, compileMapping, type Processor, type Batch } from '../../plugin/index.js';

registerProcessor(
  {
    name: 'mutation',
    summary: 'Changes each message in place with a Bloblang mapping: root starts as the message, fields not assigned are kept.',
    categories: ['Mapping'],
    config: field.bloblang('', 'A Bloblang mapping.').spec,
  },
  (src: string): Processor => {
    const m = compileMapping(src);
    return {
      processBatch(batch: Batch) {
        const out: Batch = [];
        for (let i = 0; i < batch.length; i++) {
          try {
            if (m.mutatePart(batch, i)) out.push(batch[i]!);
          } catch (e) {
            batch[i]!.error = e as Error;
            out.push(batch[i]!);
          }
        }
        return [out];
      },
    };
  },
);
