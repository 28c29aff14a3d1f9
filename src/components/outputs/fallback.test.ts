import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';
import type { Message } from '../../core/message.js';

/** A sink that also records the `fallback_error` metadata of what it receives. */
function recordingSink(id: string): { sink: TestSink; fallbackErrors: Array<string | undefined> } {
  const sink = new TestSink();
  const fallbackErrors: Array<string | undefined> = [];
  const write = sink.write.bind(sink);
  sink.write = async (batch: Message[]) => {
    await write(batch);
    for (const m of batch) fallbackErrors.push(m.getMetaString('fallback_error'));
  };
  sinks.set(id, sink);
  return { sink, fallbackErrors };
}

async function run(id: string, items: string[], output: unknown): Promise<{ code: number; source: TestSource }> {
  const source = new TestSource(items);
  sources.set(id, source);
  const handle = await runStream({ http: { enabled: false }, input: { test_source: { id } }, output }, { logger: silentLogger });
  return { code: await handle.done, source };
}

test('fallback: the second child gets what the first failed, with fallback_error set to the failure text', async () => {
  const first = recordingSink('fb-1');
  first.sink.failFirst = 1_000_000;
  const second = recordingSink('fb-2');
  const { code, source } = await run('fb', ['a', 'b'], { fallback: [{ test_sink: { id: 'fb-1' } }, { test_sink: { id: 'fb-2' } }] });
  assert.equal(code, 0);
  assert.deepEqual(first.sink.delivered, []);
  assert.deepEqual(second.sink.delivered, ['a', 'b']);
  // The text TestSink gives its planned failures: "test sink: planned failure <n> of <failFirst>".
  assert.deepEqual(second.fallbackErrors, ['test sink: planned failure 1 of 1000000', 'test sink: planned failure 2 of 1000000']);
  assert.deepEqual(source.acked, ['a', 'b']);
});

test('fallback: a healthy first child takes everything and no fallback_error is added', async () => {
  const first = recordingSink('fbh-1');
  const second = recordingSink('fbh-2');
  const { code } = await run('fbh', ['a', 'b', 'c'], { fallback: [{ test_sink: { id: 'fbh-1' } }, { test_sink: { id: 'fbh-2' } }] });
  assert.equal(code, 0);
  assert.deepEqual(first.sink.delivered, ['a', 'b', 'c']);
  assert.deepEqual(first.fallbackErrors, [undefined, undefined, undefined]);
  assert.equal(second.sink.writes, 0);
});

test('fallback: a reject tier passes its interpolated message on as fallback_error', async () => {
  const dlq = recordingSink('fbr-2');
  const { code } = await run('fbr', ['x'], { fallback: [{ reject: 'rejected ${! content() }' }, { test_sink: { id: 'fbr-2' } }] });
  assert.equal(code, 0);
  assert.deepEqual(dlq.sink.delivered, ['x']);
  assert.deepEqual(dlq.fallbackErrors, ['rejected x']);
});

test('fallback: when every tier fails the write fails (and the root output tries the tiers again)', async () => {
  const first = recordingSink('fba-1');
  const second = recordingSink('fba-2');
  first.sink.failFirst = 2;
  second.sink.failFirst = 2;
  const { code, source } = await run('fba', ['x'], { fallback: [{ test_sink: { id: 'fba-1' } }, { test_sink: { id: 'fba-2' } }] });
  assert.equal(code, 0);
  // Attempts 1 and 2 fail on both tiers; attempt 3 succeeds on the first tier.
  assert.deepEqual(first.sink.delivered, ['x']);
  assert.deepEqual(second.sink.delivered, []);
  assert.equal(second.sink.writes, 2);
  assert.deepEqual(source.acked, ['x']);
});
