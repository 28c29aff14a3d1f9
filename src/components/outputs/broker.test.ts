import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';
import { waitFor } from '../../testing/wait.js';

const items = (n: number, prefix = 'm'): string[] => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/** A source that records, at each ack, whether `delivered` already held the acked messages. */
class CheckedSource extends TestSource {
  readonly early: string[] = [];
  constructor(
    list: string[],
    private readonly delivered: (msg: string) => boolean,
  ) {
    super(list);
  }
  override next(batchSize: number, onAck: (msgs: string[], err?: Error) => void) {
    return super.next(batchSize, (msgs, err) => {
      if (!err) for (const m of msgs) if (!this.delivered(m)) this.early.push(m);
      onAck(msgs, err);
    });
  }
}

function sinksFor(...ids: string[]): TestSink[] {
  return ids.map((id) => {
    const s = new TestSink();
    sinks.set(id, s);
    return s;
  });
}

async function run(id: string, source: TestSource, output: unknown, extra: Record<string, unknown> = {}): Promise<number> {
  sources.set(id, source);
  const handle = await runStream({ http: { enabled: false }, input: { test_source: { id } }, output, ...extra }, { logger: silentLogger });
  return handle.done;
}

test('fan_out: a child failing its first 3 writes is retried by the broker; both get every message exactly once, acked only after both have it', async () => {
  const [a, b] = sinksFor('fo-a', 'fo-b');
  b!.failFirst = 3;
  const list = items(20);
  const source = new CheckedSource(list, (m) => a!.delivered.includes(m) && b!.delivered.includes(m));
  const code = await run('fo', source, { broker: { pattern: 'fan_out', outputs: [{ test_sink: { id: 'fo-a' } }, { test_sink: { id: 'fo-b' } }] } });
  assert.equal(code, 0);
  assert.deepEqual([...a!.delivered].sort(), [...list].sort());
  assert.deepEqual([...b!.delivered].sort(), [...list].sort());
  assert.equal(b!.failures, 3);
  // The healthy child was written once per message: the broker retried only the failing one.
  assert.equal(a!.writes, 20);
  assert.equal(b!.writes, 23);
  assert.deepEqual([...source.acked].sort(), [...list].sort());
  assert.deepEqual(source.nacked, []);
  assert.deepEqual(source.early, [], 'no message may be acked before both children have it');
});

test('fan_out_fail_fast: the failure goes up, and the retry from the root output skips the child that already has the batch', async () => {
  const [a, b] = sinksFor('ff-a', 'ff-b');
  b!.failFirst = 2;
  const list = items(5);
  const code = await run('ff', new TestSource(list), {
    broker: { pattern: 'fan_out_fail_fast', outputs: [{ test_sink: { id: 'ff-a' } }, { test_sink: { id: 'ff-b' } }] },
  });
  assert.equal(code, 0);
  assert.deepEqual(a!.delivered, list, 'no duplicates in the healthy child');
  assert.deepEqual(b!.delivered, list);
  assert.equal(b!.writes, 7);
});

test('fan_out_sequential: a child is written only once the previous one confirmed', async () => {
  const [a, b] = sinksFor('fs-a', 'fs-b');
  a!.failFirst = 2;
  const outOfOrder: string[] = [];
  b!.beforeWrite = (batch) => {
    for (const m of batch) if (!a!.delivered.includes(m)) outOfOrder.push(m);
  };
  const list = items(6);
  const code = await run('fs', new TestSource(list), {
    broker: { pattern: 'fan_out_sequential', outputs: [{ test_sink: { id: 'fs-a' } }, { test_sink: { id: 'fs-b' } }] },
  });
  assert.equal(code, 0);
  assert.deepEqual(outOfOrder, []);
  assert.deepEqual(a!.delivered, list);
  assert.deepEqual(b!.delivered, list);
});

test('round_robin: batches alternate between children, evenly', async () => {
  const [a, b] = sinksFor('rr-a', 'rr-b');
  const list = items(10);
  const code = await run('rr', new TestSource(list), {
    broker: { pattern: 'round_robin', outputs: [{ test_sink: { id: 'rr-a' } }, { test_sink: { id: 'rr-b' } }] },
  });
  assert.equal(code, 0);
  assert.equal(a!.delivered.length, 5);
  assert.equal(b!.delivered.length, 5);
  assert.deepEqual([...a!.delivered, ...b!.delivered].sort(), [...list].sort());
});

test('round_robin: a failing child passes its batch on to the next one', async () => {
  const [a, b] = sinksFor('rrf-a', 'rrf-b');
  a!.failFirst = 1_000_000;
  const list = items(6);
  const code = await run('rrf', new TestSource(list), {
    broker: { pattern: 'round_robin', outputs: [{ test_sink: { id: 'rrf-a' } }, { test_sink: { id: 'rrf-b' } }] },
  });
  assert.equal(code, 0);
  assert.deepEqual(a!.delivered, []);
  assert.deepEqual([...b!.delivered].sort(), [...list].sort());
});

test('greedy: a busy child is passed over; the free one takes the rest', async () => {
  const [a, b] = sinksFor('gr-a', 'gr-b');
  a!.stallWrites();
  const list = items(8);
  sources.set('gr', new TestSource(list));
  const handle = await runStream(
    { http: { enabled: false }, input: { test_source: { id: 'gr' } }, output: { broker: { pattern: 'greedy', outputs: [{ test_sink: { id: 'gr-a' } }, { test_sink: { id: 'gr-b' } }] } } },
    { logger: silentLogger },
  );
  await waitFor(() => b!.delivered.length === 7, 3000, 'the free child to take every other batch');
  a!.resume();
  assert.equal(await handle.done, 0);
  assert.equal(a!.delivered.length, 1);
  assert.deepEqual([...a!.delivered, ...b!.delivered].sort(), [...list].sort());
});

test('copies: the outputs list is built that many times', async () => {
  const [a] = sinksFor('cp-a');
  const list = items(3);
  const code = await run('cp', new TestSource(list), { broker: { copies: 2, pattern: 'fan_out', outputs: [{ test_sink: { id: 'cp-a' } }] } });
  assert.equal(code, 0);
  // Two instances of the same sink: each receives every message.
  assert.deepEqual([...a!.delivered].sort(), [...list, ...list].sort());
});

test('batching on the broker groups messages before they reach the children', async () => {
  const [a] = sinksFor('bb-a');
  const seen: number[] = [];
  a!.beforeWrite = (batch) => void seen.push(batch.length);
  const code = await run('bb', new TestSource(items(10)), {
    broker: { pattern: 'fan_out', batching: { count: 5 }, outputs: [{ test_sink: { id: 'bb-a' } }] },
  });
  assert.equal(code, 0);
  assert.deepEqual(seen, [5, 5]);
});

test('a child output with count batching is flushed at shutdown, not held until the timeout', async () => {
  const [a] = sinksFor('bf-a');
  const list = items(3);
  const code = await run(
    'bf',
    new TestSource(list),
    { broker: { pattern: 'fan_out', outputs: [{ test_sink: { id: 'bf-a', batching: { count: 100 } } }] } },
    { shutdown_timeout: '2s' },
  );
  assert.equal(code, 0);
  // Order is not promised: the broker lets many writes wait on the batching child at once.
  assert.deepEqual([...a!.delivered].sort(), list);
});
