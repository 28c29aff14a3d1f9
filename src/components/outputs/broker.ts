import {
  registerOutput,
  field,
  objectConfig,
  batchingField,
  parseBatchPolicy,
  SluiceError,
  type ComponentConfig,
  type Output,
  type Resources,
} from '../../plugin/index.js';
import { ChildOutputs } from '../_shared/broker_children.js';
import { BROKER_PATTERNS, patternWriter, type BrokerPattern } from '../_shared/broker_output_patterns.js';

interface BrokerOutputConfig {
  copies: number;
  pattern: BrokerPattern;
  outputs: ComponentConfig[];
  batching: Parameters<typeof parseBatchPolicy>[0];
}

registerOutput(
  {
    name: 'broker',
    summary: 'Routes messages to several child outputs with a brokering pattern: fan out to all, in sequence, round robin or greedy.',
    description:
      'With `fan_out` every child gets every message in parallel; a child that fails is retried by the broker with backoff, ' +
      'without sending the message again to children that already confirmed it. `fan_out_sequential` does the same one child ' +
      'after the other. The `_fail_fast` variants do not retry: the failure goes to the parent. `round_robin` gives each batch ' +
      'to the next child in turn (a failing child passes it on to the next); `greedy` gives each batch to whichever child is ' +
      'free first. A write completes only once every child that was given the batch confirmed it.',
    categories: ['Utility'],
    config: objectConfig([
      field
        .int('copies', 'The number of copies of each configured output to spawn.')
        .default(1)
        .advanced()
        .check((v) => ((v as number) < 1 ? 'must be at least 1' : undefined)),
      field
        .string('pattern', 'The brokering pattern to use.')
        .default('fan_out')
        .options(...BROKER_PATTERNS),
      field.outputs('outputs', 'A list of child outputs to broker. Each item can be an inline output or a `resource` reference.'),
      batchingField(),
    ]),
    examples: [
      {
        title: 'Send to multiple destinations',
        summary: 'Every message goes to both outputs.',
        config: 'output:\n  broker:\n    pattern: fan_out\n    outputs:\n      - stdout: {}\n      - drop: {}\n',
      },
    ],
  },
  async (conf: BrokerOutputConfig, res: Resources): Promise<Output> => {
    if (conf.outputs.length === 0) throw new SluiceError('E_CONFIG', 'broker output needs at least one child in outputs');
    const children = await ChildOutputs.build(conf.outputs, res, conf.copies);
    const write = patternWriter(conf.pattern, children);
    const spread = conf.pattern === 'round_robin' || conf.pattern === 'greedy';
    return {
      // Patterns that give each batch to one child can keep every child busy at once.
      maxInFlight: spread ? children.maxInFlightSum() : children.maxInFlightMax(),
      batchPolicy: await parseBatchPolicy(conf.batching, res),
      connect: () => children.connect(),
      write,
      close: () => children.close(),
    };
  },
);
