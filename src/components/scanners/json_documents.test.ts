import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanAll, texts } from '../_shared/scanner_testing.js';

test('json_documents: concatenated and whitespace-separated documents of every kind', async () => {
  const text = '{"a":1}{"b":[1,2,{"c":"}]"}]}\n  "str\\"ing" 42 -1.5e3 true null [1]\n';
  for (const chunkSize of [1, 3, 65536]) {
    const got = await scanAll({ json_documents: {} }, text, { chunkSize });
    assert.deepEqual(
      got.map((m) => m.asStructured()),
      [{ a: 1 }, { b: [1, 2, { c: '}]' }] }, 'str"ing', 42, -1500, true, null, [1]],
      `read size ${chunkSize}`,
    );
  }
});

test('json_documents: one document per line, re-serialised compactly; a string document stays JSON', async () => {
  const got = await scanAll({ json_documents: {} }, '{ "id": 1,\n  "tags": [ "x" ] }\n{"id":2}\n "a\\"b" 7\n');
  assert.deepEqual(texts(got), ['{"id":1,"tags":["x"]}', '{"id":2}', '"a\\"b"', '7']);
});

test('json_documents: empty or blank input gives nothing', async () => {
  assert.deepEqual(await scanAll({ json_documents: {} }, ''), []);
  assert.deepEqual(await scanAll({ json_documents: {} }, ' \n\t\n'), []);
});

test('json_documents: invalid or unfinished JSON is an error', async () => {
  await assert.rejects(scanAll({ json_documents: {} }, '{"a":}'));
  await assert.rejects(scanAll({ json_documents: {} }, '{"a":1'), /unexpected end/);
  await assert.rejects(scanAll({ json_documents: {} }, '{"a":1},{"b":2}'), /invalid character ','/);
});
