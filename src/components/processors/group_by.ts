import { registerProcessor, field, compileCheck, errorMessage, SluiceError, type Batch, type ComponentConfig, type Processor, type Resources } from '../../plugin/index.js';

interface GroupConfig {
  check: string;
  processors: ComponentConfig[];
}

registerProcessor(
  {
    name: 'group_by',
    summary: 'Splits a batch of messages into N batches, where each resulting batch contains a group of messages determined by a Bloblang query.',
    description:
      'Each message goes to the first group whose `check` passes; the processors of a group are then applied to its batch. Messages that pass no check (or whose ' +
      'check fails) are placed in a group of their own, returned last and without processing. Groups keep the order of their messages, and are returned in the order ' +
      'of the groups. This only makes sense on batched messages.',
    categories: ['Composition'],
    config: field.array(
      '',
      'A list of groups.',
      field.object('', 'A group.', [
        field
          .bloblang('check', 'A Bloblang query that should return a boolean value indicating whether a message belongs to a given group.')
          .examples('this.type == "foo"', 'this.contents.urls.contains("https://warpstreamlabs.github.io/bento/")', 'true'),
        field.array('processors', 'A list of processors to execute on the newly formed group.', field.processor('')).default([]),
      ]),
    ).spec,
    examples: [
      {
        title: 'Grouped Processing',
        summary: 'Split a batch into foos and everything else, archive the foos and label them for a switch output.',
        config:
          'pipeline:\n  processors:\n    - group_by:\n      - check: content().contains("this is a foo")\n        processors:\n          - archive:\n              format: tar\n' +
          '          - compress:\n              algorithm: gzip\n          - mapping: \'meta grouping = "foo"\'\n',
      },
    ],
  },
  async (confs: GroupConfig[], res: Resources): Promise<Processor> => {
    const groups: Array<{ check: (b: Batch, i: number) => boolean; children: Processor[] }> = [];
    for (let i = 0; i < confs.length; i++) {
      const c = confs[i]!;
      let check: (b: Batch, i: number) => boolean;
      try {
        check = compileCheck(c.check);
      } catch (e) {
        throw new SluiceError('E_CONFIG', `failed to parse group ${i} check: ${errorMessage(e)}`);
      }
      groups.push({ check, children: await res.buildProcessors(c.processors) });
    }

    return {
      async processBatch(batch) {
        const members: Batch[] = groups.map(() => []);
        const groupless: Batch = [];
        for (let i = 0; i < batch.length; i++) {
          let placed = false;
          for (let g = 0; g < groups.length && !placed; g++) {
            let ok = false;
            try {
              ok = groups[g]!.check(batch, i);
            } catch (e) {
              res.logger.error(`Failed to test group ${g}: ${errorMessage(e)}`);
            }
            if (ok) {
              members[g]!.push(batch[i]!);
              placed = true;
            }
          }
          if (!placed) groupless.push(batch[i]!);
        }
        const out: Batch[] = [];
        for (let g = 0; g < groups.length; g++) {
          if (members[g]!.length === 0) continue;
          for (const b of await res.runProcessors(groups[g]!.children, members[g]!)) if (b.length > 0) out.push(b);
        }
        if (groupless.length > 0) out.push(groupless);
        return out;
      },
      async close() {
        for (const g of groups) for (const p of g.children) await p.close?.();
      },
    };
  },
);
