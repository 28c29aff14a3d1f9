/**
 * The redis cache and the redis rate limit against the real Redis on 127.0.0.1:6379, plus the
 * cache output and the cache processor over it in a running stream.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import '../../src/components/index.js';
import { requireService, deadPort } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';
import { buildCache, buildResources, text, bytes, pause } from '../../src/components/_shared/cache_testing.js';
import { sinks, TestSink } from '../../src/testing/index.js';

const URL = 'redis://127.0.0.1:6379';
const skip = await requireService('redis', 6379);
let seq = 0;
const uniq = (what: string): string => `sluice_cache_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}:`;
let redis: Redis | undefined;
const admin = (): Redis => (redis ??= new Redis({ host: '127.0.0.1', port: 6379 }));

if (skip) {
  test('redis cache integration', { skip }, () => {});
} else {
  after(() => redis?.disconnect());

  test('redis cache: keys carry the prefix; get, set, add on an existing key, delete', async () => {
    const prefix = uniq('ops');
    const { cache, close } = await buildCache('redis', { url: URL, prefix });
    assert.equal(await cache.get('a'), undefined);
    await cache.set('a', bytes('1'));
    assert.equal(await admin().get(`${prefix}a`), '1');
    assert.equal(text(await cache.get('a')), '1');
    assert.equal(await cache.add('a', bytes('2')), false);
    assert.equal(text(await cache.get('a')), '1');
    assert.equal(await cache.add('b', bytes('2')), true);
    await cache.delete('a');
    assert.equal(await cache.get('a'), undefined);
    await cache.set('bin', Buffer.from([0, 255, 1]));
    assert.deepEqual([...(await cache.get('bin'))!], [0, 255, 1], 'binary safe');
    await admin().del(`${prefix}b`, `${prefix}bin`);
    await close();
  });

  test('redis cache: default_ttl and per-key ttl set an expiry on the key', async () => {
    const prefix = uniq('ttl');
    const { cache, close } = await buildCache('redis', { url: URL, prefix, default_ttl: '10s' });
    await cache.set('d', bytes('v'));
    const pttl = await admin().pttl(`${prefix}d`);
    assert.ok(pttl > 9000 && pttl <= 10000, `pttl ${pttl}`);
    await cache.set('short', bytes('v'), 50);
    await pause(120);
    assert.equal(await cache.get('short'), undefined);
    assert.equal(await cache.add('short', bytes('again'), 50), true, 'add works once the key expired');
    await admin().del(`${prefix}d`);
    await close();
  });

  test('redis cache: an unreachable server fails the operation after the retries, without crashing', async () => {
    const port = await deadPort();
    const { cache, close } = await buildCache('redis', {
      url: `redis://:pw@127.0.0.1:${port}`,
      retries: { initial_interval: '10ms', max_interval: '20ms', max_elapsed_time: '200ms' },
    });
    const start = Date.now();
    await assert.rejects(cache.get('k'), (e: Error) => /redis cache: get failed/.test(e.message) && !e.message.includes('pw'));
    assert.ok(Date.now() - start < 5000);
    await close();
  });

  test('redis rate limit: count per interval is shared by every holder of the key', async () => {
    const key = uniq('rl');
    const r = await buildResources({
      rate_limit_resources: [
        { label: 'a', redis: { url: URL, key, count: 3, interval: '300ms' } },
        { label: 'b', redis: { url: URL, key, count: 3, interval: '300ms' } },
      ],
    });
    const a = r.rateLimits.get('a')!;
    const b = r.rateLimits.get('b')!;
    const waits = [await a.access(), await b.access(), await a.access(), await b.access()];
    assert.deepEqual(waits.slice(0, 3), [0, 0, 0]);
    assert.ok(waits[3]! > 0 && waits[3]! <= 300, `the fourth waits for the window: ${waits[3]}`);
    await pause(waits[3]! + 20);
    assert.equal(await a.access(), 0, 'a new window');
    await admin().del(key);
    await r.close();
  });

  test('cache output stores messages under interpolated keys; the cache processor reads them back', async () => {
    const prefix = uniq('out');
    const cacheRes = [{ label: 'store', redis: { url: URL, prefix } }];
    const w = await runStream(
      {
        http: { enabled: false },
        cache_resources: cacheRes,
        input: { generate: { count: 5, interval: '', mapping: 'root = {"id": counter(), "v": "doc"}' } },
        output: { cache: { target: 'store', key: '${! this.id }', ttl: '1m' } },
      },
      { logger: silentLogger },
    );
    assert.equal(await w.done, 0);
    assert.equal(await admin().get(`${prefix}3`), '{"id":3,"v":"doc"}');
    assert.ok((await admin().pttl(`${prefix}3`)) > 50_000);
    const sink = new TestSink();
    sinks.set(prefix, sink);
    const r = await runStream(
      {
        http: { enabled: false },
        cache_resources: cacheRes,
        input: { generate: { count: 5, interval: '', mapping: 'root = counter().string()' } },
        pipeline: { processors: [{ cache: { resource: 'store', operator: 'get', key: '${! content() }' } }] },
        output: { test_sink: { id: prefix } },
      },
      { logger: silentLogger },
    );
    assert.equal(await r.done, 0);
    assert.deepEqual(sink.delivered.map((t) => (JSON.parse(t) as { id: number }).id).sort(), [1, 2, 3, 4, 5]);
    await admin().del(...[1, 2, 3, 4, 5].map((i) => `${prefix}${i}`));
  });
}
