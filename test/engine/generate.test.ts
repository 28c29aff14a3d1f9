/** The generate input's schedules: durations, `@every`, and cron expressions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream, parseStreamConfig } from '../../src/library.js';
import { TestSink, sinks } from '../../src/testing/test_components.js';
import { silentLogger } from '../../src/core/logger.js';

async function timesOf(id: string, interval: string, count: number): Promise<number[]> {
  const sink = new TestSink();
  sinks.set(id, sink);
  const times: number[] = [];
  sink.beforeWrite = () => void times.push(Date.now());
  const h = await runStream(
    { http: { enabled: false }, input: { generate: { count, interval, mapping: 'root = "x"' } }, output: { test_sink: { id } } },
    { logger: silentLogger },
  );
  assert.equal(await h.done, 0);
  return times;
}

test('generate: @every 150ms spaces messages by the interval, the first at once', async () => {
  const t = await timesOf('gen-every', '@every 150ms', 3);
  assert.equal(t.length, 3);
  assert.ok(t[1]! - t[0]! >= 140, `gap ${t[1]! - t[0]!}ms`);
  assert.ok(t[2]! - t[1]! >= 140, `gap ${t[2]! - t[1]!}ms`);
});

test('generate: a 6-field cron expression fires on whole seconds', async () => {
  const t = await timesOf('gen-cron', '* * * * * *', 2);
  assert.equal(t.length, 2);
  // Each message waits for the next whole second (delivery adds a little on top). Timers run on
  // a monotonic clock and may fire a millisecond or two before Date.now() shows the boundary.
  for (const at of t) {
    const off = at % 1000;
    assert.ok(off < 600 || off > 980, `fired ${off}ms after a second boundary`);
  }
  assert.ok(t[1]! - t[0]! >= 700, `gap ${t[1]! - t[0]!}ms`);
});

test('generate: a bad interval is a lint error at its line', () => {
  const r = parseStreamConfig('input:\n  generate:\n    mapping: root = 1\n    interval: every now and then\n', { file: 'g.yaml' });
  const d = r.diagnostics.find((x) => x.path === 'input.generate.interval');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(d!.position?.line, 4);
  assert.match(d!.message, /not a duration or cron expression/);
});
