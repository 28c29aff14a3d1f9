/**
 * A queue of chunks read from a stream, from which a decoder takes exact byte counts. Used by
 * the frame decoders of the decompress scanner (lz4, snappy), whose headers and blocks straddle
 * chunk boundaries.
 */
import { ChunkedReader } from './chunked_reader.js';

export class ByteQueue {
  private readonly reader: ChunkedReader;
  private chunks: Buffer[] = [];
  private offset = 0;
  private size = 0;
  private ended = false;

  constructor(stream: NodeJS.ReadableStream) {
    this.reader = new ChunkedReader(stream);
  }

  /** Make at least `n` bytes available; false when the stream ended first. */
  async ensure(n: number): Promise<boolean> {
    while (this.size < n && !this.ended) {
      const c = await this.reader.next();
      if (c === null) this.ended = true;
      else if (c.length > 0) {
        this.chunks.push(c);
        this.size += c.length;
      }
    }
    return this.size >= n;
  }

  /** True when no byte is left and the stream ended. */
  async atEnd(): Promise<boolean> {
    return !(await this.ensure(1));
  }

  /** Take exactly `n` bytes (call ensure first); one chunk's bytes are not copied. */
  take(n: number): Buffer {
    if (n > this.size) throw new Error('unexpected end of compressed stream');
    const first = this.chunks[0];
    if (first && first.length - this.offset >= n) {
      const out = first.subarray(this.offset, this.offset + n);
      this.advance(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(n - filled, c.length - this.offset);
      c.copy(out, filled, this.offset, this.offset + k);
      filled += k;
      this.advance(k);
    }
    return out;
  }

  /** Take `n` bytes, failing with a clear error when the stream is shorter. */
  async read(n: number, what: string): Promise<Buffer> {
    if (!(await this.ensure(n))) throw new Error(`unexpected end of compressed stream while reading ${what}`);
    return this.take(n);
  }

  private advance(n: number): void {
    this.offset += n;
    this.size -= n;
    while (this.chunks.length > 0 && this.offset >= this.chunks[0]!.length) {
      this.offset -= this.chunks[0]!.length;
      this.chunks.shift();
    }
  }

  destroy(): void {
    this.reader.destroy();
  }
}
