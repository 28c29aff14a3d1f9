import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanAll, texts } from '../_shared/scanner_testing.js';

const conf = {
  switch: [
    { re_match_name: '\\.csv$', scanner: { csv: {} } },
    { re_match_name: '\\.json$', scanner: { json_documents: {} } },
    { scanner: { lines: {} } },
  ],
};

test('switch: the first candidate whose pattern matches the source name is used', async () => {
  assert.deepEqual(texts(await scanAll(conf, 'a,b\n1,2\n', { name: 'data/x.csv' })), ['{"a":"1","b":"2"}']);
  assert.deepEqual(texts(await scanAll(conf, '{"k":1} {"k":2}', { name: 'x.json' })), ['{"k":1}', '{"k":2}']);
});

test('switch: a candidate without a pattern catches everything else', async () => {
  assert.deepEqual(texts(await scanAll(conf, 'a,b\n1,2\n', { name: 'x.csv.txt' })), ['a,b', '1,2']);
});

test('switch: no matching candidate is an error naming the source', async () => {
  const strict = { switch: [{ re_match_name: '\\.csv$', scanner: { csv: {} } }] };
  await assert.rejects(scanAll(strict, 'x', { name: 'notes.txt' }), /no scanner candidate matched the source "notes.txt"/);
});
