import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../index.js';
import { buildCache, text, bytes, pause } from '../_shared/cache_testing.js';

test('memory: set, get, delete; a missing key is undefined', async () => {
  const { cache } = await buildCache('memory', {});
  assert.equal(await cache.get('a'), undefined);
  await cache.set('a', bytes('1'));
  assert.equal(text(await cache.get('a')), '1');
  await cache.set('a', bytes('2'));
  assert.equal(text(await cache.get('a')), '2', 'set overwrites');
  await cache.delete('a');
  assert.equal(await cache.get('a'), undefined);
  await cache.delete('never-there');
});

test('memory: add refuses an existing key and keeps its value', async () => {
  const { cache } = await buildCache('memory', {});
  assert.equal(await cache.add('k', bytes('first')), true);
  assert.equal(await cache.add('k', bytes('second')), false);
  assert.equal(text(await cache.get('k')), 'first');
});

test('memory: items expire after default_ttl, and add succeeds again once expired', async () => {
  const { cache } = await buildCache('memory', { default_ttl: '60ms', compaction_interval: '10ms' });
  await cache.set('k', bytes('v'));
  assert.equal(text(await cache.get('k')), 'v');
  await pause(90);
  assert.equal(await cache.get('k'), undefined, 'expired');
  assert.equal(await cache.add('k', bytes('again')), true);
  assert.equal(text(await cache.get('k')), 'again');
});

test('memory: a per-key ttl overrides the default one', async () => {
  const { cache } = await buildCache('memory', { default_ttl: '1h', compaction_interval: '10ms' });
  await cache.set('short', bytes('v'), 40);
  await cache.set('long', bytes('v'));
  await pause(70);
  assert.equal(await cache.get('short'), undefined);
  assert.equal(text(await cache.get('long')), 'v');
});

test('memory: an empty compaction_interval disables expiry entirely', async () => {
  const { cache } = await buildCache('memory', { default_ttl: '20ms', compaction_interval: '' });
  await cache.set('k', bytes('v'), 10);
  await pause(50);
  assert.equal(text(await cache.get('k')), 'v');
});

test('memory: init_values are present from the start and exempt from the TTL', async () => {
  const { cache } = await buildCache('memory', { default_ttl: '20ms', compaction_interval: '1ms', init_values: { Nickelback: '1995' } });
  await pause(40);
  await cache.set('other', bytes('x')); // a write triggers compaction
  assert.equal(text(await cache.get('Nickelback')), '1995');
  await cache.set('Nickelback', bytes('2000'));
  await pause(40);
  assert.equal(await cache.get('Nickelback'), undefined, 'once overridden the TTL applies');
});
