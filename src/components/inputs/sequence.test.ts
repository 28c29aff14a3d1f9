import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';

test('sequence: inputs are read one after another', async () => {
  const a = new TestSource(['a0', 'a1', 'a2']);
  const b = new TestSource(['b0', 'b1']);
  sources.set('seq-a', a);
  sources.set('seq-b', b);
  const out = new TestSink();
  sinks.set('seq', out);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { sequence: { inputs: [{ test_source: { id: 'seq-a' } }, { test_source: { id: 'seq-b' } }] } },
      pipeline: { threads: 1 },
      output: { test_sink: { id: 'seq' } },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(out.delivered, ['a0', 'a1', 'a2', 'b0', 'b1']);
  assert.deepEqual(a.acked, ['a0', 'a1', 'a2']);
  assert.deepEqual(b.acked, ['b0', 'b1']);
});

test('sequence: the second input is not read before the first has ended', async () => {
  const a = new TestSource(['a0'], false);
  const b = new TestSource(['b0']);
  sources.set('seq2-a', a);
  sources.set('seq2-b', b);
  const out = new TestSink();
  sinks.set('seq2', out);
  const handle = await runStream(
    { http: { enabled: false }, input: { sequence: { inputs: [{ test_source: { id: 'seq2-a' } }, { test_source: { id: 'seq2-b' } }] } }, output: { test_sink: { id: 'seq2' } } },
    { logger: silentLogger },
  );
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(b.read, 0);
  a.end();
  assert.equal(await handle.done, 0);
  assert.deepEqual(out.delivered, ['a0', 'b0']);
});

test('sequence: sharded_join is refused with a clear error (not supported yet)', async () => {
  await assert.rejects(
    runStream(
      {
        http: { enabled: false },
        input: { sequence: { sharded_join: { type: 'full-outer', id_path: 'uuid' }, inputs: [{ generate: { count: 1, mapping: 'root = {}' } }] } },
        output: { drop: {} },
      },
      { logger: silentLogger },
    ),
    /sharded_join .*not supported/,
  );
});
