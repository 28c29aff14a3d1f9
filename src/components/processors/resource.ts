import { registerProcessor, field, type Processor, type Resources } from '../../plugin/index.js';

registerProcessor(
  {
    name: 'resource',
    summary: 'Runs a processor resource, identified by its label.',
    description: 'The resource is shared by every reference to it and is not closed when one reference closes.',
    categories: ['Utility'],
    config: field.string('', 'The label of a processor declared under `processor_resources`.').default('').spec,
    examples: [
      {
        title: 'Referring to a labelled processor',
        config: 'pipeline:\n  processors:\n    - resource: foo_proc\nprocessor_resources:\n  - label: foo_proc\n    mapping: root = content().uppercase()\n',
      },
    ],
  },
  async (label: string, res: Resources): Promise<Processor> => {
    const target = await res.getProcessorResource(label);
    // Shared with other references: no close of our own.
    return { processBatch: (batch) => target.processBatch(batch) };
  },
);
