import { registerProcessor, objectConfig, type Processor, type Resources } from '../../plugin/index.js';
import { BranchCore, branchFields, registerIfResource, type BranchConfig } from '../_shared/flow_branch.js';

registerProcessor(
  {
    name: 'branch',
    summary:
      'Creates a new request message with a Bloblang mapping, runs child processors on it, and maps the result back into the source message with another mapping.',
    description:
      'The branch works on copies: the original message is only changed by the `result_map`, and results are mapped back by their index in the batch. ' +
      'Metadata added during branch processing is not copied back unless the `result_map` does so (`meta = metadata()`); `@` in the `result_map` refers to the origin message. ' +
      'If the `request_map` fails the child processors are not run for that message; if the child processors flag an error the `result_map` is not run; ' +
      'if the `result_map` fails the message stays unchanged. In each case the original message is flagged with the error. ' +
      'A `request_map` that assigns `deleted()` to the root skips the branch for that message.',
    categories: ['Composition'],
    config: objectConfig(branchFields()),
    examples: [
      {
        title: 'Enrich from a lookup',
        summary:
          'Sends only the document id to a lookup (here a processor resource, e.g. an `http` or `cache` processor) and places the raw answer at `document.description`, keeping the rest of the message.',
        config:
          "pipeline:\n  processors:\n    - branch:\n        request_map: 'root = this.document.id'\n        processors:\n          - resource: describe_document\n        result_map: root.document.description = content().string()\n",
      },
    ],
  },
  async (conf: BranchConfig, res: Resources): Promise<Processor> => {
    const core = await BranchCore.build(conf, res);
    registerIfResource(res, core);
    return {
      processBatch: (batch) => core.processBatch(batch),
      close: () => core.close(),
    };
  },
);
