import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { runPipeline, texts } from '../_shared/proc_test_support.js';
import { parseStreamConfig } from '../../library.js';

/**
 * Archives written by Go's archive/tar and archive/zip (what Benthos reads and writes). The tar
 * (gzipped here to keep it short) holds testfile0, dir/testfile1 and a 124-character name that
 * only fits in a PAX header; the zip holds a deflated testfile0 and a stored stored.txt.
 */
const GO_TAR_GZ =
  'H4sIAAAAAAACA+3VSw6CMBCA4a49RU+AU54r9y69QmOLkNTWtGPk+KIxaCDGjUAI821K2JSG/B3UAcvaaGDjgVYO8FxhuALE+fv58V4IEBnjY35T5xpQ+nb7fxzy83ALUWljHL85bxQvax+QX6RHRlZC1X6LrztAzNU/DPrPipj6n0LQR2cVdbBWB9nstVTahwi2dhxfuu+aj/v9J3GRJ4w3S+p/oUSSthMfq52dSYQNbqjDuUzxi3/OfyF6/adZVtD8n4Jx9sStPGtKgRBCVuUOB9F/+wAUAAA=';
const GO_ZIP =
  'UEsDBBQACAAIAAAAAAAAAAAAAAAAAAAAAAAJAAAAdGVzdGZpbGUwykjNyclXKM8vyklRSMssKi5RKEgsKgEEAAD//1BLBwjiAY3VHAAAABYAAABQSwMEFAAIAAAAAAAAAAAAAAAAAAAAAAAAAAoAAABzdG9yZWQudHh0bm90IGNvbXByZXNzZWRQSwcIMbpyag4AAAAOAAAAUEsBAhQAFAAIAAgAAAAAAOIBjdUcAAAAFgAAAAkAAAAAAAAAAAAAAAAAAAAAAHRlc3RmaWxlMFBLAQIUABQACAAAAAAAAAAxunJqDgAAAA4AAAAKAAAAAAAAAAAAAAAAAFMAAABzdG9yZWQudHh0UEsFBgAAAAACAAIAbwAAAJkAAAAAAA==';

const metas = (run: Awaited<ReturnType<typeof runPipeline>>, key: string): unknown[] => run.batches.flat().map((m) => m.getMeta(key));

test('lines: one message per line, an empty last line included (as Benthos splits)', async () => {
  const run = await runPipeline([{ unarchive: { format: 'lines' } }], ['hello world first part\nhello world second part\nthird part\nfourth\n5', 'x\n']);
  assert.deepEqual(texts(run), [['hello world first part', 'hello world second part', 'third part', 'fourth', '5', 'x', '']]);
});

test('the new messages replace the original in its batch and copy its metadata', async () => {
  const run = await runPipeline([{ unarchive: { format: 'lines' } }], ['a\nb', 'c'], { meta: { src: 'm{i}' } });
  assert.deepEqual(texts(run), [['a', 'b', 'c']]);
  assert.deepEqual(metas(run, 'src'), ['m0', 'm0', 'm1']);
  assert.deepEqual(run.source.acked, ['a\nb', 'c']);
});

test('json_documents: each concatenated document becomes a message, serialised as JSON', async () => {
  const run = await runPipeline([{ unarchive: { format: 'json_documents' } }], ['{"foo":"bar"} 5 "testing 123" ["root", "is", "an", "array"] {"bar": "baz"} true']);
  assert.deepEqual(texts(run), [['{"foo":"bar"}', '5', '"testing 123"', '["root","is","an","array"]', '{"bar":"baz"}', 'true']]);
});

test('json_documents: documents need no whitespace between them; a bad one fails the message', async () => {
  const ok = await runPipeline([{ unarchive: { format: 'json_documents' } }], ['{"a":1}{"b":2}[3]"x"null']);
  assert.deepEqual(texts(ok), [['{"a":1}', '{"b":2}', '[3]', '"x"', 'null']]);
  const bad = await runPipeline([{ unarchive: { format: 'json_documents' } }], ['{"a":1} nope', '[1] ]', '{"a":1']);
  assert.deepEqual(texts(bad), [['{"a":1} nope', '[1] ]', '{"a":1']]);
  // Go's decoder wording for each failure.
  assert.deepEqual(bad.batches[0]!.map((m) => m.error?.message), [
    "invalid character 'o' in literal null (expecting 'u')",
    "invalid character ']' looking for beginning of value",
    'unexpected EOF',
  ]);
});

test('json_array: each element becomes a message', async () => {
  const run = await runPipeline([{ unarchive: { format: 'json_array' } }], ['[{"foo":"bar"},5,"testing 123",["nested","array"],true]']);
  assert.deepEqual(texts(run), [['{"foo":"bar"}', '5', '"testing 123"', '["nested","array"]', 'true']]);
});

test('json_array: a message that is not an array is flagged and left unchanged; others still unarchive', async () => {
  const run = await runPipeline([{ unarchive: { format: 'json_array' } }], ['{"a":1}', '[1,2]', 'nope']);
  const [obj, one, two, nope] = run.batches[0]!;
  assert.equal(obj!.asString(), '{"a":1}');
  assert.equal(obj!.error?.message, "failed to parse message into JSON array: invalid type 'map[string]interface {}'");
  assert.deepEqual([one!.asString(), two!.asString()], ['1', '2']);
  assert.equal(one!.error, null);
  assert.equal(nope!.asString(), 'nope');
  assert.match(nope!.error?.message ?? '', /^failed to parse message into JSON array: /);
});

test('json_map: each value becomes a message with its key in archive_key', async () => {
  const run = await runPipeline([{ unarchive: { format: 'json_map' } }], ['{"a":{"foo":"bar"},"b":5,"c":"testing 123","d":["nested","array"],"e":true}']);
  const got = Object.fromEntries(run.batches[0]!.map((m) => [m.getMeta('archive_key'), m.asString()]));
  assert.deepEqual(got, { a: '{"foo":"bar"}', b: '5', c: '"testing 123"', d: '["nested","array"]', e: 'true' });
  const notMap = await runPipeline([{ unarchive: { format: 'json_map' } }], ['[1]']);
  assert.equal(notMap.batches[0]![0]!.error?.message, "failed to parse message into JSON map: invalid type '[]interface {}'");
});

test('binary: reads the documented blob format', async () => {
  const blob = Buffer.from([0, 0, 0, 3, 0, 0, 0, 5, ...Buffer.from('hello'), 0, 0, 0, 0, 0, 0, 0, 1, 0x21]);
  const run = await runPipeline([{ unarchive: { format: 'binary' } }], [blob.toString('base64')], { base64: true });
  assert.deepEqual(texts(run), [['hello', '', '!']]);
  const short = await runPipeline([{ unarchive: { format: 'binary' } }], [Buffer.from([0, 0, 0, 2, 0, 0, 0, 9, 1]).toString('base64')], { base64: true });
  assert.equal(short.batches[0]![0]!.error?.message, 'serialised message bytes were in unexpected format');
});

test('csv: the header names the fields of one JSON object per row (keys in sorted order, as Benthos writes them)', async () => {
  const run = await runPipeline([{ unarchive: { format: 'csv' } }], ['id,name,color\n1,foo,blue\n2,bar,green\n3,baz,red']);
  assert.deepEqual(texts(run), [['{"color":"blue","id":"1","name":"foo"}', '{"color":"green","id":"2","name":"bar"}', '{"color":"red","id":"3","name":"baz"}']]);
});

test('csv:x uses a custom single-character delimiter', async () => {
  const run = await runPipeline([{ unarchive: { format: 'csv:|' } }], ['id|name|color\n1|foo|blue\n2|bar|green\n3|baz|red']);
  assert.deepEqual(texts(run), [['{"color":"blue","id":"1","name":"foo"}', '{"color":"green","id":"2","name":"bar"}', '{"color":"red","id":"3","name":"baz"}']]);
  const tab = await runPipeline([{ unarchive: { format: 'csv:\t' } }], ['a\tb\n1\t2\n']);
  assert.deepEqual(texts(tab), [['{"a":"1","b":"2"}']]);
});

test('csv follows Go quoting rules: quoted delimiters, doubled quotes, multi-line fields, CRLF, blank lines', async () => {
  const run = await runPipeline([{ unarchive: { format: 'csv' } }], ['name,note\r\n"Smith, J","said ""hi"""\r\n\r\n"multi\nline",x\r\n']);
  assert.deepEqual(run.batches[0]!.map((m) => m.asStructured()), [
    { name: 'Smith, J', note: 'said "hi"' },
    { name: 'multi\nline', note: 'x' },
  ]);
});

test('csv errors (row width, stray quotes) flag the message with Go\'s wording and leave it unchanged', async () => {
  const wide = await runPipeline([{ unarchive: { format: 'csv' } }], ['a,b\n1,2\n3,4,5\n']);
  assert.equal(wide.batches[0]!.length, 1);
  assert.equal(wide.batches[0]![0]!.error?.message, 'failed to parse message as csv: record on line 3: wrong number of fields');
  const quote = await runPipeline([{ unarchive: { format: 'csv' } }], ['a,b\n1,x"y\n']);
  assert.equal(quote.batches[0]![0]!.error?.message, 'failed to parse message as csv: parse error on line 2, column 4: bare " in non-quoted-field');
});

test('tar: reads an archive written by Go, long PAX names included, with archive_filename set', async () => {
  const tar = zlib.gunzipSync(Buffer.from(GO_TAR_GZ, 'base64')).toString('base64');
  const run = await runPipeline([{ unarchive: { format: 'tar' } }], [tar], { base64: true, meta: { origin: 'upload' } });
  assert.deepEqual(texts(run), [['hello world first part', 'second', 'long name']]);
  assert.deepEqual(metas(run, 'archive_filename'), ['testfile0', 'dir/testfile1', `${'n'.repeat(120)}.txt`]);
  assert.deepEqual(metas(run, 'origin'), ['upload', 'upload', 'upload']);
});

test('zip: reads an archive written by Go, deflated and stored entries, with archive_filename set', async () => {
  const run = await runPipeline([{ unarchive: { format: 'zip' } }], [GO_ZIP], { base64: true });
  assert.deepEqual(texts(run), [['hello world first part', 'not compressed']]);
  assert.deepEqual(metas(run, 'archive_filename'), ['testfile0', 'stored.txt']);
});

test('tar and zip: a message that is not an archive is flagged and kept; the next one still unarchives', async () => {
  for (const [format, good] of [
    ['zip', GO_ZIP],
    ['tar', zlib.gunzipSync(Buffer.from(GO_TAR_GZ, 'base64')).toString('base64')],
  ] as const) {
    const run = await runPipeline([{ unarchive: { format } }], [Buffer.from('definitely not an archive').toString('base64'), good], { base64: true });
    const [bad, ...rest] = run.batches[0]!;
    assert.equal(bad!.asString(), 'definitely not an archive', format);
    assert.ok(bad!.error, format);
    assert.ok(rest.length >= 2 && rest.every((m) => m.error === null), format);
  }
});

test('an archive with no entries removes the message (and acknowledges it)', async () => {
  const run = await runPipeline([{ unarchive: { format: 'json_array' } }], ['[]', '[1]']);
  assert.deepEqual(run.delivered, ['1']);
  assert.deepEqual(run.source.acked, ['[]', '[1]']);
});

test('unknown formats and bad csv delimiters are config errors', () => {
  for (const format of ['rar', 'csv:', 'csv:ab', 'csv:"']) {
    const parsed = parseStreamConfig({ pipeline: { processors: [{ unarchive: { format } }] }, output: { drop: {} } });
    assert.equal(parsed.config, undefined, format);
  }
});

test('xml_documents_to_json: each concatenated XML document becomes a JSON message (mxj conventions)', async () => {
  const xml = '<?xml version="1.0"?>\n<root><a id="1">x</a><b>2</b></root>\n<!-- c --><root><b>true</b><b>3</b></root>\n';
  const plain = await runPipeline([{ unarchive: { format: 'xml_documents_to_json' } }], [xml], { meta: { k: 'v' } });
  assert.deepEqual(plain.batches[0]!.map((m) => m.asStructured()), [{ root: { a: { '#text': 'x', '-id': '1' }, b: '2' } }, { root: { b: ['true', '3'] } }]);
  assert.deepEqual(metas(plain, 'k'), ['v', 'v']);
  const cast = await runPipeline([{ unarchive: { format: 'xml_documents_to_json:cast' } }], [xml]);
  assert.deepEqual(cast.batches[0]!.map((m) => m.asStructured()), [{ root: { a: { '#text': 'x', '-id': 1 }, b: 2 } }, { root: { b: [true, 3] } }]);
  const selfClosing = await runPipeline([{ unarchive: { format: 'xml_documents_to_json' } }], ['<root><a>1</a></root><other/>']);
  assert.deepEqual(selfClosing.batches[0]!.map((m) => m.asStructured()), [{ root: { a: '1' } }, { other: '' }]);
});

test('xml_documents_to_json: an unfinished document flags the message and leaves it unchanged', async () => {
  const run = await runPipeline([{ unarchive: { format: 'xml_documents_to_json' } }], ['<root><a>1</a>']);
  assert.equal(run.batches[0]!.length, 1);
  assert.equal(run.batches[0]![0]!.asString(), '<root><a>1</a>');
  assert.match(run.batches[0]![0]!.error?.message ?? '', /XML syntax error.*unexpected EOF/);
});
