import {
  registerProcessor,
  field,
  objectConfig,
  parseDuration,
  formatDuration,
  Backoff,
  sleep,
  SluiceError,
  type Batch,
  type ComponentConfig,
  type Message,
  type Processor,
  type Resources,
} from '../../plugin/index.js';
import { asSingleBatch, mapConcurrent } from '../_shared/flow_batches.js';

interface RetryConfig {
  backoff: { initial_interval: string; max_interval: string; max_elapsed_time: string };
  processors: ComponentConfig[];
  parallel: boolean;
  max_retries: number;
}

registerProcessor(
  {
    name: 'retry',
    summary: 'Attempts to execute a series of child processors until success.',
    description:
      'Executes the child processors and, if a resulting message is errored, waits for the backoff period and runs the same original message through those ' +
      'processors again. Changes the processors made during a failed attempt are discarded: every attempt starts from the message as it reached the retry. ' +
      'If the child processors result in more than one message, any errored one triggers a retry.\n\n' +
      'When `backoff.max_elapsed_time` or `max_retries` is reached the errored results continue to the next processor, where standard error handling applies. ' +
      'Any error a message carries when it enters the retry is cleared, to avoid permanent loops.\n\n' +
      'Each message is processed in isolation (serially, or in parallel with `parallel: true`). Each resulting message gets the metadata `retry_count` (retries made) ' +
      'and `backoff_duration` (total time spent on them, as a duration string).',
    categories: ['Composition'],
    config: objectConfig([
      field.object('backoff', 'Determine time intervals and cut offs for retry attempts.', [
        field.duration('initial_interval', 'The initial period to wait between retry attempts.').default('500ms').examples('50ms', '1s'),
        field.duration('max_interval', 'The maximum period to wait between retry attempts').default('10s').examples('5s', '1m'),
        field
          .duration(
            'max_elapsed_time',
            'The maximum overall period of time to spend on retry attempts before the request is aborted. Setting this value to a zeroed duration (such as `0s`) will result in unbounded retries.',
          )
          .default('1m')
          .examples('1m', '1h'),
      ]),
      field.array('processors', 'A list of processors to execute on each message.', field.processor('')),
      field
        .bool(
          'parallel',
          'When processing batches of messages these batches are ignored and the processors apply to each message sequentially. However, when this field is set to `true` each message will be processed in parallel.',
        )
        .default(false),
      field
        .int('max_retries', 'The maximum number of retry attempts before the request is aborted. Setting this value to `0` will result in unbounded number of retries.')
        .default(0)
        .check((v) => ((v as number) < 0 ? 'must not be negative' : undefined)),
    ]),
    examples: [
      {
        title: 'Stop ignoring me Taz',
        summary: 'Retry a request for every message until it succeeds, waiting without limit.',
        config:
          'pipeline:\n  processors:\n    - retry:\n        backoff:\n          initial_interval: 100ms\n          max_interval: 5s\n          max_elapsed_time: 0s\n' +
          "        processors:\n          - resource: send_to_taz # e.g. an http processor\n",
      },
    ],
  },
  async (conf: RetryConfig, res: Resources): Promise<Processor> => {
    if (conf.processors.length === 0) throw new SluiceError('E_CONFIG', 'at least one child processor must be specified');
    const children = await res.buildProcessors(conf.processors);
    const initialMs = parseDuration(conf.backoff.initial_interval);
    const maxMs = parseDuration(conf.backoff.max_interval);
    const maxElapsedMs = parseDuration(conf.backoff.max_elapsed_time);

    const dispatch = async (original: Message): Promise<Batch> => {
      // Benthos's exponential backoff defaults: x1.5 per attempt, +/-50% randomisation.
      const backoff = new Backoff({ initialMs, maxMs, maxElapsedMs, multiplier: 1.5, jitter: 0.5 });
      original.error = null;
      const started = Date.now();
      let retries = 0;
      for (;;) {
        // Every attempt starts from the message as it arrived.
        const out = (await res.runProcessors(children, [original.copy()])).flat();
        const failed = out.some((m) => m.error !== null);
        const giveUp = (): boolean => conf.max_retries > 0 && retries >= conf.max_retries;
        let wait = -1;
        if (failed && !giveUp()) wait = backoff.next();
        if (!failed || wait < 0) {
          const elapsed = formatDuration(retries === 0 ? 0 : Date.now() - started);
          for (const m of out) {
            m.setMeta('retry_count', retries);
            m.setMeta('backoff_duration', elapsed);
          }
          if (failed) res.logger.debug('Error occurred and the retry limit was reached.');
          return out;
        }
        res.logger.debug(`Error occurred, sleeping for next backoff period: ${formatDuration(wait)}`);
        // Not cut short by res.signal: that fires when the stream starts draining, and messages
        // in flight are still to be finished then.
        await sleep(wait);
        retries++;
      }
    };

    return {
      async processBatch(batch) {
        if (conf.parallel) return asSingleBatch(await mapConcurrent(batch, 0, dispatch));
        const results: Batch[] = [];
        for (const m of batch) results.push(await dispatch(m));
        return asSingleBatch(results);
      },
      async close() {
        for (const c of children) await c.close?.();
      },
    };
  },
);
