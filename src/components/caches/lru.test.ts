import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../index.js';
import { buildCache, text, bytes, pause } from '../_shared/cache_testing.js';

test('lru: the least recently used key is evicted once cap is exceeded', async () => {
  const { cache } = await buildCache('lru', { cap: 2 });
  await cache.set('a', bytes('1'));
  await cache.set('b', bytes('2'));
  assert.equal(text(await cache.get('a')), '1'); // a is now more recent than b
  await cache.set('c', bytes('3'));
  assert.equal(await cache.get('b'), undefined, 'b was the least recently used');
  assert.equal(text(await cache.get('a')), '1');
  assert.equal(text(await cache.get('c')), '3');
});

test('lru: add on an existing key fails, init_values are there, TTLs are ignored', async () => {
  const { cache } = await buildCache('lru', { cap: 10, init_values: { foo: 'bar' } });
  assert.equal(text(await cache.get('foo')), 'bar');
  assert.equal(await cache.add('foo', bytes('baz')), false);
  assert.equal(text(await cache.get('foo')), 'bar');
  await cache.set('t', bytes('v'), 5);
  await pause(20);
  assert.equal(text(await cache.get('t')), 'v');
  await cache.delete('foo');
  assert.equal(await cache.add('foo', bytes('baz')), true);
});

test('ttlru: entries expire after default_ttl; reading renews them', async () => {
  // Wide margins (100ms either side) so a loaded machine does not flip the outcome.
  const { cache } = await buildCache('ttlru', { cap: 10, default_ttl: '300ms' });
  await cache.set('read', bytes('1'));
  await cache.set('idle', bytes('2'));
  await pause(200);
  assert.equal(text(await cache.get('read')), '1'); // renews 'read' until ~500ms
  await pause(200);
  assert.equal(await cache.get('idle'), undefined, 'idle expired at ~300ms');
  assert.equal(text(await cache.get('read')), '1', 'read was renewed at ~200ms');
});

test('ttlru: when full, the entry closest to expiring is evicted; add refuses live keys', async () => {
  const { cache } = await buildCache('ttlru', { cap: 2, default_ttl: '1h' });
  await cache.set('old', bytes('1'));
  await cache.set('new', bytes('2'));
  await cache.set('newest', bytes('3'));
  assert.equal(await cache.get('old'), undefined);
  assert.equal(await cache.add('new', bytes('x')), false);
  assert.equal(text(await cache.get('new')), '2');
});

test('ttlru: the deprecated ttl field still sets the TTL', async () => {
  const { cache } = await buildCache('ttlru', { ttl: '30ms' });
  await cache.set('k', bytes('v'));
  await pause(60);
  assert.equal(await cache.get('k'), undefined);
});
