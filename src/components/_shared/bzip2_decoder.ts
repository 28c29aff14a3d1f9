/**
 * The one bzip2 decoder (Node has none built in and no package is installed for it), used by
 * the `decompress` processor (whole messages) and the `decompress` scanner (streams of any size).
 * Decodes block by block: Huffman + MTF/RLE2, the inverse Burrows-Wheeler transform, then the
 * initial run-length stage, so memory stays bounded by one block (at most 900 kB of output).
 * Block and stream CRCs are verified; concatenated streams are read one after the other, as
 * `bzip2 -d` and Go's reader do. Randomised blocks (deprecated since bzip2 0.9.5) are refused.
 *
 * Input arrives in chunks: a step that runs out of bits is rolled back and reported as "need
 * more", so a caller can feed it everything at once or as it is read.
 */

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const MAX_GROUPS = 6;
const GROUP_SIZE = 50;
const MAX_CODE_LEN = 20;

/** Thrown inside a decoding step that ran out of input; the step is retried with more. */
class NeedMore extends Error {}

function fail(reason: string): never {
  throw new Error(`bzip2 data invalid: ${reason}`);
}

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
  fail('corrupt Huffman code');
}

/** Decode one block's data (after the block magic): the bytes it holds, with its CRC checked. */
function decodeBlock(br: BitReader, blockSizeMax: number): { data: Buffer; crc: number } {
  const expectedCrc = br.bits(32) | 0;
  if (br.bit()) fail('randomised blocks are not supported');
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
  if (inUse === 0) fail('corrupt block (no symbols)');
  const alphaSize = inUse + 2;

  const nGroups = br.bits(3);
  if (nGroups < 2 || nGroups > MAX_GROUPS) fail('corrupt block (bad number of Huffman tables)');
  const nSelectors = br.bits(15);
  if (nSelectors < 1) fail('corrupt block (no selectors)');
  const mtfGroups = [0, 1, 2, 3, 4, 5].slice(0, nGroups);
  const selectors = new Uint8Array(nSelectors);
  for (let i = 0; i < nSelectors; i++) {
    let j = 0;
    while (br.bit()) {
      if (++j >= nGroups) fail('corrupt block (bad selector)');
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
        if (len < 1 || len > MAX_CODE_LEN) fail('corrupt block (bad code length)');
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
      if (selIdx >= nSelectors) fail('corrupt block (ran out of selectors)');
      table = tables[selectors[selIdx++]!]!;
      groupPos = GROUP_SIZE;
    }
    groupPos--;
    const sym = decodeSymbol(br, table);
    if (sym <= 1) {
      // RUNA / RUNB: a bijective base-2 run length of the symbol at the MTF front.
      run += runBit << sym;
      runBit <<= 1;
      if (run > blockSizeMax) fail('corrupt block (run too long)');
      continue;
    }
    if (run > 0) {
      const b = seqToUnseq[mtf[0]!]!;
      if (n + run > blockSizeMax) fail('corrupt block (block too long)');
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
    if (n >= blockSizeMax) fail('corrupt block (block too long)');
    tt[n++] = b;
    counts[b]!++;
  }
  if (origPtr >= n) fail('corrupt block (bad origin pointer)');

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
  if ((crc | 0) !== expectedCrc) fail('checksum mismatch (corrupt data)');
  return { data: outBuf.subarray(0, op), crc: expectedCrc >>> 0 };
}

/** Bytes worth buffering before a block is decoded: more than the largest compressed block takes. */
export const BZIP2_BLOCK_READAHEAD = 2_600_000;

export class Bzip2Decoder {
  private readonly br = new BitReader();
  /** Of the stream being read; 0 between streams (a header comes next). */
  private blockSizeMax = 0;
  private streamCrc = 0;
  private streams = 0;

  /** Append compressed bytes. */
  push(chunks: Buffer[]): void {
    this.br.append(chunks);
  }

  /** Compressed bytes received and not yet decoded. */
  get buffered(): number {
    return this.br.bufferedBytes;
  }

  /**
   * The next decoded block; undefined when more input is needed first; null once the input is
   * over (`ended`: nothing more will be pushed) and ended cleanly after a stream. Throws on
   * invalid or truncated data.
   */
  next(ended: boolean): Buffer | null | undefined {
    const br = this.br;
    for (;;) {
      const start = br.pos;
      const [blockSizeMax, streamCrc] = [this.blockSizeMax, this.streamCrc];
      try {
        if (this.blockSizeMax === 0) {
          if (br.bufferedBytes === 0) {
            if (!ended) return undefined;
            if (this.streams === 0) fail('empty input');
            return null;
          }
          if (br.bits(8) !== 0x42 || br.bits(8) !== 0x5a || br.bits(8) !== 0x68) fail('bad magic value (not a bzip2 stream)');
          const level = br.bits(8) - 0x30;
          if (level < 1 || level > 9) fail('bad block size in the header');
          this.blockSizeMax = level * 100_000;
        }
        const hi = br.bits(24);
        const lo = br.bits(24);
        if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
          if (br.bits(32) >>> 0 !== this.streamCrc) fail('stream checksum mismatch');
          // A stream ends on a byte boundary; another may follow.
          if (br.pos & 7) br.pos += 8 - (br.pos & 7);
          br.append([]);
          this.blockSizeMax = 0;
          this.streamCrc = 0;
          this.streams++;
          continue;
        }
        if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) fail('bad block magic (corrupt data)');
        const block = decodeBlock(br, this.blockSizeMax);
        this.streamCrc = (((this.streamCrc << 1) | (this.streamCrc >>> 31)) ^ block.crc) >>> 0;
        br.append([]);
        return block.data;
      } catch (e) {
        if (!(e instanceof NeedMore)) throw e;
        br.pos = start;
        [this.blockSizeMax, this.streamCrc] = [blockSizeMax, streamCrc];
        if (ended) fail('unexpected end of compressed data');
        return undefined;
      }
    }
  }
}

/** Decode a whole bzip2 file (one or more concatenated streams) held in memory. */
export function decodeBzip2Buffer(data: Uint8Array): Buffer {
  const dec = new Bzip2Decoder();
  dec.push([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
  const out: Buffer[] = [];
  for (let block = dec.next(true); block; block = dec.next(true)) out.push(block);
  return out.length === 1 ? out[0]! : Buffer.concat(out);
}
