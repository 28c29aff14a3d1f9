/**
 * Streaming decoder of the Snappy framing format (what Go's snappy.NewReader, used by Benthos,
 * reads). Frames are parsed here and each block (at most 64 KiB) is decompressed with the
 * `snappy` package, so any stream length is decoded in bounded memory. CRCs are not verified.
 */
import { uncompressSync } from 'snappy';
import { ByteQueue } from './scanner_byte_queue.js';

const STREAM_ID = Buffer.from('sNaPpY');

export async function* decodeSnappyFrames(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer, void, undefined> {
  const q = new ByteQueue(stream);
  try {
    let sawId = false;
    while (!(await q.atEnd())) {
      const head = await q.read(4, 'a chunk header');
      const type = head[0]!;
      const len = head[1]! | (head[2]! << 8) | (head[3]! << 16);
      const body = await q.read(len, 'a chunk');
      if (type === 0xff) {
        if (!body.equals(STREAM_ID)) throw new Error('snappy: corrupt input (bad stream identifier)');
        sawId = true;
        continue;
      }
      if (!sawId) throw new Error('snappy: corrupt input (missing stream identifier)');
      if (type === 0x00) {
        if (len < 4) throw new Error('snappy: corrupt input (short chunk)');
        const out = uncompressSync(body.subarray(4)) as Buffer;
        if (out.length > 0) yield out;
      } else if (type === 0x01) {
        if (len < 4) throw new Error('snappy: corrupt input (short chunk)');
        if (len > 4) yield Buffer.from(body.subarray(4));
      } else if (type <= 0x7f) {
        throw new Error(`snappy: unsupported chunk type 0x${type.toString(16)}`);
      }
      // 0x80-0xfe: skippable chunks and padding.
    }
  } finally {
    q.destroy();
  }
}
