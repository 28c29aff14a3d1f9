import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { runPipeline, texts } from '../_shared/proc_test_support.js';

/** Reads a ustar archive by hand (512-byte headers, octal sizes), independently of the code under test. */
function readUstar(b: Buffer): Array<{ name: string; mode: number; magic: string; body: string }> {
  const out = [];
  for (let at = 0; at + 512 <= b.length; ) {
    const h = b.subarray(at, at + 512);
    if (h.every((x) => x === 0)) break;
    const str = (from: number, len: number): string => h.subarray(from, from + len).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(str(124, 12).trim(), 8);
    const prefix = str(345, 155);
    const name = prefix ? `${prefix}/${str(0, 100)}` : str(0, 100);
    out.push({ name, mode: parseInt(str(100, 8).trim(), 8), magic: str(257, 6), body: b.subarray(at + 512, at + 512 + size).toString('utf8') });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

/** Reads a zip by hand through its central directory, inflating entries with node:zlib. */
function readZipByHand(b: Buffer): Array<{ name: string; method: number; mode: number; body: string }> {
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = b.readUInt16LE(eocd + 10);
  let at = b.readUInt32LE(eocd + 16);
  const out = [];
  for (let i = 0; i < count; i++) {
    assert.equal(b.readUInt32LE(at), 0x02014b50);
    const method = b.readUInt16LE(at + 10);
    const csize = b.readUInt32LE(at + 20);
    const nameLen = b.readUInt16LE(at + 28);
    const extraLen = b.readUInt16LE(at + 30);
    const commentLen = b.readUInt16LE(at + 32);
    const mode = b.readUInt32LE(at + 38) >>> 16;
    const local = b.readUInt32LE(at + 42);
    const name = b.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + b.readUInt16LE(local + 26) + b.readUInt16LE(local + 28);
    const raw = b.subarray(dataAt, dataAt + csize);
    out.push({ name, method, mode, body: (method === 8 ? zlib.inflateRawSync(raw) : raw).toString('utf8') });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

test('concatenate joins the raw contents into one message; the source batch is acknowledged once', async () => {
  const run = await runPipeline([{ archive: { format: 'concatenate' } }], ['a', 'bc', 'd']);
  assert.deepEqual(texts(run), [['abcd']]);
  assert.deepEqual(run.delivered, ['abcd']);
  assert.deepEqual(run.source.acked, ['a', 'bc', 'd']);
});

test('lines puts a line break between messages (none after the last)', async () => {
  const run = await runPipeline([{ archive: { format: 'lines' } }], ['first', 'second', '', 'fourth']);
  assert.deepEqual(texts(run), [['first\nsecond\n\nfourth']]);
});

test('binary writes the documented blob: u32 count, then u32 length and bytes per message (big endian)', async () => {
  const run = await runPipeline([{ archive: { format: 'binary' } }], ['hello', 'world']);
  const want = [0, 0, 0, 2, 0, 0, 0, 5, ...Buffer.from('hello'), 0, 0, 0, 5, ...Buffer.from('world')];
  assert.deepEqual([...run.batches[0]![0]!.asBytes()], want);
});

test('json_array parses each message and writes them as one JSON array', async () => {
  const run = await runPipeline([{ archive: { format: 'json_array' } }], ['{"a":1}', '2', '"x"', '[true]']);
  assert.deepEqual(JSON.parse(run.delivered[0]!), [{ a: 1 }, 2, 'x', [true]]);
  assert.equal(run.batches[0]!.length, 1);
});

test('json_array with a message that is not JSON flags every message of the batch and keeps them', async () => {
  const run = await runPipeline([{ archive: { format: 'json_array' } }], ['{"a":1}', 'nope']);
  assert.equal(run.batches[0]!.length, 2);
  for (const m of run.batches[0]!) assert.match(m.error?.message ?? '', /^failed to parse message as JSON/);
  assert.deepEqual(JSON.parse(run.delivered[0]!), { a: 1 });
  assert.equal(run.delivered[1], 'nope');
  assert.equal(run.source.acked.length, 2);
});

test('tar names each file with the interpolated path (the documented example) and is a valid ustar archive', async () => {
  const docs = ['{"doc":{"id":"foo","body":"hello world 1"}}', '{"doc":{"id":"bar","body":"hello world 2"}}'];
  const run = await runPipeline([{ archive: { format: 'tar', path: '${!json("doc.id")}.json' } }], docs);
  const entries = readUstar(run.batches[0]![0]!.asBytes());
  assert.deepEqual(
    entries.map((e) => [e.name, e.body, e.magic]),
    [
      ['foo.json', docs[0], 'ustar'],
      ['bar.json', docs[1], 'ustar'],
    ],
  );
  // Benthos writes archived files with mode 0666.
  assert.deepEqual(entries.map((e) => e.mode), [0o666, 0o666]);
});

test('zip writes deflated entries named by the path, readable by a plain zip reader', async () => {
  const run = await runPipeline([{ archive: { format: 'zip', path: 'file-${! batch_index() }.txt' } }], ['first', 'second '.repeat(20)]);
  const entries = readZipByHand(run.batches[0]![0]!.asBytes());
  assert.deepEqual(
    entries.map((e) => [e.name, e.method, e.body]),
    [
      ['file-0.txt', 8, 'first'],
      ['file-1.txt', 8, 'second '.repeat(20)],
    ],
  );
  assert.deepEqual(entries.map((e) => e.mode & 0o777), [0o666, 0o666]);
});

test('the archive adopts the metadata of the first message', async () => {
  const run = await runPipeline([{ archive: { format: 'lines' } }], ['a', 'b'], { meta: { n: 'msg{i}' } });
  assert.equal(run.batches[0]!.length, 1);
  assert.equal(run.batches[0]![0]!.getMeta('n'), 'msg0');
});

test('each input batch becomes one archive', async () => {
  const run = await runPipeline([{ archive: { format: 'concatenate' } }], ['a', 'b', 'c', 'd', 'e'], { batchSize: 2 });
  assert.deepEqual(texts(run), [['ab'], ['cd'], ['e']]);
  assert.equal(run.source.acked.length, 5);
});

test('archive then unarchive gives the original messages back, for every format that can be read back', async () => {
  const inputs = ['{"id":1}', '{"id":2}', '{"id":3}'];
  for (const format of ['binary', 'lines', 'json_array', 'tar', 'zip']) {
    const run = await runPipeline([{ archive: { format, path: '${! batch_index() }.json' } }, { unarchive: { format } }], inputs);
    assert.deepEqual(run.delivered, inputs, format);
    assert.equal(run.batches.length, 1, format);
    assert.equal(run.source.acked.length, 3, format);
    if (format === 'tar' || format === 'zip') assert.deepEqual(run.batches[0]!.map((m) => m.getMeta('archive_filename')), ['0.json', '1.json', '2.json']);
  }
});
