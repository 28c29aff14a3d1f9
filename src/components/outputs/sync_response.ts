import { registerOutput, objectConfig, type Output } from '../../plugin/index.js';
import { setSyncResponse } from '../_shared/http_sync.js';

registerOutput(
  {
    name: 'sync_response',
    summary: 'Returns the final message payload back to the input origin of the message, where it is dealt with according to that specific input type.',
    description:
      'For most inputs this mechanism is ignored entirely, in which case the sync response is dropped without penalty. ' +
      'It is therefore safe to use this output even when combining input types that might not have support for sync responses. ' +
      'An example of an input able to utilise this is the `http_server`. The response is only returned once the whole ' +
      'transaction was acknowledged, so with a `broker` the other outputs must succeed too.',
    categories: ['Utility'],
    config: objectConfig([]),
    examples: [
      {
        title: 'Respond with the processed message',
        config: 'input:\n  http_server:\n    address: 127.0.0.1:4196\n    path: /post\npipeline:\n  processors:\n    - mapping: root = content().uppercase()\noutput:\n  sync_response: {}\n',
      },
    ],
  },
  (): Output => ({
    // Setting a response is a memory write: no reason to serialise requests behind each other.
    maxInFlight: 1024,
    async connect() {},
    async write(batch) {
      for (const m of batch) setSyncResponse(m);
    },
    async close() {},
  }),
);
