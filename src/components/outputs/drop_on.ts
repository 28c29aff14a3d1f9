import { RE2JS } from 're2js';
import {
  registerOutput,
  field,
  objectConfig,
  parseDuration,
  toError,
  SluiceError,
  type ComponentConfig,
  type Output,
  type Resources,
} from '../../plugin/index.js';
import { ChildOutputs } from '../_shared/broker_children.js';
import { copyBatch } from '../_shared/broker_delivery_memory.js';

interface DropOnConfig {
  error: boolean;
  error_patterns?: string[];
  back_pressure?: string;
  output: ComponentConfig;
}

registerOutput(
  {
    name: 'drop_on',
    summary: 'Writes to a child output and drops (acknowledges) messages that fail for chosen reasons instead of retrying them.',
    description:
      'A message dropped here counts as delivered: the source acknowledges it. With `back_pressure`, a write the child has not ' +
      'confirmed within that time is given up on, and later messages are given up on at once until the child has finished ' +
      'the write it is stuck on; such messages are dropped when `error` is true, and fail otherwise.',
    categories: ['Utility'],
    config: objectConfig([
      field.bool('error', 'Whether messages should be dropped when the child output returns an error of any type.').default(false),
      field
        .stringList('error_patterns', 'Regular expressions (re2): messages are dropped when the child error matches any part of any of them.')
        .optional()
        .examples(['and that was really bad$'], ['roughly [0-9]+ issues occurred']),
      field
        .duration('back_pressure', 'The longest time to wait for the child output to accept a message before giving up on it.')
        .optional()
        .examples('30s', '1m'),
      field.output('output', 'A child output to wrap with this drop mechanism.'),
    ]),
    examples: [
      {
        title: 'Dropping failed writes to a secondary output',
        config: 'output:\n  broker:\n    pattern: fan_out\n    outputs:\n      - stdout: {}\n      - drop_on:\n          error: true\n          output:\n            reject: "always fails"\n',
      },
    ],
  },
  async (conf: DropOnConfig, res: Resources): Promise<Output> => {
    const patterns = (conf.error_patterns ?? []).map((p) => {
      try {
        return RE2JS.compile(p);
      } catch (e) {
        throw new SluiceError('E_CONFIG', `error_patterns: invalid regular expression "${p}": ${toError(e).message}`);
      }
    });
    const backPressureMs = conf.back_pressure ? parseDuration(conf.back_pressure) : 0;
    const children = await ChildOutputs.build([conf.output], res);
    /** Writes given up on for back pressure that the child has not finished yet. */
    let stuck = 0;

    const dropOnError = (err: Error): boolean => conf.error || patterns.some((re) => re.test(err.message));
    /** Settle a message given up on for back pressure: dropped when `error` is set, failed otherwise. */
    const giveUp = (): void => {
      if (conf.error) {
        res.logger.debug(`dropping a batch: the child output applied back pressure beyond ${conf.back_pressure}`);
        return;
      }
      throw new SluiceError('E_BACK_PRESSURE', `child output applied back pressure beyond ${conf.back_pressure}`);
    };

    const attempt = async (write: Promise<void>): Promise<void> => {
      try {
        await write;
      } catch (e) {
        const err = toError(e);
        if (!dropOnError(err)) throw err;
        res.logger.debug(`dropping a batch that failed: ${err.message}`);
      }
    };

    return {
      maxInFlight: children.maxInFlightMax(),
      connect: () => children.connect(),
      async write(batch) {
        if (backPressureMs <= 0) return attempt(children.write(0, copyBatch(batch)));
        if (stuck > 0) return giveUp();
        const write = children.write(0, copyBatch(batch));
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), backPressureMs)));
        const outcome = await Promise.race([attempt(write).then(() => 'done' as const), timedOut]).finally(() => clearTimeout(timer));
        if (outcome === 'done') return;
        // The child is still busy with it: until it finishes, later messages are given up on at once.
        stuck++;
        write.then(
          () => void stuck--,
          () => void stuck--,
        );
        return giveUp();
      },
      close: () => children.close(),
    };
  },
);
