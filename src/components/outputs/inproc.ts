import { registerOutput, field, SluiceError, type Output, type Resources } from '../../plugin/index.js';
import { copyBatch } from '../_shared/broker_delivery_memory.js';
import { inprocPipe } from '../_shared/inproc_pipes.js';

registerOutput(
  {
    name: 'inproc',
    summary: 'Sends messages directly to `inproc` inputs with the same ID in this process.',
    description:
      'Connects streams running in one process. A write completes only when the reading stream acknowledged the batch, and ' +
      'fails when it nacked it. With several inputs on one ID, batches go to them in turn. Do not connect a stream\'s output ' +
      'to its own input: the feedback loop can deadlock.',
    categories: ['Utility'],
    config: field.string('', 'The ID of the pipe to write to.').default('').spec,
    examples: [
      {
        title: 'Connecting two streams',
        config: 'input:\n  stdin: {}\noutput:\n  inproc: foo\n',
      },
    ],
  },
  (id: string, res: Resources): Output => {
    if (!id) throw new SluiceError('E_CONFIG', 'inproc output needs an ID');
    const pipe = inprocPipe(id);
    const closing = new AbortController();
    return {
      // Batches wait in the pipe for a reader: let the writing stream keep several on their way.
      maxInFlight: 64,
      async connect() {},
      write(batch) {
        // The reader owns what it gets: changes it makes must not leak into a retry of ours.
        return pipe.send(copyBatch(batch), closing.signal);
      },
      async close() {
        closing.abort();
        res.logger.debug(`inproc output "${id}" closed`);
      },
    };
  },
);
