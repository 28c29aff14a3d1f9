import {
  registerOutput,
  field,
  objectConfig,
  compileCheck,
  errorMessage,
  toError,
  SluiceError,
  type Batch,
  type ComponentConfig,
  type Output,
  type Resources,
} from '../../plugin/index.js';
import { ChildOutputs } from '../_shared/broker_children.js';
import { DeliveryMemory, copyBatch } from '../_shared/broker_delivery_memory.js';

interface SwitchCaseConfig {
  check: string;
  output: ComponentConfig;
  continue: boolean;
}

interface SwitchConfig {
  retry_until_success: boolean;
  strict_mode: boolean;
  cases: SwitchCaseConfig[];
}

registerOutput(
  {
    name: 'switch',
    summary: 'Routes messages to different outputs based on their contents.',
    description:
      'Each message is tested against the cases in order and goes to the output of the first case whose `check` passes (a case ' +
      'without a check always passes); with `continue: true` the following cases are tested too. Messages that pass no case are ' +
      'dropped, or fail when `strict_mode` is true. A write completes once every output given part of the batch confirmed it; ' +
      'if the batch is written again after a failure, outputs that already confirmed their part are skipped.',
    categories: ['Utility'],
    config: objectConfig([
      field
        .bool('retry_until_success', 'Whether a failing case output is retried until it succeeds; when false the error goes back to the input.')
        .default(false),
      field.bool('strict_mode', 'Whether a message that passes no case is an error (true) or dropped (false).').default(false).advanced(),
      field.array(
        'cases',
        'A list of switch cases, outlining outputs that can be routed to.',
        field.object('', 'A switch case.', [
          field.bloblang('check', 'A Bloblang query returning a boolean: whether a message goes to this case. Empty passes every message.').default(''),
          field.output('output', 'The output for messages that pass the check.'),
          field.bool('continue', 'Whether a message that passes this case is tested against the next case too.').default(false),
        ]),
      ),
    ]),
    examples: [
      {
        title: 'Basic multiplexing',
        config:
          'output:\n  switch:\n    cases:\n      - check: root = this.type == "foo"\n        output:\n          stdout: {}\n' +
          '      - output:\n          drop: {}\n',
      },
    ],
  },
  async (conf: SwitchConfig, res: Resources): Promise<Output> => {
    if (conf.cases.length === 0) throw new SluiceError('E_CONFIG', 'switch output needs at least one case');
    const checks = conf.cases.map((c) => (c.check.trim() === '' ? undefined : compileCheck(c.check)));
    const children = await ChildOutputs.build(
      conf.cases.map((c) => c.output),
      res,
    );
    const memory = new DeliveryMemory();

    const passes = (caseIndex: number, batch: Batch, i: number): boolean => {
      const check = checks[caseIndex];
      if (!check) return true;
      try {
        return check(batch, i);
      } catch (e) {
        res.logger.error(`switch case ${caseIndex} check failed: ${errorMessage(e)}`);
        return false;
      }
    };

    /** The messages of the batch for each case (by case index). */
    const route = (batch: Batch): Batch[] => {
      const parts: Batch[] = conf.cases.map(() => []);
      let unrouted = 0;
      for (let i = 0; i < batch.length; i++) {
        let routed = false;
        for (let c = 0; c < conf.cases.length; c++) {
          if (!passes(c, batch, i)) continue;
          parts[c]!.push(batch[i]!);
          routed = true;
          if (!conf.cases[c]!.continue) break;
        }
        if (!routed) unrouted++;
      }
      if (unrouted > 0) {
        if (conf.strict_mode) throw new SluiceError('E_NO_CASE', `${unrouted} message(s) passed no switch case (strict_mode is on)`);
        res.logger.debug(`dropping ${unrouted} message(s) that passed no switch case`);
      }
      return parts;
    };

    return {
      maxInFlight: children.maxInFlightMax(),
      connect: () => children.connect(),
      async write(batch) {
        const parts = route(batch);
        const sends: Array<Promise<void>> = [];
        parts.forEach((part, c) => {
          if (part.length === 0 || memory.has(batch, c)) return;
          const sent = conf.retry_until_success ? children.writeUntilDelivered(c, () => copyBatch(part)) : children.write(c, copyBatch(part));
          sends.push(sent.then(() => memory.remember(batch, c)));
        });
        const results = await Promise.allSettled(sends);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw toError(failed.reason);
        memory.forget(batch);
      },
      close: () => children.close(),
    };
  },
);
