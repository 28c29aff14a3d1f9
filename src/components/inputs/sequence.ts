import { registerInput, field, objectConfig, SluiceError, errorMessage, type ComponentConfig, type Input, type Resources } from '../../plugin/index.js';

interface SequenceConfig {
  sharded_join: { type: string; id_path: string; iterations: number; merge_strategy: string };
  inputs: ComponentConfig[];
}

registerInput(
  {
    name: 'sequence',
    summary: 'Reads from a sequence of child inputs, one after the other: the next starts once the previous has ended.',
    description:
      'Useful for inputs that have an explicit end but must not be consumed in parallel, e.g. a final message after a file. ' +
      'Sluice does not implement `sharded_join` yet: only `type: none` is accepted.',
    categories: ['Utility'],
    config: objectConfig([
      field
        .object('sharded_join', 'EXPERIMENTAL in Benthos: outer joins of the data read from the sequence. Not supported by Sluice yet.', [
          field.string('type', 'The type of join to perform.').default('none').options('none', 'full-outer', 'outer', 'full-outter', 'outter'),
          field.string('id_path', 'A dot path to the common field the fragmented data sets are joined on.').default(''),
          field.int('iterations', 'The total number of iterations (shards).').default(1),
          field.string('merge_strategy', 'How colliding field values are merged.').default('array').options('array', 'replace', 'keep'),
        ])
        .advanced(),
      field.inputs('inputs', 'An array of inputs to read from sequentially.'),
    ]),
    examples: [
      {
        title: 'End of stream message',
        summary: 'A final message once the first input is exhausted.',
        config:
          'input:\n  sequence:\n    inputs:\n      - generate:\n          count: 3\n          interval: ""\n          mapping: root = "data"\n' +
          '      - generate:\n          count: 1\n          mapping: \'root = {"status":"finished"}\'\noutput:\n  stdout: {}\n',
      },
    ],
  },
  async (conf: SequenceConfig, res: Resources): Promise<Input> => {
    if (conf.sharded_join.type !== 'none') {
      throw new SluiceError('E_UNSUPPORTED', `sequence: sharded_join (type "${conf.sharded_join.type}") is not supported by Sluice yet`);
    }
    if (conf.inputs.length === 0) throw new SluiceError('E_CONFIG', 'sequence input needs at least one child in inputs');
    // Built up front so config problems surface at start; each connects only when its turn comes.
    const children: Input[] = [];
    for (const child of conf.inputs) children.push(await res.buildInput(child));
    let current = 0;
    return {
      async connect() {},
      async read() {
        while (current < children.length) {
          const batch = await children[current]!.read();
          if (batch !== null) return batch;
          if (res.signal.aborted) return null;
          res.logger.debug(`sequence input ${current} ended; moving on to the next`);
          current++;
        }
        return null;
      },
      async close() {
        // Finished children are closed only now: their last acknowledgements may still be on the way.
        const results = await Promise.allSettled(children.map((c) => c.close()));
        for (const r of results) if (r.status === 'rejected') res.logger.error(`failed to close a child input: ${errorMessage(r.reason)}`);
      },
    };
  },
);
