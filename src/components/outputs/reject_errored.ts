import { registerOutput, field, SluiceError, type Batch, type ComponentConfig, type Output, type Resources } from '../../plugin/index.js';
import { ChildOutputs } from '../_shared/broker_children.js';
import { DeliveryMemory, copyBatch } from '../_shared/broker_delivery_memory.js';

registerOutput(
  {
    name: 'reject_errored',
    summary: 'Rejects messages that failed a processing step (nack at the input); sends the others to a child output.',
    description:
      'Messages without a processing error go to the child output. When a batch holds messages flagged with an error, the ' +
      'write fails with the first such error once the others were delivered; if the batch is written again, the child is ' +
      'not sent the good messages a second time.',
    categories: ['Utility'],
    config: field.output('', 'The output that receives messages without errors.').spec,
    examples: [
      {
        title: 'Rejecting failed messages',
        config: "pipeline:\n  processors:\n    - mutation: 'root.age = this.fuzzy.age.int64()'\noutput:\n  reject_errored:\n    stdout: {}\n",
      },
    ],
  },
  async (conf: ComponentConfig, res: Resources): Promise<Output> => {
    const children = await ChildOutputs.build([conf], res);
    const memory = new DeliveryMemory();
    return {
      maxInFlight: children.maxInFlightMax(),
      connect: () => children.connect(),
      async write(batch) {
        const good: Batch = [];
        let firstError: Error | null = null;
        for (const m of batch) {
          if (m.error === null) good.push(m);
          else firstError ??= m.error;
        }
        if (good.length > 0 && !memory.has(batch, 0)) {
          await children.write(0, copyBatch(good));
          memory.remember(batch, 0);
        }
        if (firstError) throw new SluiceError('E_REJECTED', firstError.message);
        memory.forget(batch);
      },
      close: () => children.close(),
    };
  },
);
