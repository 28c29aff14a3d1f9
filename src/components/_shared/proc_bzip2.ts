/**
 * A bzip2 decoder (Benthos's `decompress` reads bzip2 but never writes it, and Node has no
 * built-in codec). Follows the format as the reference implementation writes it: a stream header
 * `BZh1`..`BZh9`, Huffman-coded blocks of move-to-front indices with run-length coded zeros, the
 * Burrows-Wheeler transform, and a final run-length pass. Concatenated streams are read in turn,
 * as `bzip2 -d` and Go's reader do. Every block and stream CRC is checked.
 */

const BLOCK_MAGIC_HI = 0x314159;
const BLOCK_MAGIC_LO = 0x265359;
const END_MAGIC_HI = 0x177245;
const END_MAGIC_LO = 0x385090;
const GROUP_SIZE = 50;
const MAX_CODE_LEN = 20;

function fail(reason: string): never {
  throw new Error(`bzip2 data invalid: ${reason}`);
}

/** The CRC-32 bzip2 uses: polynomial 0x04c11db7 processed most significant bit first. */
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    t[i] = c >>> 0;
  }
  return t;
})();

class BitReader {
  private pos = 0;
  private buf = 0;
  private count = 0;
  constructor(private readonly data: Uint8Array) {}

  bits(n: number): number {
    // n <= 24: the buffer never needs more than 31 bits.
    while (this.count < n) {
      if (this.pos >= this.data.length) fail('unexpected end of data');
      this.buf = ((this.buf << 8) | this.data[this.pos++]!) >>> 0;
      this.count += 8;
    }
    this.count -= n;
    const v = (this.buf >>> this.count) & ((1 << n) - 1);
    this.buf &= (1 << this.count) - 1;
    return v;
  }

  bit(): number {
    return this.bits(1);
  }

  /** True when only padding bits of the last byte remain. */
  atEnd(): boolean {
    return this.pos >= this.data.length;
  }

  /** Skip to the next byte boundary (streams start byte-aligned). */
  align(): void {
    this.count -= this.count % 8;
    this.buf &= (1 << this.count) - 1;
  }
}

/** Canonical Huffman decoding for one coding table. */
class HuffmanTable {
  private readonly perm: Uint16Array;
  private readonly firstCode = new Int32Array(MAX_CODE_LEN + 2);
  private readonly firstIndex = new Int32Array(MAX_CODE_LEN + 2);
  private readonly count = new Int32Array(MAX_CODE_LEN + 2);

  constructor(lengths: Uint8Array) {
    this.perm = new Uint16Array(lengths.length);
    let p = 0;
    let code = 0;
    for (let len = 1; len <= MAX_CODE_LEN; len++) {
      this.firstCode[len] = code;
      this.firstIndex[len] = p;
      for (let s = 0; s < lengths.length; s++) {
        if (lengths[s] === len) {
          this.perm[p++] = s;
          code++;
        }
      }
      this.count[len] = p - this.firstIndex[len]!;
      code <<= 1;
    }
  }

  decode(r: BitReader): number {
    let code = 0;
    for (let len = 1; len <= MAX_CODE_LEN; len++) {
      code = (code << 1) | r.bit();
      const offset = code - this.firstCode[len]!;
      if (offset >= 0 && offset < this.count[len]!) return this.perm[this.firstIndex[len]! + offset]!;
    }
    return fail('invalid Huffman code');
  }
}

export function decompressBzip2(data: Uint8Array): Buffer {
  const r = new BitReader(data);
  const out: Buffer[] = [];
  let streams = 0;
  while (!r.atEnd()) {
    r.align();
    if (streams > 0 && r.atEnd()) break;
    readStream(r, out);
    streams++;
  }
  if (streams === 0) fail('empty input');
  return Buffer.concat(out);
}

function readStream(r: BitReader, out: Buffer[]): void {
  if (r.bits(8) !== 0x42 || r.bits(8) !== 0x5a || r.bits(8) !== 0x68) fail('bad magic value');
  const level = r.bits(8) - 0x30;
  if (level < 1 || level > 9) fail('invalid compression level');
  const maxBlock = level * 100_000;
  let streamCrc = 0;
  for (;;) {
    const hi = r.bits(24);
    const lo = r.bits(24);
    if (hi === END_MAGIC_HI && lo === END_MAGIC_LO) {
      const want = ((r.bits(16) << 16) | r.bits(16)) >>> 0;
      if (want !== streamCrc) fail('stream checksum mismatch');
      return;
    }
    if (hi !== BLOCK_MAGIC_HI || lo !== BLOCK_MAGIC_LO) fail('bad magic value in continuation file');
    const wantCrc = ((r.bits(16) << 16) | r.bits(16)) >>> 0;
    const block = readBlock(r, maxBlock);
    const crc = blockCrc(block);
    if (crc !== wantCrc) fail('block checksum mismatch');
    streamCrc = (((streamCrc << 1) | (streamCrc >>> 31)) ^ crc) >>> 0;
    out.push(block);
  }
}

function readBlock(r: BitReader, maxBlock: number): Buffer {
  if (r.bit()) fail('deprecated randomized files');
  const origPtr = r.bits(24);

  // Which byte values occur: 16 groups of 16.
  const used = r.bits(16);
  const seqToUnseq: number[] = [];
  for (let g = 0; g < 16; g++) {
    if (!(used & (0x8000 >>> g))) continue;
    const bits = r.bits(16);
    for (let k = 0; k < 16; k++) if (bits & (0x8000 >>> k)) seqToUnseq.push(g * 16 + k);
  }
  if (seqToUnseq.length === 0) fail('no symbols in use');
  const alphaSize = seqToUnseq.length + 2;

  const numTables = r.bits(3);
  if (numTables < 2 || numTables > 6) fail('invalid number of Huffman trees');
  const numSelectors = r.bits(15);
  if (numSelectors === 0) fail('no tree selectors');

  // Selectors are move-to-front coded, each index written in unary.
  const mtfTables = [0, 1, 2, 3, 4, 5].slice(0, numTables);
  const selectors = new Uint8Array(numSelectors);
  for (let i = 0; i < numSelectors; i++) {
    let j = 0;
    while (r.bit()) {
      j++;
      if (j >= numTables) fail('tree selector out of range');
    }
    const v = mtfTables[j]!;
    mtfTables.splice(j, 1);
    mtfTables.unshift(v);
    selectors[i] = v;
  }

  // Code lengths, delta coded from a 5-bit start.
  const tables: HuffmanTable[] = [];
  for (let t = 0; t < numTables; t++) {
    const lengths = new Uint8Array(alphaSize);
    let len = r.bits(5);
    for (let s = 0; s < alphaSize; s++) {
      for (;;) {
        if (len < 1 || len > MAX_CODE_LEN) fail('Huffman length out of range');
        if (!r.bit()) break;
        len += r.bit() ? -1 : 1;
      }
      lengths[s] = len;
    }
    tables.push(new HuffmanTable(lengths));
  }

  // Huffman + run-length + move-to-front decoding into the BWT's last column.
  const eob = alphaSize - 1;
  const mtf = new Uint8Array(256);
  for (let i = 0; i < 256; i++) mtf[i] = i;
  const last = Buffer.allocUnsafe(maxBlock);
  const counts = new Int32Array(256);
  let n = 0;
  let group = -1;
  let groupLeft = 0;
  let table: HuffmanTable = tables[0]!;
  let run = 0;
  let runWeight = 1;
  const flushRun = (): void => {
    if (run === 0) return;
    if (n + run > maxBlock) fail('block too long');
    const b = seqToUnseq[mtf[0]!]!;
    last.fill(b, n, n + run);
    counts[b]! += run;
    n += run;
    run = 0;
    runWeight = 1;
  };
  for (;;) {
    if (groupLeft === 0) {
      group++;
      if (group >= numSelectors) fail('ran out of tree selectors');
      table = tables[selectors[group]!]!;
      groupLeft = GROUP_SIZE;
    }
    groupLeft--;
    const sym = table.decode(r);
    if (sym <= 1) {
      // RUNA / RUNB: a bijective base-2 count of repeats of the front byte.
      run += runWeight << sym;
      runWeight <<= 1;
      if (run > maxBlock) fail('run too long');
      continue;
    }
    flushRun();
    if (sym === eob) break;
    const idx = sym - 1;
    const v = mtf[idx]!;
    mtf.copyWithin(1, 0, idx);
    mtf[0] = v;
    if (n >= maxBlock) fail('block too long');
    const b = seqToUnseq[v]!;
    last[n++] = b;
    counts[b]!++;
  }
  if (origPtr >= n) fail('origPtr out of bounds');

  // Inverse Burrows-Wheeler: link each row of the sorted matrix to the row that follows it.
  const next = new Int32Array(n);
  const start = new Int32Array(256);
  for (let b = 0, sum = 0; b < 256; b++) {
    start[b] = sum;
    sum += counts[b]!;
  }
  for (let i = 0; i < n; i++) next[start[last[i]!]!++] = i;

  // Walk the rows, undoing the first run-length pass (4 equal bytes then a repeat count).
  const chunks: Buffer[] = [];
  let outBuf = Buffer.allocUnsafe(Math.max(n, 16));
  let o = 0;
  const push = (b: number, times: number): void => {
    if (o + times > outBuf.length) {
      chunks.push(outBuf.subarray(0, o));
      outBuf = Buffer.allocUnsafe(Math.max(n, times, 16));
      o = 0;
    }
    outBuf.fill(b, o, o + times);
    o += times;
  };
  let pos = next[origPtr]!;
  let prev = -1;
  let same = 0;
  for (let k = 0; k < n; k++) {
    const b = last[pos]!;
    pos = next[pos]!;
    if (same === 4) {
      push(prev, b);
      same = 0;
      prev = -1;
      continue;
    }
    if (b === prev) same++;
    else {
      prev = b;
      same = 1;
    }
    push(b, 1);
  }
  chunks.push(outBuf.subarray(0, o));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

function blockCrc(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = ((c << 8) ^ CRC_TABLE[((c >>> 24) ^ b[i]!) & 0xff]!) >>> 0;
  return ~c >>> 0;
}
