/**
 * redis_pubsub against the real Redis on 127.0.0.1:6379: the shared connector suite (without the
 * redelivery tests: pub/sub keeps nothing), pattern subscriptions, and an unreachable server.
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
const NOTHING_KEPT = 'redis pub/sub keeps no messages: what was not delivered to a live subscriber is gone';

let seq = 0;
const uniq = (what: string): string => `sluice_rp_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;
let redis: Redis | undefined;
const admin = (): Redis => (redis ??= new Redis({ host: '127.0.0.1', port: 6379 }));

if (skip) {
  test('redis_pubsub integration', { skip }, () => {});
} else {
  after(() => redis?.disconnect());

  connectorSuite({
    name: 'redis_pubsub',
    address: ADDRESS,
    output: (id, address) => ({ redis_pubsub: { url: `redis://${address}`, channel: id } }),
    input: (id, address) => ({ redis_pubsub: { url: `redis://${address}`, channels: [id] } }),
    redelivers: false,
    consumerWarmupMs: 300,
    skip: { nack: NOTHING_KEPT, kill: NOTHING_KEPT },
  });

  test('redis_pubsub: use_patterns subscribes with PSUBSCRIBE, the channel is interpolated', async () => {
    const base = uniq('pat');
    const sink = new TestSink();
    sinks.set(base, sink);
    const c = await runStream(
      { http: { enabled: false }, input: { redis_pubsub: { url: URL, channels: [`${base}.*`], use_patterns: true } }, output: { test_sink: { id: base } } },
      { logger: silentLogger },
    );
    await waitFor(() => false, 300, '').catch(() => {});
    const p = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 6, interval: '', mapping: 'root = counter().string()' } },
        output: { redis_pubsub: { url: URL, channel: `\${! if content().number() % 2 == 0 { "${base}.even" } else { "other.${base}" } }` } },
      },
      { logger: silentLogger },
    );
    assert.equal(await p.done, 0);
    await waitFor(() => sink.delivered.length >= 3, 5_000, 'the even ones');
    await new Promise((r) => setTimeout(r, 200));
    await c.stop();
    assert.deepEqual(sink.delivered.sort(), ['2', '4', '6']);
    assert.equal(await admin().publish('nobody-listens', 'x'), 0);
  });

  test('redis_pubsub: an unreachable server gives a clear error and the stream is not ready', async () => {
    const port = await deadPort();
    const errors: string[] = [];
    const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
    const h = await runStream({ http: { enabled: false }, input: { redis_pubsub: { url: `redis://127.0.0.1:${port}`, channels: ['x'] } }, output: { drop: {} } }, { logger });
    await waitFor(() => errors.length > 0, 10_000, 'a connection error');
    assert.equal(h.stream.ready, false);
    assert.match(errors[0]!, new RegExp(`redis_pubsub: cannot connect to Redis at 127\\.0\\.0\\.1:${port}`));
    await h.stop();
  });
}
