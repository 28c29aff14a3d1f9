import { registerProcessor, field, objectConfig, type Processor, type Resources, type ComponentConfig } from '../../plugin/index.js';
import { asSingleBatch, mapConcurrent, runOnMessage } from '../_shared/flow_batches.js';

interface ParallelConfig {
  cap: number;
  processors: ComponentConfig[];
}

registerProcessor(
  {
    name: 'parallel',
    summary:
      'Applies a list of child processors to the messages of a batch as though they were each a batch of one message (like `for_each`), but processes the messages in parallel.',
    description:
      'The field `cap`, if greater than zero, caps the number of messages processed at once. The results are gathered back into one batch in the original order. ' +
      'This only helps when messages are batched, and when the child processors wait on something (network calls).',
    categories: ['Composition'],
    config: objectConfig([
      field.int('cap', 'The maximum number of messages to have processing at a given time.').default(0),
      field.array('processors', 'A list of child processors to apply.', field.processor('')),
    ]),
  },
  async (conf: ParallelConfig, res: Resources): Promise<Processor> => {
    const children = await res.buildProcessors(conf.processors);
    return {
      async processBatch(batch) {
        const results = await mapConcurrent(batch, conf.cap, (msg) => runOnMessage(res, children, msg));
        return asSingleBatch(results);
      },
      async close() {
        for (const c of children) await c.close?.();
      },
    };
  },
);
