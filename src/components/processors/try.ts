import { registerProcessor, field, type Processor, type Resources, type ComponentConfig } from '../../plugin/index.js';
import { asSingleBatch, singletons, stepOverBatches } from '../_shared/flow_batches.js';

registerProcessor(
  {
    name: 'try',
    summary: 'Executes a list of child processors on messages only if no prior processors have failed (or the errors have been cleared).',
    description:
      'Like `for_each`, the child processors see each message as a batch of its own. A message that failed any prior processor, before or during the try block, ' +
      'skips all following processors of the block and keeps its error, so the block can be followed by a `catch`.',
    categories: ['Composition'],
    config: field.array('', 'Processors to apply while a message has not failed.', field.processor('')).default([]).spec,
    examples: [
      {
        title: 'Abandon on failure',
        config: 'pipeline:\n  processors:\n    - try:\n        - resource: foo\n        - resource: bar # Skipped if foo failed\n        - resource: baz # Skipped if foo or bar failed\n',
      },
    ],
  },
  async (confs: ComponentConfig[], res: Resources): Promise<Processor> => {
    const children = await res.buildProcessors(confs);
    return {
      async processBatch(batch) {
        let batches = singletons(batch);
        for (const child of children) {
          if (batches.length === 0) break;
          batches = await stepOverBatches(res, child, batches, (b) => b[0]!.error === null);
        }
        return asSingleBatch(batches);
      },
      async close() {
        for (const c of children) await c.close?.();
      },
    };
  },
);
