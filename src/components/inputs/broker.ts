import {
  registerInput,
  field,
  objectConfig,
  batchingField,
  parseBatchPolicy,
  SluiceError,
  errorMessage,
  type BatchPolicy,
  type ComponentConfig,
  type Input,
  type InputBatch,
  type Resources,
} from '../../plugin/index.js';
import { FanIn } from '../_shared/broker_fan_in.js';
import { InputBatcher } from '../_shared/broker_input_batcher.js';

interface BrokerInputConfig {
  copies: number;
  inputs: ComponentConfig[];
  batching: Parameters<typeof parseBatchPolicy>[0];
}

/** A policy that never groups anything (no limit set) leaves batches as the children made them. */
function groups(p: BatchPolicy): boolean {
  return p !== undefined && (p.count > 1 || p.byteSize > 0 || p.periodMs > 0 || p.check !== undefined);
}

registerInput(
  {
    name: 'broker',
    summary: 'Combines several inputs into one stream, reading each of them in parallel.',
    description:
      'Each child is read concurrently and acknowledgements go back to the child a batch came from. Processors on a child run ' +
      'on its messages only; processors on the broker run after them, on every message. With `batching`, batches from all ' +
      'children are combined before the pipeline. The broker ends once every child has ended.',
    categories: ['Utility'],
    config: objectConfig([
      field
        .int('copies', 'Whatever is specified within `inputs` will be created this many times.')
        .default(1)
        .advanced()
        .check((v) => ((v as number) < 1 ? 'must be at least 1' : undefined)),
      field.inputs('inputs', 'A list of inputs to create.'),
      batchingField(),
    ]),
    examples: [
      {
        title: 'Two sources into one stream',
        config:
          'input:\n  broker:\n    inputs:\n      - generate:\n          count: 3\n          interval: ""\n          mapping: root = "a"\n' +
          '      - generate:\n          count: 3\n          interval: ""\n          mapping: root = "b"\noutput:\n  stdout: {}\n',
      },
    ],
  },
  async (conf: BrokerInputConfig, res: Resources): Promise<Input> => {
    if (conf.inputs.length === 0) throw new SluiceError('E_CONFIG', 'broker input needs at least one child in inputs');
    const children: Input[] = [];
    for (let c = 0; c < conf.copies; c++) for (const child of conf.inputs) children.push(await res.buildInput(child));
    const fanIn = new FanIn(children, res.logger);
    const policy = await parseBatchPolicy(conf.batching, res);
    const take = (): Promise<InputBatch | null> => fanIn.take();
    let read = take;
    if (policy && groups(policy)) {
      const batcher = new InputBatcher(take, policy, res);
      read = () => batcher.read();
    } else if (policy?.processors && policy.processors.length > 0) {
      // Batch processors without any limit: each child batch is its own flush.
      const procs = policy.processors;
      read = async () => {
        const b = await take();
        if (b === null) return null;
        const processed = (await res.runProcessors(procs, b.messages)).flat();
        return { messages: processed, batches: [processed], ack: b.ack } as InputBatch;
      };
    }
    return {
      // Children connect themselves (with retries) when they are first read.
      async connect() {},
      read,
      async close() {
        fanIn.stop();
        const results = await Promise.allSettled(children.map((c) => c.close()));
        for (const r of results) if (r.status === 'rejected') res.logger.error(`failed to close a child input: ${errorMessage(r.reason)}`);
      },
    };
  },
);
