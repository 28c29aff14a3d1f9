import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFileInput, recordingLogger } from '../_shared/file_testing.js';
import type { Input, InputBatch } from '../../plugin/index.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'sluice-file-in-'));

/** Read to the end, acknowledging each batch as the engine would once it was delivered. */
async function readAll(input: Input): Promise<InputBatch[]> {
  await input.connect();
  const out: InputBatch[] = [];
  for (let b = await input.read(); b !== null; b = await input.read()) {
    out.push(b);
    await b.ack();
  }
  return out;
}

/** Read `n` batches without acknowledging them (the input does not end while they are out). */
async function readN(input: Input, n: number): Promise<InputBatch[]> {
  await input.connect();
  const out: InputBatch[] = [];
  for (let i = 0; i < n; i++) out.push((await input.read())!);
  return out;
}
const contents = (batches: InputBatch[]): string[] => batches.flatMap((b) => b.messages.map((m) => m.asString()));

test('file input: files are read in order, line by line by default, and the input ends', async () => {
  const d = dir();
  writeFileSync(join(d, 'a.txt'), 'a1\na2\n');
  writeFileSync(join(d, 'b.txt'), 'b1\nb2');
  const input = await buildFileInput({ paths: [join(d, 'b.txt'), join(d, 'a.txt')] });
  assert.deepEqual(contents(await readAll(input)), ['b1', 'b2', 'a1', 'a2']);
  assert.equal(await input.read(), null);
  await input.close();
});

test('file input: path, mod_time_unix and mod_time (RFC3339) metadata', async () => {
  const d = dir();
  const p = join(d, 'm.txt');
  writeFileSync(p, 'x\n');
  const input = await buildFileInput({ paths: [p] });
  const [batch] = await readAll(input);
  const m = batch!.messages[0]!;
  const mtime = Math.floor(statSync(p).mtimeMs / 1000);
  assert.equal(m.getMeta('path'), p);
  assert.equal(m.getMeta('mod_time_unix'), mtime);
  const modTime = m.getMeta('mod_time') as string;
  assert.match(modTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  assert.equal(Date.parse(modTime) / 1000, mtime);
});

test('file input: globs are expanded at connect, including **', async () => {
  const d = dir();
  writeFileSync(join(d, '1.log'), 'one\n');
  writeFileSync(join(d, '2.log'), 'two\n');
  writeFileSync(join(d, 'skip.txt'), 'no\n');
  const input = await buildFileInput({ paths: [`${d}/**/*.log`] });
  assert.deepEqual(contents(await readAll(input)), ['one', 'two']);
});

test('file input: `paths` may be a single string', async () => {
  const d = dir();
  writeFileSync(join(d, 'one.txt'), 'only\n');
  const input = await buildFileInput({ paths: join(d, 'one.txt') });
  assert.deepEqual(contents(await readAll(input)), ['only']);
});

test('file input: a missing file is logged and skipped', async () => {
  const d = dir();
  writeFileSync(join(d, 'ok.txt'), 'ok\n');
  const log = recordingLogger();
  const input = await buildFileInput({ paths: [join(d, 'nope.txt'), join(d, 'ok.txt')] }, log.logger);
  assert.deepEqual(contents(await readAll(input)), ['ok']);
  assert.ok(log.lines.some((l) => l.includes('failed to open file') && l.includes('nope.txt')));
});

test('file input: the scanner field picks how files are split', async () => {
  const d = dir();
  writeFileSync(join(d, 'c.csv'), 'k,v\na,1\nb,2\n');
  const input = await buildFileInput({ paths: [join(d, 'c.csv')], scanner: { csv: {} } });
  assert.deepEqual(contents(await readAll(input)), ['{"k":"a","v":"1"}', '{"k":"b","v":"2"}']);
});

test('file input: delete_on_finish removes a file once everything read from it is acknowledged', async () => {
  const d = dir();
  const p = join(d, 'del.txt');
  writeFileSync(p, 'x\ny\n');
  const input = await buildFileInput({ paths: [p], delete_on_finish: true });
  const batches = await readN(input, 2);
  assert.deepEqual(contents(batches), ['x', 'y']);
  await batches[0]!.ack();
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(existsSync(p), 'kept while a batch is unacknowledged');
  await batches[1]!.ack();
  assert.equal(await input.read(), null, 'the file was read to its end');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(!existsSync(p), 'deleted after the last ack');
});

test('file input: without delete_on_finish files stay; a dropped nack keeps the file too', async () => {
  const d = dir();
  const p = join(d, 'keep.txt');
  writeFileSync(p, 'x\n');
  const input = await buildFileInput({ paths: [p], delete_on_finish: true, auto_replay_nacks: false });
  const batches = await readN(input, 1);
  await batches[0]!.ack(new Error('rejected'));
  assert.equal(await input.read(), null, 'without replays a nacked batch is dropped and the input ends');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(p));
});

test('file input: a nacked batch is read again (auto_replay_nacks) before the input ends', async () => {
  const d = dir();
  const p = join(d, 'r.txt');
  writeFileSync(p, 'one\ntwo\n');
  const input = await buildFileInput({ paths: [p], delete_on_finish: true });
  await input.connect();
  const first = (await input.read())!;
  first.messages[0]!.setString('mutated by a processor');
  await first.ack(new Error('output down'));
  // The replay waits out a short backoff, so fresh data comes first.
  const second = (await input.read())!;
  assert.equal(second.messages[0]!.asString(), 'two');
  // At the end of the file the input waits for the replay instead of ending.
  const again = (await input.read())!;
  assert.deepEqual(
    again.messages.map((m) => m.asString()),
    ['one'],
    'replayed untouched',
  );
  assert.equal(again.messages[0]!.getMeta('path'), p);
  await again.ack();
  await second.ack();
  assert.equal(await input.read(), null, 'ends once everything was acknowledged');
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(!existsSync(p), 'deleted once the replayed batch was acknowledged');
});

test('file input: a large file is streamed, not loaded (memory stays flat while reading its start)', async () => {
  const d = dir();
  const p = join(d, 'huge.bin');
  const size = 48 << 20;
  // Written a MiB at a time, so no 48 MiB buffer exists in this process to blur the measurement.
  const mib = Buffer.alloc(1 << 20, 'z');
  for (let written = 0; written < size; written += mib.length) appendFileSync(p, mib);
  const input = await buildFileInput({ paths: [p], scanner: { chunker: { size: 4096 } } });
  await input.connect();
  global.gc?.();
  const before = process.memoryUsage().arrayBuffers;
  let bytes = 0;
  for (let i = 0; i < 200; i++) {
    const b = (await input.read())!;
    bytes += b.messages[0]!.asBytes().length;
    await b.ack();
  }
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.equal(bytes, 200 * 4096);
  assert.ok(grown < 8 << 20, `array buffers grew by ${grown} bytes while reading 800 KiB of a 48 MiB file`);
  await input.close();
});

test('file input: readReady hands over the lines already scanned, with metadata, and a nacked one is replayed as read', async () => {
  const d = dir();
  const p = join(d, 'ready.txt');
  const lines = Array.from({ length: 50 }, (_, i) => `line-${i}`);
  writeFileSync(p, lines.join('\n') + '\n');
  const input = await buildFileInput({ paths: [p] });
  await input.connect();
  assert.ok(input.readReady, 'the file input offers readReady');
  assert.deepEqual(input.readReady!(10), [], 'nothing is ready before the first read');
  const first = (await input.read())!;
  const rest = input.readReady!(1000);
  assert.equal(rest.length, 49, 'the rest of the chunk, without another read');
  assert.deepEqual(input.readReady!(1000), []);
  const all = [first, ...rest];
  assert.deepEqual(contents(all), lines);
  const mtime = Math.floor(statSync(p).mtimeMs / 1000);
  for (const b of all) {
    assert.equal(b.messages[0]!.getMeta('path'), p);
    assert.equal(b.messages[0]!.getMeta('mod_time_unix'), mtime);
  }
  // Metadata is shared copy-on-write: changing one message's leaves the others alone.
  const victim = rest[3]!;
  victim.messages[0]!.setMeta('path', 'changed');
  victim.messages[0]!.setString('mutated');
  assert.equal(rest[4]!.messages[0]!.getMeta('path'), p);
  for (const b of all) if (b !== victim) await b.ack();
  await victim.ack(new Error('output down'));
  const again = (await input.read())!;
  assert.equal(again.messages[0]!.asString(), 'line-4', 'replayed with the bytes it was read with');
  assert.equal(again.messages[0]!.getMeta('path'), p, 'and its metadata as read');
  assert.equal(again.messages[0]!.getMeta('mod_time_unix'), mtime);
  await again.ack();
  assert.equal(await input.read(), null);
  await input.close();
});
