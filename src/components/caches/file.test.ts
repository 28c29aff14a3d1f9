import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../index.js';
import { buildCache, buildResources, text, bytes } from '../_shared/cache_testing.js';

test('file: each item is a file under the directory; add refuses existing files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-file-cache-'));
  const { cache } = await buildCache('file', { directory: dir });
  await cache.set('sub/a.txt', bytes('hello'));
  assert.equal(readFileSync(join(dir, 'sub/a.txt'), 'utf8'), 'hello');
  assert.equal(text(await cache.get('sub/a.txt')), 'hello');
  assert.equal(await cache.add('sub/a.txt', bytes('other')), false);
  assert.equal(await cache.add('b', bytes('new')), true);
  await cache.delete('sub/a.txt');
  assert.equal(await cache.get('sub/a.txt'), undefined);
  await cache.delete('sub/a.txt');
  await assert.rejects(cache.set('../escape', bytes('x')), /not a path inside/);
});

test('noop: stores nothing; add always succeeds', async () => {
  const { cache } = await buildCache('noop', {});
  await cache.set('k', bytes('v'));
  assert.equal(await cache.get('k'), undefined);
  assert.equal(await cache.add('k', bytes('v')), true);
  assert.equal(await cache.add('k', bytes('v')), true);
});

test('multilevel: reads through and writes back to the upper level; add checks every level', async () => {
  const r = await buildResources({
    cache_resources: [
      { label: 'both', multilevel: ['hot', 'cold'] },
      { label: 'hot', memory: {} },
      { label: 'cold', lru: {} },
    ],
  });
  const [both, hot, cold] = ['both', 'hot', 'cold'].map((l) => r.caches.get(l)!);
  await cold!.set('k', bytes('from cold'));
  assert.equal(await hot!.get('k'), undefined);
  assert.equal(text(await both!.get('k')), 'from cold');
  assert.equal(text(await hot!.get('k')), 'from cold', 'written back to the hot level');
  await both!.set('s', bytes('v'));
  assert.equal(text(await hot!.get('s')), 'v');
  assert.equal(text(await cold!.get('s')), 'v');
  assert.equal(await both!.add('s', bytes('w')), false);
  await hot!.set('only-hot', bytes('h'));
  assert.equal(await both!.add('only-hot', bytes('w')), false, 'a key in any level counts');
  assert.equal(await both!.add('fresh', bytes('f')), true);
  assert.equal(text(await cold!.get('fresh')), 'f');
  assert.equal(text(await hot!.get('fresh')), 'f');
  await both!.delete('fresh');
  assert.equal(await hot!.get('fresh'), undefined);
  assert.equal(await cold!.get('fresh'), undefined);
  await r.close();
});

test('multilevel: fewer than two levels is a config error', async () => {
  await assert.rejects(buildResources({ cache_resources: [{ label: 'x', multilevel: ['a'] }] }), /at least two cache levels/);
});
