import { registerProcessor, objectConfig, type Processor } from '../../plugin/index.js';

registerProcessor(
  {
    name: 'noop',
    summary: 'Does nothing: messages pass through unchanged. Why? Sometimes doing nothing is the braver option.',
    config: objectConfig([]),
  },
  (): Processor => ({ processBatch: (batch) => [batch] }),
);
