import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';

test('resource processor: runs the labelled processor resource, wherever it is referred to', async () => {
  sources.set('rp', new TestSource(['ab', 'cd']));
  const out = new TestSink();
  sinks.set('rp', out);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'rp' }, processors: [{ resource: 'upper' }] },
      pipeline: { processors: [{ resource: 'suffix' }] },
      output: { test_sink: { id: 'rp' } },
      processor_resources: [
        { label: 'upper', mapping: 'root = content().uppercase()' },
        { label: 'suffix', mapping: 'root = content().string() + "."' },
      ],
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(out.delivered, ['AB.', 'CD.']);
});
