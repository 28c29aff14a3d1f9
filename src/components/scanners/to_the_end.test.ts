import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanAll, texts } from '../_shared/scanner_testing.js';

test('to_the_end: the whole stream is one message', async () => {
  assert.deepEqual(texts(await scanAll({ to_the_end: {} }, 'hello\nworld\n\nbye', { chunkSize: 2 })), ['hello\nworld\n\nbye']);
});

test('to_the_end: an empty stream is one empty message (as Go io.ReadAll gives)', async () => {
  assert.deepEqual(texts(await scanAll({ to_the_end: {} }, '')), ['']);
});
