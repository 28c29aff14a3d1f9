/**
 * Archive formats shared by the `archive` and `unarchive` processors: Benthos's binary blob
 * format, tar and zip. Each writer takes named entries and gives one buffer; each reader gives
 * the entries of a buffer back, in archive order.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type * as TarStream from 'tar-stream';
import type * as Yazl from 'yazl';
import type * as Yauzl from 'yauzl';

// CommonJS packages without an ESM entry: load them with require.
const require = createRequire(import.meta.url);
const tarStream = require('tar-stream') as typeof TarStream;
const yazl = require('yazl') as typeof Yazl;
const yauzl = require('yauzl') as typeof Yauzl;

export interface ArchiveEntry {
  name: string;
  data: Buffer;
}

/** Benthos's archived files get mode 0666 and the current time. */
const FILE_MODE = 0o666;

// ---- binary: a u32 big-endian part count, then each part as a u32 big-endian length and bytes ----

const BAD_BLOB = 'serialised message bytes were in unexpected format';

export function serialiseParts(parts: readonly Uint8Array[]): Buffer {
  let size = 4;
  for (const p of parts) size += 4 + p.byteLength;
  const out = Buffer.allocUnsafe(size);
  out.writeUInt32BE(parts.length, 0);
  let at = 4;
  for (const p of parts) {
    out.writeUInt32BE(p.byteLength, at);
    at += 4;
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export function deserialiseParts(b: Buffer): Buffer[] {
  if (b.length < 4) throw new Error(BAD_BLOB);
  const count = b.readUInt32BE(0);
  // Every part needs at least its 4-byte length, so a larger count cannot be right.
  if (count >= b.length) throw new Error(BAD_BLOB);
  const parts: Buffer[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (b.length - at < 4) throw new Error(BAD_BLOB);
    const len = b.readUInt32BE(at);
    at += 4;
    if (b.length - at < len) throw new Error(BAD_BLOB);
    parts.push(b.subarray(at, at + len));
    at += len;
  }
  return parts;
}

// ---- tar (ustar, with pax headers for names that do not fit) ----

export function writeTar(entries: readonly ArchiveEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  const mtime = new Date();
  for (const e of entries) {
    pack.entry({ name: e.name, size: e.data.length, mode: FILE_MODE, mtime, type: 'file', uid: 0, gid: 0 }, e.data);
  }
  pack.finalize();
  return done;
}

export async function readTar(data: Buffer): Promise<ArchiveEntry[]> {
  const extract = tarStream.extract();
  const entries: ArchiveEntry[] = [];
  const reading = (async () => {
    for await (const entry of extract) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      entries.push({ name: entry.header.name, data: Buffer.concat(chunks) });
    }
  })();
  Readable.from([data]).pipe(extract);
  await reading;
  return entries;
}

// ---- zip (deflated entries) ----

export function writeZip(entries: readonly ArchiveEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
  const mtime = new Date();
  // yazl validates names synchronously: a bad one rejects the whole archive, as Go's writer would.
  for (const e of entries) zip.addBuffer(e.data, e.name, { mtime, mode: 0o100000 | FILE_MODE, compress: true });
  zip.end();
  return done;
}

export async function readZip(data: Buffer): Promise<ArchiveEntry[]> {
  // Names are taken as raw UTF-8, as Go's reader does; yauzl's CP437 decoding and path checks are off.
  const zip = await yauzl.fromBufferPromise(data, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true });
  const entries: ArchiveEntry[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = entry.fileName as unknown as Buffer | string;
      const name = typeof raw === 'string' ? raw : raw.toString('utf8');
      const stream = await zip.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      entries.push({ name, data: Buffer.concat(chunks) });
    }
  } finally {
    zip.close();
  }
  return entries;
}
