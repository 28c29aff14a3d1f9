/**
 * redis_list against the real Redis on 127.0.0.1:6379: the shared connector suite (without the
 * redelivery tests: popping is at-most-once), max_in_flight, lpush/brpop, and an unreachable server.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import '../../src/components/index.js';
import { connectorSuite, requireService, sinks, TestSink, waitFor, deadPort } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';

const ADDRESS = '127.0.0.1:6379';
const URL = `redis://${ADDRESS}`;
const skip = await requireService('redis', 6379);
const AT_MOST_ONCE = 'redis_list pops elements: what a consumer held when it stopped or died is gone (at-most-once by nature)';

let seq = 0;
const uniq = (what: string): string => `sluice_rl_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
let redis: Redis | undefined;
const admin = (): Redis => (redis ??= new Redis({ host: '127.0.0.1', port: 6379 }));

if (skip) {
  test('redis_list integration', { skip }, () => {});
} else {
  after(() => redis?.disconnect());

  connectorSuite({
    name: 'redis_list',
    address: ADDRESS,
    output: (id, address) => ({ redis_list: { url: `redis://${address}`, key: id } }),
    input: (id, address) => ({ redis_list: { url: `redis://${address}`, key: id, timeout: '1s' } }),
    cleanup: async (id) => void (await admin().del(id)),
    redelivers: false,
    skip: { nack: AT_MOST_ONCE, kill: AT_MOST_ONCE },
  });

  test('redis_list: lpush with an interpolated key, brpop keeps the order, max_in_flight bounds unacked messages', async () => {
    const key = uniq('order');
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 20, interval: '', mapping: 'root = counter().string()\nmeta list = "' + key + '"' } },
        output: { redis_list: { url: URL, key: '${! @list }', command: 'lpush', max_in_flight: 1 } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0);
    // LPUSH puts each element at the head: the head is the last one written.
    assert.equal(await admin().lindex(key, 0), '20');
    const sink = new TestSink();
    sink.stallWrites();
    sinks.set(key, sink);
    const c = await runStream(
      { http: { enabled: false }, input: { redis_list: { url: URL, key, command: 'brpop', max_in_flight: 3, timeout: '1s' } }, output: { test_sink: { id: key, max_in_flight: 10 } } },
      { logger: silentLogger },
    );
    await waitFor(() => sink.active >= 3, 5_000, 'three writes in flight');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(sink.active, 3, 'max_in_flight holds the input back');
    assert.equal(await admin().llen(key), 17, 'only three elements were popped');
    sink.resume();
    await waitFor(() => sink.delivered.length >= 20, 10_000, 'all 20');
    await c.stop();
    // BRPOP takes from the tail: the first element pushed comes first.
    assert.deepEqual(sink.delivered.slice(0, 3), ['1', '2', '3']);
    await admin().del(key);
  });

  test('redis_list: an unreachable server gives a clear error and the stream is not ready', async () => {
    const port = await deadPort();
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const h = await runStream(
      { http: { enabled: false }, input: { redis_list: { url: `redis://:secretpw@127.0.0.1:${port}`, key: 'x' } }, output: { drop: {} } },
      { logger },
    );
    await waitFor(() => errors.length > 0, 10_000, 'a connection error');
    assert.equal(h.stream.ready, false);
    assert.match(errors[0]!, new RegExp(`redis_list: cannot connect to Redis at 127\\.0\\.0\\.1:${port}`));
    assert.ok(!errors.join('\n').includes('secretpw'));
    await h.stop();
  });
}
