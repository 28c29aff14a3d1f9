import { registerInput, field, SluiceError, type Input, type Resources } from '../../plugin/index.js';
import { inprocPipe } from '../_shared/inproc_pipes.js';

registerInput(
  {
    name: 'inproc',
    summary: 'Reads messages sent by the `inproc` output with the same ID in this process.',
    description:
      'Connects streams running in one process. Acknowledgements travel back: the writing output completes its write only once ' +
      'this stream acknowledged the batch. The input does not end on its own; it stops with its stream.',
    categories: ['Utility'],
    config: field.string('', 'The ID of the pipe to read from.').default('').spec,
    examples: [
      {
        title: 'Reading from another stream',
        config: 'input:\n  inproc: foo\noutput:\n  stdout: {}\n',
      },
    ],
  },
  (id: string, res: Resources): Input => {
    if (!id) throw new SluiceError('E_CONFIG', 'inproc input needs an ID');
    const pipe = inprocPipe(id);
    const closing = new AbortController();
    // Stop waiting for a writer when the stream stops as well as when this input closes.
    const stop = AbortSignal.any([closing.signal, res.signal]);
    return {
      async connect() {},
      read: () => pipe.receive(stop),
      async close() {
        closing.abort();
      },
    };
  },
);
