import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../index.js';
import { buildResources, pause } from '../_shared/cache_testing.js';

test('local: count accesses per window go at once, the next waits for the rest of the interval', async () => {
  const r = await buildResources({ rate_limit_resources: [{ label: 'l', local: { count: 3, interval: '100ms' } }] });
  const rl = r.rateLimits.get('l')!;
  assert.deepEqual([await rl.access(), await rl.access(), await rl.access()], [0, 0, 0]);
  const wait = await rl.access();
  assert.ok(wait > 50 && wait <= 100, `waits ${wait}ms`);
  await pause(wait + 5);
  assert.equal(await rl.access(), 0, 'a new window opened');
  assert.equal(await rl.access(), 0);
  assert.equal(await rl.access(), 0);
  assert.ok((await rl.access()) > 0, 'and it holds count accesses too');
});

test('local: count 0 never limits', async () => {
  const r = await buildResources({ rate_limit_resources: [{ label: 'l', local: { count: 0 } }] });
  for (let i = 0; i < 100; i++) assert.equal(await r.rateLimits.get('l')!.access(), 0);
});
