import { registerProcessor, field, type Processor, type Resources, type ComponentConfig } from '../../plugin/index.js';
import { asSingleBatch, singletons, stepOverBatches } from '../_shared/flow_batches.js';

registerProcessor(
  {
    name: 'for_each',
    summary: 'Applies a list of child processors to the messages of a batch as though they were each a batch of one message.',
    description:
      'Useful to make batch-wide processors (such as `dedupe`, or interpolations that look across a batch) work on each message on its own. ' +
      'Most processors already work per message, and do not need this. The results are gathered back into one batch, in order.',
    categories: ['Composition'],
    config: field.array('', 'Processors to apply to each message.', field.processor('')).default([]).spec,
  },
  async (confs: ComponentConfig[], res: Resources): Promise<Processor> => {
    const children = await res.buildProcessors(confs);
    return {
      async processBatch(batch) {
        let batches = singletons(batch);
        for (const child of children) {
          if (batches.length === 0) break;
          batches = await stepOverBatches(res, child, batches);
        }
        return asSingleBatch(batches);
      },
      async close() {
        for (const c of children) await c.close?.();
      },
    };
  },
);
