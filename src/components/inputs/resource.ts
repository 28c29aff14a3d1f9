import { registerInput, field, type Input, type Resources } from '../../plugin/index.js';

registerInput(
  {
    name: 'resource',
    summary: 'Reads messages from an input resource, identified by its label.',
    categories: ['Utility'],
    config: field.string('', 'The label of an input declared under `input_resources`.').default('').spec,
    examples: [
      {
        title: 'Referring to labelled inputs',
        config:
          'input:\n  broker:\n    inputs:\n      - resource: foo\n      - resource: bar\ninput_resources:\n' +
          '  - label: foo\n    generate:\n      count: 1\n      mapping: root = "foo"\n  - label: bar\n    generate:\n      count: 1\n      mapping: root = "bar"\n',
      },
    ],
  },
  async (label: string, res: Resources): Promise<Input> => {
    const target = await res.getInputResource(label);
    return {
      connect: () => target.connect(),
      read: () => target.read(),
      close: () => target.close(),
    };
  },
);
