/**
 * Record batch compression for kafkajs, which ships only gzip: snappy, lz4 and zstd are plugged
 * into its (process-global) CompressionCodecs table, once, with the native libraries Sluice
 * depends on. The libraries are loaded on first use, so a consumer that never sees a compressed
 * batch never loads them.
 *
 * Formats, as the Java client and librdkafka write them:
 * - snappy: raw snappy blocks, or xerial's framing (magic `\x82SNAPPY\0`, two version ints, then
 *   chunks of a 4-byte big-endian length and a raw block), which the Java client writes. We write
 *   raw blocks, which every client reads.
 * - lz4: the LZ4 frame format (KIP-57).
 * - zstd: a plain zstd frame.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type Snappy = typeof import('snappy');
type Lz4 = typeof import('lz4-napi');
type Zstd = typeof import('zstd-napi');

let snappy: Snappy | undefined;
let lz4: Lz4 | undefined;
let zstd: Zstd | undefined;
const loadSnappy = (): Snappy => (snappy ??= require('snappy') as Snappy);
const loadLz4 = (): Lz4 => (lz4 ??= require('lz4-napi') as Lz4);
const loadZstd = (): Zstd => (zstd ??= require('zstd-napi') as Zstd);

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** Magic, version and compatible version. */
const XERIAL_HEADER = 16;

export async function snappyCompress(data: Buffer): Promise<Buffer> {
  return loadSnappy().compress(data);
}

export async function snappyDecompress(data: Buffer): Promise<Buffer> {
  const s = loadSnappy();
  if (data.length < XERIAL_HEADER || !data.subarray(0, 8).equals(XERIAL_MAGIC)) return (await s.uncompress(data)) as Buffer;
  const parts: Buffer[] = [];
  let pos = XERIAL_HEADER;
  while (pos + 4 <= data.length) {
    const len = data.readUInt32BE(pos);
    pos += 4;
    if (pos + len > data.length) throw new Error('snappy: truncated xerial chunk');
    parts.push((await s.uncompress(data.subarray(pos, pos + len))) as Buffer);
    pos += len;
  }
  return Buffer.concat(parts);
}

export async function lz4Compress(data: Buffer): Promise<Buffer> {
  return loadLz4().compressFrame(data);
}

export async function lz4Decompress(data: Buffer): Promise<Buffer> {
  return loadLz4().decompressFrame(data);
}

export async function zstdCompress(data: Buffer): Promise<Buffer> {
  return loadZstd().compress(data);
}

export async function zstdDecompress(data: Buffer): Promise<Buffer> {
  return loadZstd().decompress(data);
}

interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const codec = (c: (b: Buffer) => Promise<Buffer>, d: (b: Buffer) => Promise<Buffer>): (() => KafkajsCodec) => {
  const impl: KafkajsCodec = { compress: (enc) => c(enc.buffer), decompress: d };
  return () => impl;
};

let registered = false;

/** Install the codecs into kafkajs's table (idempotent). */
export function registerKafkajsCodecs(table: Record<number, unknown>, types: { Snappy: number; LZ4: number; ZSTD: number }): void {
  if (registered) return;
  registered = true;
  table[types.Snappy] = codec(snappyCompress, snappyDecompress);
  table[types.LZ4] = codec(lz4Compress, lz4Decompress);
  table[types.ZSTD] = codec(zstdCompress, zstdDecompress);
}
