import { registerProcessor, field, compileMapping, messageProcessor, type Processor } from '../../plugin/index.js';

registerProcessor(
  {
    name: 'bloblang',
    summary: 'Executes a Bloblang mapping on messages. The older name of the `mapping` processor, with the same behaviour.',
    description:
      'Each message is mapped to a new document; metadata is kept unless the mapping changes it. A mapping that fails leaves the message unchanged and flags it with the error, ' +
      'so standard error handling (`catch`, `errored()`) applies. A mapping assigning `deleted()` to the root drops the message.',
    categories: ['Mapping', 'Parsing'],
    config: field.bloblang('', 'A Bloblang mapping.').spec,
    examples: [
      {
        title: 'Mapping',
        summary: 'Keep only the fans with an obsession score above 0.5.',
        config: 'pipeline:\n  processors:\n  - bloblang: |\n      root = this\n      root.fans = this.fans.filter(fan -> fan.obsession > 0.5)\n',
      },
    ],
  },
  (src: string): Processor => {
    const m = compileMapping(src);
    return messageProcessor((_msg, batch, i) => m.mapPart(batch, i));
  },
);
