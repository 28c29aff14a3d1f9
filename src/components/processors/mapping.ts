import { registerProcessor, field, compileMapping, messageProcessor, type Processor } from '../../plugin/index.js';

registerProcessor(
  {
    name: 'mapping',
    summary: 'Maps each message to a new document with a Bloblang mapping; metadata is kept unless the mapping changes it.',
    categories: ['Mapping'],
    config: field.bloblang('', 'A Bloblang mapping.').spec,
    examples: [
      {
        title: 'Reshape a document',
        config: 'pipeline:\n  processors:\n    - mapping: |\n        root.id = this.user.id\n        root.name = this.user.name.uppercase()\n',
      },
    ],
  },
  (src: string): Processor => {
    const m = compileMapping(src);
    return messageProcessor((_msg, batch, i) => m.mapPart(batch, i));
  },
);
