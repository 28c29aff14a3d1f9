import { registerOutput, field, type Output, type Resources } from '../../plugin/index.js';
import { flush, writeCapacity } from '../_shared/broker_children.js';

registerOutput(
  {
    name: 'resource',
    summary: 'Sends messages to an output resource, identified by its label.',
    description:
      'The resource is shared by every reference to it and is not closed when one reference closes: it lives as long as the stream.',
    categories: ['Utility'],
    config: field.string('', 'The label of an output declared under `output_resources`.').default('').spec,
    examples: [
      {
        title: 'Referring to a labelled output',
        config: 'output:\n  resource: foo\noutput_resources:\n  - label: foo\n    stdout: {}\n',
      },
    ],
  },
  async (label: string, res: Resources): Promise<Output> => {
    const target = await res.getOutputResource(label);
    // At shutdown a batching resource must not sit on a partial batch until the shutdown timeout.
    res.signal.addEventListener('abort', () => flush(target), { once: true });
    return {
      maxInFlight: writeCapacity(target),
      connect: () => target.connect(),
      write(batch) {
        const p = target.write(batch);
        if (res.signal.aborted) flush(target);
        return p;
      },
      // Shared with other references: not ours to close.
      async close() {},
    };
  },
);
