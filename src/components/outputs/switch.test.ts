import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../library.js';
import { TestSink, TestSource, sinks, sources } from '../../testing/test_components.js';
import { silentLogger } from '../../core/logger.js';

function sink(id: string): TestSink {
  const s = new TestSink();
  sinks.set(id, s);
  return s;
}

async function run(id: string, items: string[], output: unknown, batchSize = 1): Promise<{ code: number; source: TestSource }> {
  const source = new TestSource(items);
  sources.set(id, source);
  const handle = await runStream({ http: { enabled: false }, input: { test_source: { id, batch_size: batchSize } }, output }, { logger: silentLogger });
  return { code: await handle.done, source };
}

// Benthos also accepts a bare query as a check (`this.type == "foo"`, shorthand for `root = ...`);
// Most tests spell the mapping out; one checks the bare-query shorthand.
const docs = ['{"type":"foo","n":1}', '{"type":"bar","n":2}', '{"type":"baz","n":3}', '{"type":"foo","n":4}'];

test('switch: routes each message by content to the first case whose check passes', async () => {
  const [foo, bar, rest] = [sink('sw-foo'), sink('sw-bar'), sink('sw-rest')];
  const { code, source } = await run('sw', docs, {
    switch: {
      cases: [
        { check: 'root = this.type == "foo"', output: { test_sink: { id: 'sw-foo' } } },
        { check: 'root = this.type == "bar"', output: { test_sink: { id: 'sw-bar' } } },
        { output: { test_sink: { id: 'sw-rest' } } },
      ],
    },
  });
  assert.equal(code, 0);
  assert.deepEqual(foo.delivered, [docs[0], docs[3]]);
  assert.deepEqual(bar.delivered, [docs[1]]);
  assert.deepEqual(rest.delivered, [docs[2]]);
  assert.equal(source.acked.length, 4);
});

test('switch: a batch is split between cases, and continue lets a message match further cases', async () => {
  const [even, all] = [sink('swc-even'), sink('swc-all')];
  const { code } = await run(
    'swc',
    docs,
    {
      switch: {
        cases: [
          { check: 'root = this.n % 2 == 0', output: { test_sink: { id: 'swc-even' } }, continue: true },
          { output: { test_sink: { id: 'swc-all' } } },
        ],
      },
    },
    4,
  );
  assert.equal(code, 0);
  assert.deepEqual(even.delivered, [docs[1], docs[3]]);
  assert.equal(even.writes, 1, 'the even messages of the batch go as one batch');
  assert.deepEqual(all.delivered, docs);
});

test('switch: messages that pass no case are dropped (acked), unless strict_mode', async () => {
  const foo = sink('swd-foo');
  const { code, source } = await run('swd', docs, { switch: { cases: [{ check: 'root = this.type == "foo"', output: { test_sink: { id: 'swd-foo' } } }] } });
  assert.equal(code, 0);
  assert.deepEqual(foo.delivered, [docs[0], docs[3]]);
  assert.equal(source.acked.length, 4);

  // strict_mode: unmatched messages fail, so a fallback sends them on.
  const [sfoo, dlq] = [sink('sws-foo'), sink('sws-dlq')];
  const strict = await run('sws', docs, {
    fallback: [{ switch: { strict_mode: true, cases: [{ check: 'root = this.type == "foo"', output: { test_sink: { id: 'sws-foo' } } }] } }, { test_sink: { id: 'sws-dlq' } }],
  });
  assert.equal(strict.code, 0);
  assert.deepEqual(sfoo.delivered, [docs[0], docs[3]]);
  assert.deepEqual(dlq.delivered, [docs[1], docs[2]]);
});

test('switch: retry_until_success keeps at a failing case output; other cases are not written twice', async () => {
  const [foo, rest] = [sink('swr-foo'), sink('swr-rest')];
  foo.failFirst = 2;
  const { code, source } = await run(
    'swr',
    docs,
    {
      switch: {
        retry_until_success: true,
        cases: [
          { check: 'root = this.type == "foo"', output: { test_sink: { id: 'swr-foo' } }, continue: true },
          { output: { test_sink: { id: 'swr-rest' } } },
        ],
      },
    },
    4,
  );
  assert.equal(code, 0);
  assert.deepEqual(foo.delivered, [docs[0], docs[3]]);
  assert.equal(foo.writes, 3);
  assert.deepEqual(rest.delivered, docs);
  assert.equal(rest.writes, 1);
  assert.deepEqual(source.nacked, []);
});

test('switch without retry_until_success: the failure goes up; the root retry skips the case that already has its part', async () => {
  const [foo, rest] = [sink('swn-foo'), sink('swn-rest')];
  foo.failFirst = 1;
  const { code } = await run(
    'swn',
    docs,
    {
      switch: {
        cases: [
          { check: 'root = this.type == "foo"', output: { test_sink: { id: 'swn-foo' } }, continue: true },
          { output: { test_sink: { id: 'swn-rest' } } },
        ],
      },
    },
    4,
  );
  assert.equal(code, 0);
  assert.deepEqual(foo.delivered, [docs[0], docs[3]]);
  assert.deepEqual(rest.delivered, docs);
  assert.equal(rest.writes, 1);
});

test('switch: a bare query check (Benthos shorthand for `root = <query>`)', async () => {
  const [foo, rest] = [sink('swq-foo'), sink('swq-rest')];
  const { code } = await run('swq', docs, {
    switch: { cases: [{ check: 'this.type == "foo"', output: { test_sink: { id: 'swq-foo' } } }, { output: { test_sink: { id: 'swq-rest' } } }] },
  });
  assert.equal(code, 0);
  assert.deepEqual(foo.delivered, [docs[0], docs[3]]);
  assert.deepEqual(rest.delivered, [docs[1], docs[2]]);
});
