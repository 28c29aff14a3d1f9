import { registerProcessor, field, objectConfig, compileInterpolation, errorMessage, type Batch, type Processor, type Resources } from '../../plugin/index.js';

registerProcessor(
  {
    name: 'group_by_value',
    summary:
      'Splits a batch of messages into N batches, where each resulting batch contains a group of messages determined by a function interpolated string evaluated per message.',
    description:
      'This allows you to group messages using arbitrary fields within their content or metadata, process them individually, and send them to unique locations as per their group. ' +
      'Groups are returned in the order their first message appeared, each keeping the order of its messages. This only makes sense on batched messages.',
    categories: ['Composition'],
    config: objectConfig([
      field.interpolated('value', 'The interpolated string to group based on.').examples('${! meta("kafka_key") }', '${! json("foo.bar") }-${! meta("baz") }'),
    ]),
    examples: [
      {
        title: 'Group by Kafka key',
        summary: 'Group messages by their key and archive each group.',
        config: 'pipeline:\n  processors:\n    - group_by_value:\n        value: ${! metadata("kafka_key") }\n    - archive:\n        format: tar\n',
      },
    ],
  },
  (conf: { value: string }, res: Resources): Processor => {
    const value = compileInterpolation(conf.value);
    return {
      processBatch(batch) {
        if (value.isStatic) return [batch];
        const groups = new Map<string, Batch>();
        for (let i = 0; i < batch.length; i++) {
          let key: string;
          try {
            key = value.render(batch, i);
          } catch (e) {
            // A value that cannot be computed groups with the other failures under ''.
            res.logger.error(`Failed to compute group value: ${errorMessage(e)}`);
            key = '';
          }
          let g = groups.get(key);
          if (!g) groups.set(key, (g = []));
          g.push(batch[i]!);
        }
        return [...groups.values()];
      },
    };
  },
);
