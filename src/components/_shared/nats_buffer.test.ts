import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PushBuffer } from './nats_buffer.js';

test('PushBuffer hands items to a waiting reader, wakes it, closes and fails', async () => {
  const b = new PushBuffer<number>();
  const waiting = b.wait();
  b.push(1);
  assert.equal(await waiting, true);
  b.push(2);
  assert.deepEqual(b.take(5), [1, 2]);
  const woken = b.wait();
  b.wake();
  assert.equal(await woken, true, 'wake lets the reader look elsewhere (replays)');
  const closed = b.wait();
  b.close();
  assert.equal(await closed, false);
  const f = new PushBuffer<number>();
  const failing = f.wait();
  f.fail(new Error('gone'));
  await assert.rejects(failing, /gone/);
});

test('PushBuffer compacts while staying in order', () => {
  const b = new PushBuffer<number>();
  for (let i = 0; i < 5000; i++) b.push(i);
  const out: number[] = [];
  while (b.size > 0) out.push(...b.take(7));
  assert.equal(out.length, 5000);
  assert.ok(out.every((v, i) => v === i));
});
