import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';
import { waitFor } from '../../testing/wait.js';

const items = (n: number, prefix: string): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

function sink(id: string): TestSink {
  const s = new TestSink();
  sinks.set(id, s);
  return s;
}

test('broker input: every child is read, and each acknowledgement goes back to the child the batch came from', async () => {
  const a = new TestSource(items(5, 'a'));
  const b = new TestSource(items(7, 'b'));
  sources.set('bi-a', a);
  sources.set('bi-b', b);
  const out = sink('bi');
  const handle = await runStream(
    { http: { enabled: false }, input: { broker: { inputs: [{ test_source: { id: 'bi-a' } }, { test_source: { id: 'bi-b' } }] } }, output: { test_sink: { id: 'bi' } } },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual([...out.delivered].sort(), [...items(5, 'a'), ...items(7, 'b')].sort());
  assert.deepEqual([...a.acked].sort(), items(5, 'a').sort());
  assert.deepEqual([...b.acked].sort(), items(7, 'b').sort());
});

test('broker input: children are read concurrently (a child that waits does not hold the other back)', async () => {
  const slow = new TestSource([], false);
  const fast = new TestSource(items(4, 'f'));
  sources.set('bc-slow', slow);
  sources.set('bc-fast', fast);
  const out = sink('bc');
  const handle = await runStream(
    { http: { enabled: false }, input: { broker: { inputs: [{ test_source: { id: 'bc-slow' } }, { test_source: { id: 'bc-fast' } }] } }, output: { test_sink: { id: 'bc' } } },
    { logger: silentLogger },
  );
  await waitFor(() => out.delivered.length === 4, 2000, 'the fast child to be read while the slow one waits');
  slow.push('s0');
  slow.end();
  assert.equal(await handle.done, 0);
  assert.deepEqual([...out.delivered].sort(), [...items(4, 'f'), 's0'].sort());
  assert.deepEqual(slow.acked, ['s0']);
});

test('broker input: child processors apply to that child only; broker processors apply after them to all', async () => {
  sources.set('bp-a', new TestSource(['x']));
  sources.set('bp-b', new TestSource(['y']));
  const out = sink('bp');
  const handle = await runStream(
    {
      http: { enabled: false },
      input: {
        broker: {
          inputs: [{ test_source: { id: 'bp-a' }, processors: [{ mapping: 'root = content().string() + "-a"' }] }, { test_source: { id: 'bp-b' } }],
        },
        processors: [{ mapping: 'root = content().string() + "!"' }],
      },
      output: { test_sink: { id: 'bp' } },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual([...out.delivered].sort(), ['x-a!', 'y!']);
});

test('broker input: copies builds the inputs list that many times', async () => {
  const out = sink('bcp');
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { broker: { copies: 3, inputs: [{ generate: { count: 2, interval: '', mapping: 'root = "g"' } }] } },
      output: { test_sink: { id: 'bcp' } },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(out.delivered, ['g', 'g', 'g', 'g', 'g', 'g']);
});

test('broker input batching: batches from all children are combined; the combined ack reaches every child', async () => {
  const a = new TestSource(items(5, 'a'));
  const b = new TestSource(items(5, 'b'));
  sources.set('bb-a', a);
  sources.set('bb-b', b);
  const out = sink('bb');
  const sizes: number[] = [];
  out.beforeWrite = (batch) => void sizes.push(batch.length);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { broker: { batching: { count: 4 }, inputs: [{ test_source: { id: 'bb-a' } }, { test_source: { id: 'bb-b' } }] } },
      output: { test_sink: { id: 'bb' } },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  // 10 messages in batches of 4; the rest is flushed when both children end.
  assert.deepEqual(sizes, [4, 4, 2]);
  assert.equal(a.acked.length, 5);
  assert.equal(b.acked.length, 5);
});

test('broker input batching: period flushes an incomplete batch', async () => {
  const src = new TestSource(['p0', 'p1'], false);
  sources.set('bper', src);
  const out = sink('bper');
  const sizes: number[] = [];
  out.beforeWrite = (batch) => void sizes.push(batch.length);
  const handle = await runStream(
    { http: { enabled: false }, input: { broker: { batching: { count: 100, period: '50ms' }, inputs: [{ test_source: { id: 'bper' } }] } }, output: { test_sink: { id: 'bper' } } },
    { logger: silentLogger },
  );
  await waitFor(() => out.delivered.length === 2, 2000, 'the period to flush');
  assert.deepEqual(sizes, [2]);
  src.end();
  assert.equal(await handle.done, 0);
  assert.deepEqual(src.acked, ['p0', 'p1']);
});
