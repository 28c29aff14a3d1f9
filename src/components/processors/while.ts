import { registerProcessor, field, objectConfig, compileCheck, errorMessage, SluiceError, type Batch, type ComponentConfig, type Processor, type Resources } from '../../plugin/index.js';
import { runOverBatches } from '../_shared/flow_batches.js';

interface WhileConfig {
  at_least_once: boolean;
  max_loops: number;
  check: string;
  processors: ComponentConfig[];
}

registerProcessor(
  {
    name: 'while',
    summary:
      'A processor that checks a Bloblang query against each batch of messages and executes child processors on them for as long as the query resolves to true.',
    description:
      'The field `at_least_once`, if true, ensures that the child processors are always executed at least one time (like a do .. while loop). ' +
      'The field `max_loops`, if greater than zero, caps the number of loops for a message batch to this value.\n\n' +
      'If following a loop execution the number of messages in a batch is reduced to zero the loop is exited regardless of the condition result. ' +
      'If following a loop execution there are more than 1 message batches the query is checked against the first batch only. ' +
      'The check is applied to the first message of the batch; a check that fails counts as false.',
    categories: ['Composition'],
    config: objectConfig([
      field.bool('at_least_once', 'Whether to always run the child processors at least one time.').default(false),
      field.int('max_loops', 'An optional maximum number of loops to execute. Helps protect against accidentally creating infinite loops.').default(0).advanced(),
      field
        .bloblang('check', 'A Bloblang query that should return a boolean value indicating whether the while loop should execute again.')
        .default('')
        .examples('errored()', 'this.urls.unprocessed.length() > 0'),
      field.array('processors', 'A list of child processors to execute on each loop.', field.processor('')),
    ]),
  },
  async (conf: WhileConfig, res: Resources): Promise<Processor> => {
    if (conf.check.trim() === '') throw new SluiceError('E_CONFIG', 'a check query is required');
    let check: (b: Batch, i: number) => boolean;
    try {
      check = compileCheck(conf.check);
    } catch (e) {
      throw new SluiceError('E_CONFIG', `failed to parse check query: ${errorMessage(e)}`);
    }
    const children = await res.buildProcessors(conf.processors);
    const holds = (b: Batch): boolean => {
      try {
        return check(b, 0);
      } catch (e) {
        res.logger.error(`Query failed for loop: ${errorMessage(e)}`);
        return false;
      }
    };

    return {
      async processBatch(batch) {
        let batches: Batch[] = [batch];
        let loops = 0;
        let again = conf.at_least_once || holds(batch);
        while (again) {
          if (conf.max_loops > 0 && loops >= conf.max_loops) break;
          batches = await runOverBatches(res, children, batches);
          if (batches.length === 0) return [];
          loops++;
          again = holds(batches[0]!);
        }
        return batches;
      },
      async close() {
        for (const c of children) await c.close?.();
      },
    };
  },
);
