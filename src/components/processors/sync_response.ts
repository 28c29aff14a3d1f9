import { registerProcessor, objectConfig, type Processor } from '../../plugin/index.js';
import { setSyncResponse } from '../_shared/http_sync.js';

registerProcessor(
  {
    name: 'sync_response',
    summary: 'Adds the payload in its current state as a synchronous response to the input source, where it is dealt with according to that specific input type.',
    description:
      'For most inputs this mechanism is ignored entirely, in which case the sync response is dropped without penalty. ' +
      'It is therefore safe to use this processor even when combining input types that might not have support for sync responses. ' +
      'An example of an input able to utilise this is the `http_server`. Later processors may change the message without ' +
      'changing the response; the response is still only returned once the message reached its output and was acknowledged.',
    categories: ['Utility'],
    config: objectConfig([]),
  },
  (): Processor => ({
    processBatch(batch) {
      for (const m of batch) setSyncResponse(m);
      return [batch];
    },
  }),
);
