import { registerOutput, field, compileInterpolation, PermanentError, type Output } from '../../plugin/index.js';

registerOutput(
  {
    name: 'reject',
    summary: 'Rejects every message, as though the destination failed to publish it, with an interpolated error message.',
    description:
      'Useful inside a `switch` or `fallback` to push a failure back towards the input instead of delivering, e.g. for messages ' +
      'that failed processing: `reject: "processing failed due to: ${! error() }"`.',
    categories: ['Utility'],
    config: field.interpolated('', 'The error message; interpolations are resolved against the first message of the batch.').default('').spec,
    examples: [
      {
        title: 'Rejecting failed messages',
        config:
          "output:\n  switch:\n    retry_until_success: false\n    cases:\n      - check: 'root = !errored()'\n        output:\n          stdout: {}\n" +
          '      - output:\n          reject: "processing failed due to: ${! error() }"\n',
      },
    ],
  },
  (text: string): Output => {
    const message = compileInterpolation(text ?? '');
    return {
      async connect() {},
      async write(batch) {
        // Permanent: the batch is nacked back to its source at once (as Benthos does), not retried here.
        throw new PermanentError('E_REJECTED', message.render(batch, 0));
      },
      async close() {},
    };
  },
);
