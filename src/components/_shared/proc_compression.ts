/**
 * The compression algorithms shared by the `compress` and `decompress` processors, with Benthos's
 * names and level rules. Formats are the ones Benthos writes, so data crosses over both ways:
 * gzip/zlib/flate (RFC 1952/1950/1951), snappy block format (not framed), lz4 frame format, zstd.
 */
import * as zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { decompressBzip2 } from './proc_bzip2.js';

// The native codecs are CommonJS addons: load them with require so ESM interop never gets in the way.
const require = createRequire(import.meta.url);
const snappy = require('snappy') as typeof import('snappy');
const lz4 = require('lz4-napi') as typeof import('lz4-napi');
const zstd = require('zstd-napi') as typeof import('zstd-napi');

export type CompressFn = (data: Buffer) => Buffer;
export type DecompressFn = (data: Buffer) => Buffer;

/** Names accepted by `compress` (Benthos's list plus zstd from its extended set). */
export const COMPRESS_ALGORITHMS = ['flate', 'gzip', 'lz4', 'pgzip', 'snappy', 'zlib', 'zstd'] as const;
/** Names accepted by `decompress`: bzip2 can only be read. */
export const DECOMPRESS_ALGORITHMS = ['bzip2', 'flate', 'gzip', 'lz4', 'pgzip', 'snappy', 'zlib', 'zstd'] as const;

/**
 * Go's deflate levels are -2 (Huffman only), -1 (default) and 0..9; klauspost's gzip also takes
 * -3 (stateless). Node spells Huffman-only as a strategy rather than a level.
 */
function zlibOptions(level: number): zlib.ZlibOptions {
  if (level === -2) return { level: zlib.constants.Z_DEFAULT_COMPRESSION, strategy: zlib.constants.Z_HUFFMAN_ONLY };
  // Stateless compression trades ratio for speed: the fastest zlib level is the nearest match.
  if (level === -3) return { level: 1 };
  return { level };
}

/** Benthos reports an out-of-range level on every message it compresses, with these texts. */
function levelError(alg: string, level: number): string | undefined {
  switch (alg) {
    case 'gzip':
    case 'pgzip':
      return level < -3 || level > 9 ? `gzip: invalid compression level: ${level}` : undefined;
    case 'zlib':
      return level < -2 || level > 9 ? `zlib: invalid compression level: ${level}` : undefined;
    case 'flate':
      return level < -2 || level > 9 ? `flate: invalid compression level ${level}: want value in range [-2, 9]` : undefined;
    default:
      return undefined;
  }
}

/**
 * Benthos maps zstd levels onto four encoder speeds (EncoderLevelFromZstd); the zstd levels
 * below are the ones those speeds correspond to.
 */
function zstdLevel(level: number): number {
  if (level < 3) return 1;
  if (level < 6) return 3;
  if (level < 10) return 7;
  return 11;
}

/** A compressor for an algorithm and level, or an error text that every message will carry. */
export function compressor(algorithm: string, level: number): CompressFn {
  const bad = levelError(algorithm, level);
  if (bad !== undefined) {
    return () => {
      throw new Error(bad);
    };
  }
  switch (algorithm) {
    case 'gzip':
    case 'pgzip': {
      const opts = zlibOptions(level);
      return (b) => zlib.gzipSync(b, opts);
    }
    case 'zlib': {
      const opts = zlibOptions(level);
      return (b) => zlib.deflateSync(b, opts);
    }
    case 'flate': {
      const opts = zlibOptions(level);
      return (b) => zlib.deflateRawSync(b, opts);
    }
    case 'snappy':
      return (b) => snappy.compressSync(b);
    case 'lz4':
      // lz4-napi has no level setting: every level writes the fast (default) encoding.
      return (b) => lz4.compressFrameSync(b);
    case 'zstd': {
      const params = { compressionLevel: zstdLevel(level) };
      return (b) => zstd.compress(b, params);
    }
    default:
      throw new Error(`compression type not recognised: ${algorithm}`);
  }
}

export function decompressor(algorithm: string): DecompressFn {
  switch (algorithm) {
    case 'gzip':
    case 'pgzip':
      return (b) => zlib.gunzipSync(b);
    case 'zlib':
      return (b) => zlib.inflateSync(b);
    case 'flate':
      return (b) => zlib.inflateRawSync(b);
    case 'snappy':
      return (b) => snappy.uncompressSync(b, { asBuffer: true }) as Buffer;
    case 'lz4':
      return (b) => lz4.decompressFrameSync(b);
    case 'zstd':
      return (b) => zstd.decompress(b);
    case 'bzip2':
      return decompressBzip2;
    default:
      throw new Error(`decompression type not recognised: ${algorithm}`);
  }
}
