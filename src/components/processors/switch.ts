import {
  registerProcessor,
  field,
  compileCheck,
  errorMessage,
  toError,
  SluiceError,
  type Batch,
  type ComponentConfig,
  type Message,
  type Processor,
  type Resources,
} from '../../plugin/index.js';
import { flattenBatches } from '../_shared/flow_batches.js';

interface SwitchCaseConfig {
  check: string;
  processors: ComponentConfig[];
  fallthrough: boolean;
}

/** A message and the index of the input message it came from (to restore the batch order). */
interface Tracked {
  msg: Message;
  origin: number;
}

registerProcessor(
  {
    name: 'switch',
    summary: 'Conditionally processes messages based on their contents.',
    description:
      'For each case a Bloblang query is checked and, if the result is true (or the check is empty), the child processors of the case are executed on the message; ' +
      'the message then leaves the switch, unless the case has `fallthrough: true`, in which case the next case is also executed on it (without its check). ' +
      'A check that throws flags the message as failed and it is not tested against any other case. Messages that pass no case leave unchanged.\n\n' +
      'Messages of a batch are checked individually; those matching a case are processed together as a batch. The result is always a single batch in the order ' +
      'the messages were received: any splitting or grouping done by the child processors is lost (use `group_by` for conditional grouping).',
    categories: ['Composition'],
    config: field.array(
      '',
      'A list of switch cases.',
      field.object('', 'A switch case.', [
        field
          .bloblang(
            'check',
            'A Bloblang query that should return a boolean value indicating whether a message should have the processors of this case executed on it. If left empty the case always passes. If the check mapping throws an error the message will be flagged as having failed and will not be tested against any other cases.',
          )
          .default('')
          .examples('this.type == "foo"', 'this.contents.urls.contains("https://warpstreamlabs.github.io/bento/")'),
        field.array('processors', 'A list of processors to execute on a message.', field.processor('')).default([]),
        field.bool('fallthrough', 'Indicates whether, if this case passes for a message, the next case should also be executed.').default(false).advanced(),
      ]),
    ).spec,
    examples: [
      {
        title: 'I Hate George',
        summary: "Count a metric for every message, except George's, which are counted differently and dropped.",
        config:
          'pipeline:\n  processors:\n    - switch:\n        - check: this.user.name.first != "George"\n          processors:\n            - metric:\n                type: counter\n                name: MessagesWeCareAbout\n' +
          '        - processors:\n            - metric:\n                type: gauge\n                name: GeorgesAnger\n                value: ${! json("user.anger") }\n            - mapping: root = deleted()\n',
      },
    ],
  },
  async (confs: SwitchCaseConfig[], res: Resources): Promise<Processor> => {
    const cases: Array<{ check?: (b: Batch, i: number) => boolean; children: Processor[]; fallthrough: boolean }> = [];
    for (let i = 0; i < confs.length; i++) {
      const c = confs[i]!;
      if (c.processors.length === 0) {
        throw new SluiceError('E_CONFIG', `case [${i}] has no processors, in order to have a no-op case use a \`noop\` processor`);
      }
      let check: ((b: Batch, i: number) => boolean) | undefined;
      if (c.check.trim() !== '') {
        try {
          check = compileCheck(c.check);
        } catch (e) {
          throw new SluiceError('E_CONFIG', `failed to parse case ${i} check: ${errorMessage(e)}`);
        }
      }
      cases.push({ check, children: await res.buildProcessors(c.processors), fallthrough: c.fallthrough });
    }

    return {
      async processBatch(batch) {
        const result: Tracked[] = [];
        let remaining: Tracked[] = batch.map((msg, origin) => ({ msg, origin }));
        let carryOver: Tracked[] = [];
        for (let ci = 0; ci < cases.length; ci++) {
          const c = cases[ci]!;
          const passed = carryOver;
          const failed: Tracked[] = [];
          // Checks see the batch of messages not yet matched (as in Benthos).
          const testBatch = remaining.map((t) => t.msg);
          for (let j = 0; j < remaining.length; j++) {
            const t = remaining[j]!;
            if (!c.check) {
              passed.push(t);
              continue;
            }
            let ok: boolean;
            try {
              ok = c.check(testBatch, j);
            } catch (e) {
              res.logger.error(`Failed to test case ${ci}: ${errorMessage(e)}`);
              t.msg.error = toError(e);
              result.push(t);
              continue;
            }
            (ok ? passed : failed).push(t);
          }
          carryOver = [];
          remaining = failed;
          if (passed.length === 0) continue;
          const out = flattenBatches(
            await res.runProcessors(
              c.children,
              passed.map((t) => t.msg),
            ),
          );
          const origins = alignOrigins(passed, out);
          for (let k = 0; k < out.length; k++) (c.fallthrough ? carryOver : result).push({ msg: out[k]!, origin: origins[k]! });
        }
        // Messages falling through the last case have nowhere further to go: they leave too.
        result.push(...carryOver, ...remaining);
        if (result.length === 0) return [];
        // Stable: messages split from one origin keep their relative order.
        result.sort((a, b) => a.origin - b.origin);
        return [result.map((t) => t.msg)];
      },
      async close() {
        for (const c of cases) for (const p of c.children) await p.close?.();
      },
    };
  },
);

/**
 * The origin of each message a case produced. A message that is one of the inputs keeps its
 * origin; when the count is unchanged outputs map to inputs by position; anything else (split,
 * filtered) takes the origin of the message before it, or of the case's first input.
 */
function alignOrigins(inputs: Tracked[], out: Batch): number[] {
  if (out.length === inputs.length) return inputs.map((t) => t.origin);
  const byIdentity = new Map<Message, number>();
  for (const t of inputs) byIdentity.set(t.msg, t.origin);
  let last = inputs[0]?.origin ?? 0;
  return out.map((m) => (last = byIdentity.get(m) ?? last));
}
