import { registerOutput, field, toError, SluiceError, type ComponentConfig, type Output, type Resources } from '../../plugin/index.js';
import { ChildOutputs } from '../_shared/broker_children.js';
import { copyBatch } from '../_shared/broker_delivery_memory.js';

registerOutput(
  {
    name: 'fallback',
    summary: 'Tries each child output in order until one accepts the batch; later tiers get a `fallback_error` metadata field.',
    description:
      'A batch goes to the first output; if that fails it goes to the second, and so on. The messages given to a later tier ' +
      'carry the metadata field `fallback_error` with the text of the previous tier\'s error. When every tier failed, the write ' +
      'fails with the last error. Sluice passes the whole batch on to the next tier (it does not try to single out the messages ' +
      'that failed within a batch).',
    categories: ['Utility'],
    config: field.outputs('', 'The outputs to try, in order.').spec,
    examples: [
      {
        title: 'Fall back to a second output',
        config: 'output:\n  fallback:\n    - stdout: {}\n    - drop: {}\n',
      },
    ],
  },
  async (confs: ComponentConfig[], res: Resources): Promise<Output> => {
    if (confs.length === 0) throw new SluiceError('E_CONFIG', 'fallback output needs at least one child output');
    const children = await ChildOutputs.build(confs, res);
    return {
      maxInFlight: children.maxInFlightMax(),
      connect: () => children.connect(),
      async write(batch) {
        let lastErr: Error | undefined;
        for (let i = 0; i < children.length; i++) {
          const attempt = copyBatch(batch);
          if (lastErr) for (const m of attempt) m.setMeta('fallback_error', lastErr.message);
          try {
            await children.write(i, attempt);
            return;
          } catch (e) {
            lastErr = toError(e);
            if (i + 1 < children.length) res.logger.debug(`fallback tier ${i} failed: ${lastErr.message}; trying tier ${i + 1}`);
          }
        }
        throw lastErr!;
      },
      close: () => children.close(),
    };
  },
);
