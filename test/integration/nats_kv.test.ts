/**
 * nats_kv cache, output, input and processor against the real NATS server on 127.0.0.1:4222.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm, type KV } from '@nats-io/kv';
import '../../src/components/index.js';
import { requireService, sinks, TestSink, waitFor, deadPort } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';
import { defaultRegistry, type Cache, type Resources } from '../../src/plugin/index.js';

const ADDRESS = '127.0.0.1:4222';
const URLS = [`nats://${ADDRESS}`];
const skip = await requireService('nats', 4222);

let seq = 0;
const uniq = (what: string): string => `sluice_kv_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

let nc: NatsConnection | undefined;
async function bucket(name: string): Promise<KV> {
  nc ??= await connect({ servers: ADDRESS });
  return new Kvm(nc).create(name, { history: 5 });
}
async function destroy(name: string): Promise<void> {
  await (await new Kvm(nc!).open(name)).destroy().catch(() => {});
}

function fakeResources(): Resources {
  const ctl = new AbortController();
  return { logger: silentLogger, label: 'kv_test', path: 'root.cache_resources.0', signal: ctl.signal } as unknown as Resources;
}

async function newCache(conf: Record<string, unknown>): Promise<Cache> {
  const reg = defaultRegistry.get('cache', 'nats_kv')!;
  return (await reg.create({ urls: URLS, ...conf }, fakeResources())) as Cache;
}

const text = (b: Uint8Array | undefined): string | undefined => (b === undefined ? undefined : Buffer.from(b).toString('utf8'));

if (skip) {
  test('nats_kv integration', { skip }, () => {});
} else {
  test('nats_kv cache: set, get, add, delete', async () => {
    const name = uniq('cache');
    await bucket(name);
    const cache = await newCache({ bucket: name });
    assert.equal(await cache.get('missing'), undefined, 'an absent key reads as undefined');
    await cache.set('a', Buffer.from('one'));
    assert.equal(text(await cache.get('a')), 'one');
    await cache.set('a', Buffer.from('two'));
    assert.equal(text(await cache.get('a')), 'two', 'set overwrites');
    assert.equal(await cache.add('a', Buffer.from('three')), false, 'add refuses an existing key');
    assert.equal(text(await cache.get('a')), 'two', 'and leaves it alone');
    assert.equal(await cache.add('b', Buffer.from('new')), true, 'add stores an absent key');
    assert.equal(text(await cache.get('b')), 'new');
    await cache.delete('a');
    assert.equal(await cache.get('a'), undefined, 'a deleted key reads as absent');
    assert.equal(await cache.add('a', Buffer.from('again')), true, 'add works on a deleted key');
    assert.equal(text(await cache.get('a')), 'again');
    await cache.delete('never-there');
    await cache.close?.();
    await destroy(name);
  });

  test('nats_kv cache: a missing bucket and an unreachable server are clear errors', async () => {
    const cache = await newCache({ bucket: uniq('nobucket') });
    await assert.rejects(cache.get('x'), /nats_kv: bucket sluice_kv_nobucket_\S+ is not available/);
    await cache.close?.();
    const port = await deadPort();
    const dead = await newCache({ bucket: 'b', urls: [`nats://u:topsecret@127.0.0.1:${port}`] });
    await assert.rejects(dead.get('x'), (e: Error) => {
      assert.match(e.message, new RegExp(`nats_kv: failed to connect to nats://u:xxxxx@127\\.0\\.0\\.1:${port}`));
      assert.ok(!e.message.includes('topsecret'));
      return true;
    });
    await dead.close?.();
  });

  test('nats_kv output writes keys, nats_kv input watches them', async () => {
    const name = uniq('watch');
    const kv = await bucket(name);
    await kv.put('existing.one', 'before');
    const sink = new TestSink();
    sinks.set(name, sink);
    const watcher = await runStream(
      {
        http: { enabled: false },
        input: { nats_kv: { urls: URLS, bucket: name, key: '>' } },
        pipeline: { processors: [{ mapping: 'root.value = content().string()\nroot.meta = @' }] },
        output: { test_sink: { id: name } },
      },
      { logger: silentLogger },
    );
    await waitFor(() => sink.delivered.length >= 1, 5000, 'the existing value');
    const producer = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 3, interval: '', mapping: 'root.id = counter()' } },
        output: { nats_kv: { urls: URLS, bucket: name, key: 'item.${! this.id }' } },
      },
      { logger: silentLogger },
    );
    assert.equal(await producer.done, 0);
    await waitFor(() => sink.delivered.length >= 4, 5000, 'the three new keys');
    await kv.delete('item.2');
    await waitFor(() => sink.delivered.length >= 5, 5000, 'the delete marker');
    await watcher.stop();
    const docs = sink.delivered.map((t) => JSON.parse(t) as { value: string; meta: Record<string, unknown> });
    assert.equal(docs[0]!.value, 'before');
    assert.equal(docs[0]!.meta.nats_kv_key, 'existing.one');
    assert.equal(docs[0]!.meta.nats_kv_bucket, name);
    assert.equal(docs[0]!.meta.nats_kv_operation, 'KeyValuePutOp');
    assert.equal(docs[0]!.meta.nats_kv_revision, 1);
    assert.match(String(docs[0]!.meta.nats_kv_created), /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(
      docs.slice(1, 4).map((d) => [d.meta.nats_kv_key, JSON.parse(d.value)]),
      [
        ['item.1', { id: 1 }],
        ['item.2', { id: 2 }],
        ['item.3', { id: 3 }],
      ],
    );
    assert.equal(docs[4]!.meta.nats_kv_key, 'item.2');
    assert.equal(docs[4]!.meta.nats_kv_operation, 'KeyValueDeleteOp');
    assert.equal(docs[4]!.value, '');
    await destroy(name);
  });

  test('nats_kv input: ignore_deletes and a key filter', async () => {
    const name = uniq('filter');
    const kv = await bucket(name);
    const sink = new TestSink();
    sinks.set(name, sink);
    const watcher = await runStream(
      { http: { enabled: false }, input: { nats_kv: { urls: URLS, bucket: name, key: 'keep.*', ignore_deletes: true } }, output: { test_sink: { id: name } } },
      { logger: silentLogger },
    );
    await new Promise((r) => setTimeout(r, 300));
    await kv.put('keep.a', 'A');
    await kv.put('skip.b', 'B');
    await kv.delete('keep.a');
    await kv.put('keep.c', 'C');
    await waitFor(() => sink.delivered.length >= 2, 5000, 'two values');
    await new Promise((r) => setTimeout(r, 200));
    await watcher.stop();
    assert.deepEqual(sink.delivered, ['A', 'C']);
    await destroy(name);
  });

  test('nats_kv processor: put, get, get_revision, update, keys, history, delete', async () => {
    const name = uniq('proc');
    const kv = await bucket(name);
    const sink = new TestSink();
    sinks.set(name, sink);
    const proc = (operation: string, extra: Record<string, unknown> = {}) => ({ nats_kv: { urls: URLS, bucket: name, operation, key: 'k.${! @k }', ...extra } });
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 1, interval: '', mapping: 'root = "v1"\nmeta k = "x"' } },
        pipeline: {
          processors: [
            proc('put'),
            { mapping: 'root = "v2"' },
            proc('put'),
            { mapping: 'root = "v3"\nmeta rev = (@nats_kv_revision).string()' },
            proc('update', { revision: '${! @rev }' }),
            proc('get'),
            { mapping: 'meta got = content().string()' },
            proc('get_revision', { revision: '1' }),
            { mapping: 'meta first = content().string()' },
            proc('keys', { key: 'k.>' }),
            { mapping: 'meta keys = this' },
            proc('history'),
            { mapping: 'root = {"got": @got, "first": @first, "keys": @keys, "history": this.map_each(e -> e.value)}' },
          ],
        },
        output: { test_sink: { id: name } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0);
    assert.equal(sink.delivered.length, 1);
    assert.deepEqual(JSON.parse(sink.delivered[0]!), { got: 'v3', first: 'v1', keys: ['k.x'], history: ['v1', 'v2', 'v3'] });
    // A stale revision fails the update (and flags the message).
    const stale = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 1, interval: '', mapping: 'root = "v4"\nmeta k = "x"' } },
        pipeline: { processors: [proc('update', { revision: '1' }), { mapping: 'root = if errored() { "failed" } else { "updated" }' }] },
        output: { test_sink: { id: name } },
      },
      { logger: silentLogger },
    );
    assert.equal(await stale.done, 0);
    assert.equal(sink.delivered[1], 'failed');
    assert.equal((await kv.get('k.x'))!.string(), 'v3');
    const del = await runStream(
      { http: { enabled: false }, input: { generate: { count: 1, interval: '', mapping: 'root = ""\nmeta k = "x"' } }, pipeline: { processors: [proc('delete')] }, output: { drop: {} } },
      { logger: silentLogger },
    );
    assert.equal(await del.done, 0);
    assert.equal((await kv.get('k.x'))!.operation, 'DEL');
    await destroy(name);
  });

  test('nats_kv: teardown', async () => {
    await nc?.close();
  });
}
