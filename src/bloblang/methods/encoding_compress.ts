/**
 * `compress`/`decompress` algorithms. gzip, pgzip (plain gzip output), zlib and flate use
 * Node's zlib; snappy (block format, as golang/snappy's Encode/Decode) and lz4 (frame format)
 * are implemented here. Not available: zstd (Node 20's zlib has no zstd) and bzip2
 * decompression (no bzip2 in Node's zlib and no dependency for it).
 */
import zlib from 'node:zlib';
import { BloblangError } from '../value.js';
import { lz4CompressFrame, lz4DecompressFrame } from './encoding_lz4.js';
import { snappyDecode, snappyEncode } from './encoding_snappy.js';
import { crc32 } from './encoding_hash.js';

export type Codec = (data: Uint8Array) => Uint8Array;

function zlibLevel(level: number): number {
  return level < -1 || level > 9 ? -1 : level;
}

function asU8(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Gzip laid out as Benthos's writer (klauspost/compress) lays it out, so small outputs match
 * byte for byte: the header carries the zero time's truncated Unix seconds and OS 255, inputs
 * under 128 bytes become one stored (or Huffman-only, when smaller) block followed by an empty
 * final block. Larger inputs use zlib's deflate, whose output size is close to but not always
 * identical with klauspost's.
 */
function goGzip(data: Uint8Array, level: number): Uint8Array {
  const xfl = level === 9 ? 2 : level === 1 ? 4 : 0;
  const header = Uint8Array.of(0x1f, 0x8b, 8, 0, 0x00, 0x09, 0x6e, 0x88, xfl, 0xff);
  let body: Uint8Array;
  if (level === 0) {
    body = asU8(zlib.deflateRawSync(data, { level: 0 }));
  } else if (data.length < 128) {
    body = smallBlock(data);
  } else {
    body = asU8(zlib.deflateRawSync(data, { level }));
  }
  const trailer = Buffer.alloc(8);
  trailer.set(crc32(data).reverse(), 0); // little-endian CRC
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return asU8(Buffer.concat([header, body, trailer]));
}

/** A non-final stored or Huffman-only block, then the empty final block (03 00). */
function smallBlock(data: Uint8Array): Uint8Array {
  const emptyFinal = Uint8Array.of(0x03, 0x00);
  if (data.length === 0) return emptyFinal;
  const stored = Buffer.alloc(5 + data.length);
  stored[0] = 0; // BFINAL=0, BTYPE=00
  stored.writeUInt16LE(data.length, 1);
  stored.writeUInt16LE(~data.length & 0xffff, 3);
  stored.set(data, 5);
  if (data.length > 32) {
    // Huffman-only coding only wins for very repetitive input (its dynamic table costs more
    // than it saves on ordinary text); then it is emitted as a final block.
    const huff = zlib.deflateRawSync(data, { strategy: zlib.constants.Z_HUFFMAN_ONLY });
    if (huff.length * 2 < stored.length) return asU8(huff);
  }
  return asU8(Buffer.concat([stored, emptyFinal]));
}

export function compressor(algorithm: string, level: number): Codec {
  const lvl = zlibLevel(level);
  switch (algorithm) {
    case 'gzip':
    case 'pgzip':
      return (d) => goGzip(d, lvl);
    case 'zlib':
      return (d) => asU8(zlib.deflateSync(d, { level: lvl }));
    case 'flate':
      return (d) => asU8(zlib.deflateRawSync(d, { level: lvl }));
    case 'snappy':
      return snappyEncode;
    case 'lz4':
      return lz4CompressFrame;
    case 'zstd':
      throw new BloblangError('compression algorithm zstd is not supported by this runtime');
    default:
      throw new BloblangError(`unrecognised compression algorithm: ${algorithm}`);
  }
}

function wrap(fn: Codec): Codec {
  return (d) => {
    try {
      return fn(d);
    } catch (err) {
      throw err instanceof BloblangError ? err : new BloblangError((err as Error).message);
    }
  };
}

export function decompressor(algorithm: string): Codec {
  switch (algorithm) {
    case 'gzip':
    case 'pgzip':
      return wrap((d) => asU8(zlib.gunzipSync(d)));
    case 'zlib':
      return wrap((d) => asU8(zlib.inflateSync(d)));
    case 'flate':
      return wrap((d) => asU8(zlib.inflateRawSync(d)));
    case 'snappy':
      return wrap(snappyDecode);
    case 'lz4':
      return wrap(lz4DecompressFrame);
    case 'zstd':
    case 'bzip2':
      throw new BloblangError(`decompression algorithm ${algorithm} is not supported by this runtime`);
    default:
      throw new BloblangError(`unrecognised decompression algorithm: ${algorithm}`);
  }
}
