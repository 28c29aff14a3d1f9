/**
 * Streaming decoder of the LZ4 frame format (what Go's pierrec/lz4 reader, used by Benthos,
 * reads): frames of blocks, independent or linked, concatenated frames and skippable frames.
 * Blocks are decoded here (the format is tiny) so a stream of any length is decoded one block
 * at a time. Checksums are skipped, not verified.
 */
import { ByteQueue } from './scanner_byte_queue.js';

const MAGIC = 0x184d2204;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE = 0x184d2a50;
const WINDOW = 64 * 1024;
const BLOCK_SIZES: Record<number, number> = { 4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024 };

export async function* decodeLz4Frames(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer, void, undefined> {
  const q = new ByteQueue(stream);
  try {
    let first = true;
    while (!(await q.atEnd())) {
      const magic = (await q.read(4, 'the frame magic number')).readUInt32LE(0);
      if ((magic & SKIPPABLE_MASK) === SKIPPABLE >>> 0) {
        const len = (await q.read(4, 'a skippable frame size')).readUInt32LE(0);
        await q.read(len, 'a skippable frame');
        continue;
      }
      if (magic !== MAGIC) throw new Error(first ? 'lz4: bad magic number' : 'lz4: bad magic number after a frame');
      first = false;
      yield* decodeFrame(q);
    }
  } finally {
    q.destroy();
  }
}

async function* decodeFrame(q: ByteQueue): AsyncGenerator<Buffer, void, undefined> {
  const desc = await q.read(2, 'the frame descriptor');
  const flg = desc[0]!;
  const bd = desc[1]!;
  if (flg >> 6 !== 1) throw new Error('lz4: unsupported frame version');
  const independent = (flg & 0x20) !== 0;
  const blockChecksum = (flg & 0x10) !== 0;
  const contentSize = (flg & 0x08) !== 0;
  const contentChecksum = (flg & 0x04) !== 0;
  const dictId = (flg & 0x01) !== 0;
  const maxBlock = BLOCK_SIZES[(bd >> 4) & 7];
  if (!maxBlock) throw new Error('lz4: unsupported block size');
  await q.read((contentSize ? 8 : 0) + (dictId ? 4 : 0) + 1, 'the frame header');
  let window: Buffer = Buffer.alloc(0);
  for (;;) {
    const word = (await q.read(4, 'a block size')).readUInt32LE(0);
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (size > maxBlock) throw new Error('lz4: block larger than the frame allows');
    const data = await q.read(size, 'a block');
    if (blockChecksum) await q.read(4, 'a block checksum');
    let out: Buffer;
    if (word & 0x80000000) out = Buffer.from(data);
    else {
      const prefix = independent ? Buffer.alloc(0) : window;
      out = decodeBlock(data, prefix, maxBlock);
    }
    if (!independent) window = keepWindow(window, out);
    if (out.length > 0) yield out;
  }
  if (contentChecksum) await q.read(4, 'the content checksum');
}

function keepWindow(window: Buffer, out: Buffer): Buffer {
  if (out.length >= WINDOW) return out.subarray(out.length - WINDOW);
  const keep = Math.min(window.length, WINDOW - out.length);
  return Buffer.concat([window.subarray(window.length - keep), out]);
}

/** Decode one LZ4 block; matches may reach back into `prefix` (the previous 64 KiB of output). */
export function decodeBlock(src: Buffer, prefix: Buffer, maxOut: number): Buffer {
  const base = prefix.length;
  const out = Buffer.allocUnsafe(base + maxOut);
  prefix.copy(out, 0);
  let op = base;
  let ip = 0;
  const end = src.length;
  for (;;) {
    if (ip >= end) throw new Error('lz4: truncated block');
    const token = src[ip++]!;
    let lit = token >> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (ip >= end) throw new Error('lz4: truncated block');
        b = src[ip++]!;
        lit += b;
      } while (b === 255);
    }
    if (ip + lit > end || op + lit > out.length) throw new Error('lz4: corrupt block (literals overrun)');
    src.copy(out, op, ip, ip + lit);
    ip += lit;
    op += lit;
    if (ip >= end) break; // the last sequence holds literals only
    if (ip + 2 > end) throw new Error('lz4: truncated block');
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw new Error('lz4: corrupt block (bad match offset)');
    let len = token & 15;
    if (len === 15) {
      let b: number;
      do {
        if (ip >= end) throw new Error('lz4: truncated block');
        b = src[ip++]!;
        len += b;
      } while (b === 255);
    }
    len += 4;
    if (op + len > out.length) throw new Error('lz4: corrupt block (match overrun)');
    let from = op - offset;
    if (offset >= len) {
      out.copy(out, op, from, from + len);
      op += len;
    } else {
      // Overlapping match: byte by byte repeats the pattern.
      for (let k = 0; k < len; k++) out[op++] = out[from++]!;
    }
  }
  return out.subarray(base, op);
}
