import {
  registerOutput,
  field,
  objectConfig,
  parseDuration,
  Backoff,
  sleep,
  toError,
  type ComponentConfig,
  type Output,
  type Resources,
} from '../../plugin/index.js';
import { ChildOutputs } from '../_shared/broker_children.js';
import { copyBatch } from '../_shared/broker_delivery_memory.js';

interface RetryConfig {
  max_retries: number;
  backoff: { initial_interval: string; max_interval: string; max_elapsed_time: string };
  output: ComponentConfig;
}

registerOutput(
  {
    name: 'retry',
    summary: 'Retries a failed write to its child output, until success or until max_retries or max_elapsed_time is reached.',
    description:
      'Unlike the retries every output gets (which start the message over from the source), this retries only the write, ' +
      'so processors before the output are not applied again. When it gives up, the last error goes to the parent.',
    categories: ['Utility'],
    config: objectConfig([
      field
        .int('max_retries', 'The maximum number of retries before giving up on the request. If set to zero there is no discrete limit.')
        .default(0)
        .advanced()
        .check((v) => ((v as number) < 0 ? 'must not be negative' : undefined)),
      field
        .object('backoff', 'Control time intervals between retry attempts.', [
          field.duration('initial_interval', 'The initial period to wait between retry attempts.').default('500ms'),
          field.duration('max_interval', 'The maximum period to wait between retry attempts.').default('3s'),
          field.duration('max_elapsed_time', 'The maximum period to wait before retry attempts are abandoned. If zero then no limit is used.').default('0s'),
        ])
        .advanced(),
      field.output('output', 'A child output.'),
    ]),
  },
  async (conf: RetryConfig, res: Resources): Promise<Output> => {
    const children = await ChildOutputs.build([conf.output], res);
    const initialMs = parseDuration(conf.backoff.initial_interval);
    const maxMs = parseDuration(conf.backoff.max_interval);
    const maxElapsedMs = parseDuration(conf.backoff.max_elapsed_time);
    return {
      maxInFlight: children.maxInFlightMax(),
      connect: () => children.connect(),
      async write(batch) {
        // Benthos's defaults for exponential backoff: x1.5 per attempt, +/-50% randomisation.
        const backoff = new Backoff({ initialMs, maxMs, maxElapsedMs, multiplier: 1.5, jitter: 0.5 });
        for (let retries = 0; ; retries++) {
          try {
            await children.write(0, copyBatch(batch));
            return;
          } catch (e) {
            const err = toError(e);
            if (children.closing.aborted) throw err;
            if (conf.max_retries > 0 && retries >= conf.max_retries) throw err;
            const wait = backoff.next();
            if (wait < 0) throw err;
            res.logger.warn(`failed to send a batch of ${batch.length}: ${err.message}; retrying in ${Math.round(wait)}ms`);
            if (!(await sleep(wait, children.closing))) throw err;
          }
        }
      },
      close: () => children.close(),
    };
  },
);
