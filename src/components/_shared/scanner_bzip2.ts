/**
 * A streaming bzip2 decoder (Node has none built in and no package is installed for it).
 * Decodes block by block — Huffman + MTF/RLE2, the inverse Burrows-Wheeler transform, then the
 * initial run-length stage — so memory stays bounded by one block (at most 900 kB of output)
 * whatever the file size. Block CRCs are verified; concatenated streams are read one after
 * the other, as Go's reader does. Randomised blocks (deprecated since bzip2 0.9.5) are refused.
 */
import { ChunkedReader } from './chunked_reader.js';

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
/** Bytes buffered before a block is decoded: more than the largest compressed block can take. */
const BLOCK_READAHEAD = 2_600_000;
const MAX_GROUPS = 6;
const GROUP_SIZE = 50;
const MAX_CODE_LEN = 20;

class NeedMore extends Error {}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c;
  }
  return t;
})();

class BitReader {
  data: Buffer = Buffer.alloc(0);
  pos = 0; // in bits

  bits(n: number): number {
    let v = 0;
    while (n > 0) {
      const byte = this.data[this.pos >>> 3];
      if (byte === undefined) throw new NeedMore();
      const avail = 8 - (this.pos & 7);
      const take = n < avail ? n : avail;
      v = (v << take) | ((byte >>> (avail - take)) & ((1 << take) - 1));
      this.pos += take;
      n -= take;
    }
    return v >>> 0;
  }

  bit(): number {
    const byte = this.data[this.pos >>> 3];
    if (byte === undefined) throw new NeedMore();
    const b = (byte >>> (7 - (this.pos & 7))) & 1;
    this.pos++;
    return b;
  }

  /** Drop whole bytes already read, then append `chunks` (one copy for all of them). */
  append(chunks: Buffer[]): void {
    const rest = this.data.subarray(this.pos >>> 3);
    this.pos &= 7;
    if (chunks.length === 0) this.data = rest;
    else this.data = rest.length === 0 && chunks.length === 1 ? chunks[0]! : Buffer.concat([rest, ...chunks]);
  }

  get bufferedBytes(): number {
    return this.data.length - (this.pos >>> 3);
  }
}

interface HuffmanTable {
  minLen: number;
  limit: Int32Array;
  base: Int32Array;
  perm: Int32Array;
}

function buildTable(lengths: Uint8Array, alphaSize: number): HuffmanTable {
  let minLen = 32;
  let maxLen = 0;
  for (let i = 0; i < alphaSize; i++) {
    const l = lengths[i]!;
    if (l > maxLen) maxLen = l;
    if (l < minLen) minLen = l;
  }
  const perm = new Int32Array(alphaSize);
  let pp = 0;
  for (let len = minLen; len <= maxLen; len++) for (let s = 0; s < alphaSize; s++) if (lengths[s] === len) perm[pp++] = s;
  const base = new Int32Array(MAX_CODE_LEN + 2);
  const limit = new Int32Array(MAX_CODE_LEN + 1).fill(-1);
  for (let i = 0; i < alphaSize; i++) base[lengths[i]! + 1]!++;
  for (let i = 1; i < base.length; i++) base[i]! += base[i - 1]!;
  let vec = 0;
  for (let len = minLen; len <= maxLen; len++) {
    vec += base[len + 1]! - base[len]!;
    limit[len] = vec - 1;
    vec <<= 1;
  }
  for (let len = minLen + 1; len <= maxLen; len++) base[len] = ((limit[len - 1]! + 1) << 1) - base[len]!;
  return { minLen, limit, base, perm };
}

function decodeSymbol(br: BitReader, t: HuffmanTable): number {
  let len = t.minLen;
  let code = br.bits(len);
  while (len <= MAX_CODE_LEN) {
    if (code <= t.limit[len]!) return t.perm[code - t.base[len]!]!;
    code = (code << 1) | br.bit();
    len++;
  }
  throw new Error('bzip2: corrupt Huffman code');
}

/** Decode one block's data (after the block magic): the bytes it holds, with the CRC checked. */
function decodeBlock(br: BitReader, blockSizeMax: number): Buffer {
  const expectedCrc = br.bits(32) | 0;
  if (br.bit()) throw new Error('bzip2: randomised blocks are not supported');
  const origPtr = br.bits(24);

  // Which byte values occur.
  const seqToUnseq = new Uint8Array(256);
  let inUse = 0;
  const used16 = br.bits(16);
  for (let i = 0; i < 16; i++) {
    if (used16 & (0x8000 >>> i)) {
      const bits = br.bits(16);
      for (let j = 0; j < 16; j++) if (bits & (0x8000 >>> j)) seqToUnseq[inUse++] = i * 16 + j;
    }
  }
  if (inUse === 0) throw new Error('bzip2: corrupt block (no symbols)');
  const alphaSize = inUse + 2;

  const nGroups = br.bits(3);
  if (nGroups < 2 || nGroups > MAX_GROUPS) throw new Error('bzip2: corrupt block (bad number of Huffman tables)');
  const nSelectors = br.bits(15);
  if (nSelectors < 1) throw new Error('bzip2: corrupt block (no selectors)');
  const mtfGroups = [0, 1, 2, 3, 4, 5].slice(0, nGroups);
  const selectors = new Uint8Array(nSelectors);
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (br.bit()) {
      if (++j >= nGroups) throw new Error('bzip2: corrupt block (bad selector)');
    }
    const g = mtfGroups[j]!;
    mtfGroups.splice(j, 1);
    mtfGroups.unshift(g);
    selectors[i] = g;
  }

  const tables: HuffmanTable[] = [];
  for (let g = 0; g < nGroups; g++) {
    const lengths = new Uint8Array(alphaSize);
    let len = br.bits(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LEN) throw new Error('bzip2: corrupt block (bad code length)');
        if (!br.bit()) break;
        len += br.bit() ? -1 : 1;
      }
      lengths[s] = len;
    }
    tables.push(buildTable(lengths, alphaSize));
  }

  // Huffman + MTF + RLE2 decoding into tt (the BWT's last column).
  const eob = inUse + 1;
  const mtf = new Uint8Array(256);
  for (let i = 0; i < 256; i++) mtf[i] = i;
  const tt = new Uint32Array(blockSizeMax);
  const counts = new Int32Array(256);
  let n = 0;
  let groupPos = 0;
  let selIdx = 0;
  let table = tables[selectors[0]!]!;
  let run = 0;
  let runBit = 1;
  for (;;) {
    if (groupPos === 0) {
      if (selIdx >= nSelectors) throw new Error('bzip2: corrupt block (ran out of selectors)');
      table = tables[selectors[selIdx++]!]!;
      groupPos = GROUP_SIZE;
    }
    groupPos--;
    const sym = decodeSymbol(br, table);
    if (sym <= 1) {
      // RUNA / RUNB: a bijective base-2 run length of the symbol at the MTF front.
      run += runBit << sym;
      runBit <<= 1;
      if (run > blockSizeMax) throw new Error('bzip2: corrupt block (run too long)');
      continue;
    }
    if (run > 0) {
      const b = seqToUnseq[mtf[0]!]!;
      if (n + run > blockSizeMax) throw new Error('bzip2: corrupt block (block too long)');
      counts[b]! += run;
      tt.fill(b, n, n + run);
      n += run;
      run = 0;
      runBit = 1;
    }
    if (sym === eob) break;
    const idx = sym - 1;
    const v = mtf[idx]!;
    mtf.copyWithin(1, 0, idx);
    mtf[0] = v;
    const b = seqToUnseq[v]!;
    if (n >= blockSizeMax) throw new Error('bzip2: corrupt block (block too long)');
    tt[n++] = b;
    counts[b]!++;
  }
  if (origPtr >= n) throw new Error('bzip2: corrupt block (bad origin pointer)');

  // Inverse BWT: link each position to the next.
  const cftab = new Int32Array(256);
  for (let i = 0, sum = 0; i < 256; i++) {
    cftab[i] = sum;
    sum += counts[i]!;
  }
  for (let i = 0; i < n; i++) {
    const b = tt[i]! & 0xff;
    tt[cftab[b]!++]! |= i << 8;
  }

  // Walk the links while undoing the initial RLE (4 equal bytes, then a count byte).
  let outBuf = Buffer.allocUnsafe(n + 1024);
  let op = 0;
  const room = (k: number): void => {
    if (op + k <= outBuf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(outBuf.length * 2, op + k));
    outBuf.copy(bigger, 0, 0, op);
    outBuf = bigger;
  };
  let tPos = tt[origPtr]! >>> 8;
  let last = -1;
  let same = 0;
  let crc = -1;
  for (let i = 0; i < n; i++) {
    tPos = tt[tPos]!;
    const b = tPos & 0xff;
    tPos >>>= 8;
    if (same === 4) {
      room(b);
      for (let k = 0; k < b; k++) {
        outBuf[op++] = last;
        crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ last) & 0xff]!;
      }
      same = 0;
      last = -1;
      continue;
    }
    if (b === last) same++;
    else {
      last = b;
      same = 1;
    }
    room(1);
    outBuf[op++] = b;
    crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ b) & 0xff]!;
  }
  crc = ~crc;
  if ((crc | 0) !== expectedCrc) throw new Error('bzip2: checksum mismatch (corrupt data)');
  outBuf = outBuf.subarray(0, op);
  return outBuf;
}

export async function* decodeBzip2(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer, void, undefined> {
  const reader = new ChunkedReader(stream);
  const br = new BitReader();
  let ended = false;
  const fill = async (min: number): Promise<void> => {
    const got: Buffer[] = [];
    let have = br.bufferedBytes;
    while (!ended && have < min) {
      const c = await reader.next();
      if (c === null) ended = true;
      else {
        got.push(c);
        have += c.length;
      }
    }
    if (got.length > 0) br.append(got);
  };
  /** Run a synchronous step, reading more input and retrying it when it ran out of bits. */
  const step = async <T>(min: number, fn: () => T): Promise<T> => {
    await fill(min);
    for (;;) {
      const start = br.pos;
      try {
        return fn();
      } catch (e) {
        if (!(e instanceof NeedMore)) throw e;
        if (ended) throw new Error('bzip2: unexpected end of compressed data');
        br.pos = start;
        await fill(br.bufferedBytes + 1024 * 1024);
      }
    }
  };
  try {
    for (let streamNo = 0; ; streamNo++) {
      await fill(4);
      if (br.bufferedBytes === 0 && ended) {
        if (streamNo === 0) throw new Error('bzip2: empty input');
        return;
      }
      const level = await step(4, () => {
        if (br.bits(8) !== 0x42 || br.bits(8) !== 0x5a || br.bits(8) !== 0x68) throw new Error('bzip2: bad magic value (not a bzip2 stream)');
        const l = br.bits(8) - 0x30;
        if (l < 1 || l > 9) throw new Error('bzip2: bad block size in the header');
        return l;
      });
      const blockSizeMax = level * 100_000;
      for (;;) {
        const block = await step(BLOCK_READAHEAD, () => {
          const hi = br.bits(24);
          const lo = br.bits(24);
          if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
            br.bits(32); // the stream CRC: every block CRC was checked already
            return null;
          }
          if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) throw new Error('bzip2: bad block magic (corrupt data)');
          return decodeBlock(br, blockSizeMax);
        });
        br.append([]);
        if (block === null) break;
        if (block.length > 0) yield block;
      }
      // A stream ends on a byte boundary; another may follow.
      if (br.pos & 7) br.pos += 8 - (br.pos & 7);
      br.append([]);
    }
  } finally {
    reader.destroy();
  }
}
