import { registerProcessor, field, objectConfig, compileInterpolation, parseDuration, errorMessage, type Processor, type Resources } from '../../plugin/index.js';

/** Resolves after `ms`, or as soon as the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

registerProcessor(
  {
    name: 'sleep',
    summary: 'Sleep for a period of time specified as a duration string for each message. The `duration` field supports interpolation functions.',
    description:
      'The messages of a batch are slept on one after the other. When the stream shuts down, a sleep in progress is cut short and the remaining messages pass on without waiting.',
    categories: ['Utility'],
    config: objectConfig([field.interpolated('duration', 'The duration of time to sleep for each execution.').examples('1s', '${! meta("sleep_for") }')]),
  },
  (conf: { duration: string }, res: Resources): Processor => {
    const duration = compileInterpolation(conf.duration);
    const closed = new AbortController();
    // Shutdown (the stream's signal) and close() both end every sleep at once.
    const stop = AbortSignal.any([res.signal, closed.signal]);
    return {
      async processBatch(batch) {
        for (let i = 0; i < batch.length && !stop.aborted; i++) {
          let ms: number;
          try {
            ms = parseDuration(duration.render(batch, i));
          } catch (e) {
            // A bad duration is logged and skipped; the message passes unchanged.
            res.logger.error(`Failed to parse duration: ${errorMessage(e)}`);
            continue;
          }
          await pause(ms, stop);
        }
        return [batch];
      },
      async close() {
        closed.abort();
      },
    };
  },
);
