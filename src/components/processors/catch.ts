import { registerProcessor, field, type Batch, type Processor, type Resources, type ComponentConfig } from '../../plugin/index.js';
import { asSingleBatch, stepOverBatches } from '../_shared/flow_batches.js';

registerProcessor(
  {
    name: 'catch',
    summary: 'Applies a list of child processors only to messages that failed a previous processing step, then clears their errors.',
    description:
      'Like `for_each`, the child processors see each message as a batch of its own, but only messages flagged with an error when they reach the `catch` are processed; ' +
      'the others pass through untouched. When messages leave the catch block their error flags are cleared. A `try` nested directly inside a `catch` never runs, ' +
      'since errors are only cleared at the end of the catch: put an empty `catch: []` before it.',
    categories: ['Composition'],
    config: field
      .array('', 'Processors to apply to failed messages.', field.processor(''))
      .default([])
      .check(lintNestedTry).spec,
    examples: [
      {
        title: 'Recover failed messages',
        config: 'pipeline:\n  processors:\n    - resource: foo\n    - catch:\n        - mapping: |\n            root = this\n            root.meta.error = error()\n',
      },
    ],
  },
  async (confs: ComponentConfig[], res: Resources): Promise<Processor> => {
    const children = await res.buildProcessors(confs);
    return {
      async processBatch(batch) {
        // Whether a message is caught is decided once, as it enters: a child clearing or
        // setting an error does not change which messages the later children see.
        const groups: Batch[][] = batch.map((m) => [[m]]);
        const caught = batch.map((m) => m.error !== null);
        for (const child of children) {
          for (let j = 0; j < groups.length; j++) {
            if (caught[j] && groups[j]!.length > 0) groups[j] = await stepOverBatches(res, child, groups[j]!);
          }
        }
        const out = asSingleBatch(groups.flat());
        for (const b of out) for (const m of b) m.error = null;
        return out;
      },
      async close() {
        for (const c of children) await c.close?.();
      },
    };
  },
);

/**
 * Benthos's lint: a `try` directly inside a `catch` never runs, since errors are only cleared at
 * the end of the catch; a `catch` before it (which clears them) makes it fine.
 */
function lintNestedTry(value: unknown): string | undefined {
  if (!Array.isArray(value)) return undefined;
  for (const child of value as Array<{ type?: string }>) {
    if (child?.type === 'catch') return undefined;
    if (child?.type === 'try') {
      return '`catch` block contains a `try` block which will never execute due to errors only being cleared at the end of the `catch`, for more information about nesting `try` within `catch` read: https://www.benthos.dev/docs/components/processors/try#nesting-within-a-catch-block';
    }
  }
  return undefined;
}
