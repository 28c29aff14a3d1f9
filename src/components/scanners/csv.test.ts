import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanAll } from '../_shared/scanner_testing.js';

const values = (msgs: { asStructured(): unknown }[]): unknown[] => msgs.map((m) => m.asStructured());

test('csv: rows become objects keyed by the header row, with csv_row from 0', async () => {
  for (const chunkSize of [1, 5, 65536]) {
    const got = await scanAll({ csv: {} }, 'name,age\nalice,30\nbob,25\n', { chunkSize });
    assert.deepEqual(values(got), [
      { name: 'alice', age: '30' },
      { name: 'bob', age: '25' },
    ]);
    assert.deepEqual(
      got.map((m) => m.getMeta('csv_row')),
      [0, 1],
    );
  }
});

test('csv: object keys serialise sorted, as a Go map does', async () => {
  const got = await scanAll({ csv: {} }, 'name,age\nalice,30\n');
  assert.equal(got[0]!.asString(), '{"age":"30","name":"alice"}');
});

test('csv: parse_header_row false gives arrays of every row', async () => {
  const got = await scanAll({ csv: { parse_header_row: false } }, 'name,age\nalice,30\n');
  assert.deepEqual(values(got), [
    ['name', 'age'],
    ['alice', '30'],
  ]);
});

test('csv: custom_delimiter', async () => {
  assert.deepEqual(values(await scanAll({ csv: { custom_delimiter: ';' } }, 'a;b\n1,5;2\n')), [{ a: '1,5', b: '2' }]);
  assert.deepEqual(values(await scanAll({ csv: { custom_delimiter: '\t' } }, 'a\tb\nx\ty\n')), [{ a: 'x', b: 'y' }]);
});

test('csv: quoted fields hold delimiters, line breaks and doubled quotes, across read boundaries', async () => {
  const text = 'a,b\n"x,1","line1\nline2"\n"say ""hi""",z\n';
  for (const chunkSize of [1, 2, 65536]) {
    assert.deepEqual(values(await scanAll({ csv: {} }, text, { chunkSize })), [
      { a: 'x,1', b: 'line1\nline2' },
      { a: 'say "hi"', b: 'z' },
    ]);
  }
});

test('csv: CRLF line ends, empty lines and a missing final line break', async () => {
  assert.deepEqual(values(await scanAll({ csv: {} }, 'a,b\r\n\r\nx,y\r\n\n1,2')), [
    { a: 'x', b: 'y' },
    { a: '1', b: '2' },
  ]);
  // Inside a quoted field a CRLF becomes LF, as in Go.
  assert.deepEqual(values(await scanAll({ csv: {} }, 'a\r\n"p\r\nq"\r\n')), [{ a: 'p\nq' }]);
});

test('csv: a bare quote is an error with Go\'s wording, unless lazy_quotes', async () => {
  await assert.rejects(scanAll({ csv: {} }, 'a,b\nx"y,z\n'), { message: 'parse error on line 2, column 2: bare " in non-quoted field' });
  assert.deepEqual(values(await scanAll({ csv: { lazy_quotes: true } }, 'a,b\nx"y,z\n')), [{ a: 'x"y', b: 'z' }]);
});

test('csv: a stray quote inside a quoted field is an error, unless lazy_quotes', async () => {
  await assert.rejects(scanAll({ csv: {} }, 'a,b\n"x"y,z\n'), { message: 'parse error on line 2, column 3: extraneous or missing " in quoted field' });
  assert.deepEqual(values(await scanAll({ csv: { lazy_quotes: true } }, 'a,b\n"x"y",z\n')), [{ a: 'x"y', b: 'z' }]);
});

test('csv: a quoted field left open at the end of the stream', async () => {
  await assert.rejects(scanAll({ csv: {} }, 'a\n"abc'), { message: 'parse error on line 2, column 5: extraneous or missing " in quoted field' });
});

test('csv: every row needs as many fields as the first', async () => {
  await assert.rejects(scanAll({ csv: {} }, 'a,b\n1,2\n3\n'), { message: 'record on line 3: wrong number of fields' });
  await assert.rejects(scanAll({ csv: { expected_number_of_fields: 3 } }, 'a,b,c\n1,2\n'), { message: 'record on line 2: wrong number of fields' });
});

test('csv: continue_on_error emits an empty errored message for a bad row and goes on', async () => {
  const got = await scanAll({ csv: { continue_on_error: true } }, 'a,b\n1,2\n3\nx"y,q\n4,5\n');
  assert.equal(got.length, 4);
  assert.deepEqual(got[0]!.asStructured(), { a: '1', b: '2' });
  assert.equal(got[1]!.asString(), '');
  assert.equal(got[1]!.error?.message, 'record on line 3: wrong number of fields');
  assert.equal(got[2]!.asString(), '');
  assert.equal(got[2]!.error?.message, 'parse error on line 4, column 2: bare " in non-quoted field');
  assert.deepEqual(got[3]!.asStructured(), { a: '4', b: '5' });
  assert.equal(got[3]!.error, null);
});

test('csv: expected_headers must match the header row', async () => {
  assert.equal((await scanAll({ csv: { expected_headers: ['a', 'b'] } }, 'a,b\n1,2\n')).length, 1);
  await assert.rejects(scanAll({ csv: { expected_headers: ['a', 'c'], continue_on_error: true } }, 'a,b\n1,2\n'), /does not match expected_headers/);
});

test('csv: a __proto__ header is plain data', async () => {
  const got = await scanAll({ csv: {} }, '__proto__,b\nx,y\n');
  const obj = got[0]!.asStructured() as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(obj), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(obj, '__proto__')?.value, 'x');
});
