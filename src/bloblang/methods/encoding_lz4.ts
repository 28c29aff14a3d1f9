/**
 * LZ4 frame format (what Benthos's `compress("lz4")` produces via pierrec/lz4): a fast block
 * compressor following the same match-finding strategy (5-byte hash, checks at s, s+1, s+2,
 * 14-byte tail limit) so sizes match Benthos's output, independent blocks of up to 4 MiB,
 * blocks stored raw when they do not shrink, and an XXH32 content checksum.
 */
import { BloblangError } from '../value.js';

const MAGIC = 0x184d2204;
const MIN_MATCH = 4;
const MF_LIMIT = 10 + MIN_MATCH;
const WIN_SIZE = 1 << 16;
const HASH_LOG = 16;
const BLOCK_MAX = 4 << 20;
const ADAPT_SKIP_LOG = 7;

// ---------------------------------------------------------------------------------------------
// XXH32

const X1 = 2654435761;
const X2 = 2246822519;
const X3 = 3266489917;
const X4 = 668265263;
const X5 = 374761393;

const rotl32 = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
const u32 = (b: Uint8Array, i: number): number => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

export function xxh32(data: Uint8Array, seed = 0): number {
  const len = data.length;
  let i = 0;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + X1 + X2) >>> 0;
    let v2 = (seed + X2) >>> 0;
    let v3 = seed >>> 0;
    let v4 = (seed - X1) >>> 0;
    const step = (v: number, at: number): number => Math.imul(rotl32((v + Math.imul(u32(data, at), X2)) >>> 0, 13), X1) >>> 0;
    for (; i + 16 <= len; i += 16) {
      v1 = step(v1, i);
      v2 = step(v2, i + 4);
      v3 = step(v3, i + 8);
      v4 = step(v4, i + 12);
    }
    h = (rotl32(v1, 1) + rotl32(v2, 7) + rotl32(v3, 12) + rotl32(v4, 18)) >>> 0;
  } else {
    h = (seed + X5) >>> 0;
  }
  h = (h + len) >>> 0;
  for (; i + 4 <= len; i += 4) {
    h = (h + Math.imul(u32(data, i), X3)) >>> 0;
    h = Math.imul(rotl32(h, 17), X4) >>> 0;
  }
  for (; i < len; i++) {
    h = (h + Math.imul(data[i], X5)) >>> 0;
    h = Math.imul(rotl32(h, 11), X1) >>> 0;
  }
  h ^= h >>> 15;
  h = Math.imul(h, X2) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, X3) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Block compression

const P0 = 227718039650203 % 2 ** 24;
const P1 = Math.floor(227718039650203 / 2 ** 24);

/** Bits 48..63 of (low 40 bits of the 8 bytes at i, little-endian) * prime, like pierrec's blockHash. */
function hash5(src: Uint8Array, i: number): number {
  const x0 = src[i] | (src[i + 1] << 8) | (src[i + 2] << 16); // 24 bits
  const x1 = src[i + 3] | (src[i + 4] << 8); // 16 bits
  const a = x0 * P0;
  const b = x0 * P1 + x1 * P0;
  const c = x1 * P1;
  const low = a + (b % 2 ** 24) * 2 ** 24;
  const carry = Math.floor(low / 2 ** 48);
  return (carry + Math.floor(b / 2 ** 24) + c) % 2 ** 16;
}

function readU32(src: Uint8Array, i: number): number {
  return u32(src, i);
}

/** Compress one block; returns undefined when the result would not be smaller. */
function compressBlock(src: Uint8Array): Uint8Array | undefined {
  const table = new Int32Array(1 << HASH_LOG).fill(-1);
  const get = (h: number, si: number): number => {
    const i = table[h] < 0 ? 0 : table[h];
    return i >= si ? i - WIN_SIZE : i;
  };
  const dst: number[] = [];
  const sn = src.length - MF_LIMIT;
  let si = 0;
  let anchor = 0;
  const writeLen = (n: number): void => {
    for (; n >= 0xff; n -= 0xff) dst.push(0xff);
    dst.push(n);
  };
  while (sn > 0 && si < sn) {
    const h = hash5(src, si);
    const h2 = hash5(src, si + 1);
    const ref = get(h, si);
    const ref2 = get(h2, si + 1);
    table[h] = si;
    table[h2] = si + 1;
    let offset = si - ref;
    if (offset <= 0 || offset >= WIN_SIZE || readU32(src, si) !== readU32(src, ref)) {
      const h3 = hash5(src, si + 2);
      const ref3 = get(h3, si + 2);
      si += 1;
      offset = si - ref2;
      if (offset <= 0 || offset >= WIN_SIZE || readU32(src, si) !== readU32(src, ref2)) {
        si += 1;
        offset = si - ref3;
        table[h3] = si;
        if (offset <= 0 || offset >= WIN_SIZE || readU32(src, si) !== readU32(src, ref3)) {
          si += 2 + ((si - anchor) >> ADAPT_SKIP_LOG);
          continue;
        }
      }
    }
    // Match found: extend backwards over literals, then forwards in 8-byte steps.
    let lLen = si - anchor;
    let mLen = MIN_MATCH;
    let tOff = si - offset - 1;
    while (lLen > 0 && tOff >= 0 && src[si - 1] === src[tOff]) {
      si--;
      tOff--;
      lLen--;
      mLen++;
    }
    const base = si + MIN_MATCH;
    si += mLen;
    while (si + 8 <= sn) {
      let same = 0;
      while (same < 8 && src[si + same] === src[si - offset + same]) same++;
      si += same;
      if (same < 8) break;
    }
    mLen = si - base;
    dst.push((mLen < 0xf ? mLen : 0xf) | ((lLen < 0xf ? lLen : 0xf) << 4));
    if (lLen >= 0xf) writeLen(lLen - 0xf);
    for (let k = anchor; k < anchor + lLen; k++) dst.push(src[k]);
    dst.push(offset & 0xff, offset >> 8);
    if (mLen >= 0xf) writeLen(mLen - 0xf);
    anchor = si;
    if (si >= sn) break;
    table[hash5(src, si - 2)] = si - 2;
  }
  const lLen = src.length - anchor;
  dst.push((lLen < 0xf ? lLen : 0xf) << 4);
  if (lLen >= 0xf) writeLen(lLen - 0xf);
  if (dst.length + lLen >= src.length) return undefined;
  for (let k = anchor; k < src.length; k++) dst.push(src[k]);
  return Uint8Array.from(dst);
}

function pushU32(out: number[], v: number): void {
  out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
}

export function lz4CompressFrame(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  pushU32(out, MAGIC);
  // FLG: version 01, independent blocks, content checksum; BD: 4 MiB blocks.
  const descriptor = Uint8Array.of(0x64, 0x70);
  out.push(descriptor[0], descriptor[1], (xxh32(descriptor) >>> 8) & 0xff);
  const chunks: Uint8Array[] = [Uint8Array.from(out)];
  for (let i = 0; i < data.length; i += BLOCK_MAX) {
    const block = data.subarray(i, Math.min(data.length, i + BLOCK_MAX));
    const packed = compressBlock(block);
    const header: number[] = [];
    if (packed) {
      pushU32(header, packed.length);
      chunks.push(Uint8Array.from(header), packed);
    } else {
      pushU32(header, (block.length | 0x80000000) >>> 0);
      chunks.push(Uint8Array.from(header), block);
    }
  }
  const tail: number[] = [];
  pushU32(tail, 0);
  pushU32(tail, xxh32(data));
  chunks.push(Uint8Array.from(tail));
  return new Uint8Array(Buffer.concat(chunks));
}

// ---------------------------------------------------------------------------------------------
// Decompression

const corrupt = (what: string): BloblangError => new BloblangError(`lz4: ${what}`);

function decompressBlock(src: Uint8Array, out: number[]): void {
  let i = 0;
  while (i < src.length) {
    const token = src[i++];
    let lLen = token >> 4;
    if (lLen === 0xf) {
      let b: number;
      do {
        if (i >= src.length) throw corrupt('invalid source or destination buffer too short');
        b = src[i++];
        lLen += b;
      } while (b === 0xff);
    }
    if (i + lLen > src.length) throw corrupt('invalid source or destination buffer too short');
    for (let k = 0; k < lLen; k++) out.push(src[i + k]);
    i += lLen;
    if (i >= src.length) break; // last sequence has literals only
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > out.length) throw corrupt('invalid source or destination buffer too short');
    let mLen = token & 0xf;
    if (mLen === 0xf) {
      let b: number;
      do {
        if (i >= src.length) throw corrupt('invalid source or destination buffer too short');
        b = src[i++];
        mLen += b;
      } while (b === 0xff);
    }
    mLen += MIN_MATCH;
    const start = out.length - offset;
    for (let k = 0; k < mLen; k++) out.push(out[start + k]);
  }
}

export function lz4DecompressFrame(data: Uint8Array): Uint8Array {
  if (data.length < 7 || u32(data, 0) !== MAGIC) throw corrupt('bad magic number');
  const flg = data[4];
  if (flg >> 6 !== 1) throw corrupt('unsupported frame version');
  const blockChecksum = (flg & 0x10) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const hasDictId = (flg & 0x01) !== 0;
  let i = 6 + (hasContentSize ? 8 : 0) + (hasDictId ? 4 : 0);
  if (data[i] !== ((xxh32(data.subarray(4, i)) >>> 8) & 0xff)) throw corrupt('invalid header checksum');
  i++;
  const out: number[] = [];
  for (;;) {
    if (i + 4 > data.length) throw corrupt('unexpected EOF');
    const size = u32(data, i);
    i += 4;
    if (size === 0) break;
    const raw = (size & 0x80000000) !== 0;
    const len = size & 0x7fffffff;
    if (i + len > data.length) throw corrupt('unexpected EOF');
    const block = data.subarray(i, i + len);
    i += len;
    if (blockChecksum) {
      if (u32(data, i) !== xxh32(block)) throw corrupt('invalid block checksum');
      i += 4;
    }
    if (raw) for (const b of block) out.push(b);
    else decompressBlock(block, out);
  }
  const result = Uint8Array.from(out);
  if (contentChecksum) {
    if (i + 4 > data.length) throw corrupt('unexpected EOF');
    if (u32(data, i) !== xxh32(result)) throw corrupt('invalid frame checksum');
  }
  return result;
}
