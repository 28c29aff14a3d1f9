import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';
import { waitFor } from '../../testing/wait.js';
import type { Message } from '../../core/message.js';

test('reject: every write fails with the interpolated message and the source gets a nack at once', async () => {
  const source = new TestSource(['a'], false);
  sources.set('rj', source);
  const handle = await runStream(
    { http: { enabled: false }, input: { test_source: { id: 'rj' } }, output: { reject: 'no thanks' }, shutdown_timeout: '100ms' },
    { logger: silentLogger },
  );
  // A rejection is permanent: the batch is nacked (and this source redelivers it) without
  // waiting for a shutdown.
  await waitFor(() => source.nacked.length >= 2, 2000, 'the message to be nacked and redelivered');
  source.end();
  await handle.stop();
  assert.deepEqual(source.acked, []);
  assert.ok(source.nacked.every((m) => m === 'a'));
});

test('reject in a switch routes errored messages away with the error in the rejection text', async () => {
  const good = new TestSink();
  const dlq = new TestSink();
  const reasons: Array<string | undefined> = [];
  const write = dlq.write.bind(dlq);
  dlq.write = async (batch: Message[]) => {
    await write(batch);
    for (const m of batch) reasons.push(m.getMetaString('fallback_error'));
  };
  sinks.set('rjs-good', good);
  sinks.set('rjs-dlq', dlq);
  sources.set('rjs', new TestSource(['1', 'x', '3']));
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id: 'rjs' } },
      pipeline: { processors: [{ mapping: 'root = if content() == "x" { throw("not a number") } else { content() }' }] },
      output: {
        fallback: [
          {
            switch: {
              cases: [
                { check: 'root = !errored()', output: { test_sink: { id: 'rjs-good' } } },
                { output: { reject: 'processing failed: ${! error() }' } },
              ],
            },
          },
          { test_sink: { id: 'rjs-dlq' } },
        ],
      },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual([...good.delivered].sort(), ['1', '3']);
  assert.deepEqual(dlq.delivered, ['x']);
  assert.equal(reasons.length, 1);
  assert.match(reasons[0]!, /^processing failed: .*not a number/);
});
