import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanAll, texts } from '../_shared/scanner_testing.js';

const logs = 'preamble\n10:00:00 one\n  trace a\n  trace b\n10:00:01 two\n10:00:02 three\n';

test('re_match: each message starts at a match and runs to the next one; text before the first match is its own message', async () => {
  for (const chunkSize of [1, 4, 65536]) {
    const got = await scanAll({ re_match: { pattern: '(?m)^\\d\\d:\\d\\d:\\d\\d' } }, logs, { chunkSize });
    assert.deepEqual(texts(got), ['preamble\n', '10:00:00 one\n  trace a\n  trace b\n', '10:00:01 two\n', '10:00:02 three\n'], `read size ${chunkSize}`);
  }
});

test('re_match: no match at all gives the whole stream', async () => {
  assert.deepEqual(texts(await scanAll({ re_match: { pattern: 'XYZ' } }, 'abc\ndef', { chunkSize: 2 })), ['abc\ndef']);
});

test('re_match: byte offsets are right with multi-byte characters', async () => {
  assert.deepEqual(texts(await scanAll({ re_match: { pattern: '#' } }, 'é#ü#ß')), ['é', '#ü', '#ß']);
});

test('re_match: a segment longer than max_buffer_size is an error', async () => {
  await assert.rejects(scanAll({ re_match: { pattern: '^#', max_buffer_size: 16 } }, '#' + 'x'.repeat(100) + '#y', { chunkSize: 8 }), /token too long/);
});

test('re_match: an invalid pattern is a config error', async () => {
  await assert.rejects(scanAll({ re_match: { pattern: '(' } }, 'x'), /invalid regular expression/);
});
