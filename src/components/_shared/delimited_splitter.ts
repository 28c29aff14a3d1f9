/**
 * Splits a byte stream on a delimiter, across chunk boundaries, without copying complete parts
 * out of their chunk. Used by the lines scanner and anything that reads delimited records.
 */
export class DelimitedSplitter {
  private carry: Buffer | null = null;
  /** Pull mode (`feed`/`nextPart`): the chunk being split, where the next record starts, and a joined first record. */
  private buf: Buffer | null = null;
  private pos = 0;
  private joined: Buffer | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly delim: Buffer,
    private readonly maxBufferSize: number,
  ) {}

  /** Append a chunk; returns the complete parts it closed. */
  push(chunk: Buffer, out: Buffer[]): void {
    let buf = chunk;
    let start = 0;
    const d = this.delim;
    if (this.carry) {
      const carry = this.carry;
      this.carry = null;
      const first = d.length === 1 ? chunk.indexOf(d[0]!) : -1;
      if (first >= 0) {
        // Only the record that spans the chunk boundary is joined: the chunk itself is not copied.
        out.push(Buffer.concat([carry, chunk.subarray(0, first)]));
        start = first + 1;
      } else buf = Buffer.concat([carry, chunk]);
    }
    for (;;) {
      const i = d.length === 1 ? buf.indexOf(d[0]!, start) : buf.indexOf(d, start);
      if (i < 0) break;
      out.push(buf.subarray(start, i));
      start = i + d.length;
    }
    if (start < buf.length) {
      const rest = buf.subarray(start);
      if (this.maxBufferSize > 0 && rest.length > this.maxBufferSize) {
        throw new Error(`a record is longer than max_buffer_size (${this.maxBufferSize} bytes) without a delimiter`);
      }
      this.carry = rest;
    }
  }

  /**
   * Pull mode: hand over the next chunk once `nextPart()` returned null. Records are then cut one
   * at a time, so only the records taken are alive (not a view per line of the whole chunk).
   */
  feed(chunk: Buffer): void {
    const d = this.delim;
    this.pos = 0;
    this.buf = chunk;
    if (this.carry) {
      const carry = this.carry;
      this.carry = null;
      const first = d.length === 1 ? chunk.indexOf(d[0]!) : -1;
      if (first >= 0) {
        // Only the record that spans the chunk boundary is joined: the chunk itself is not copied.
        this.joined = Buffer.concat([carry, chunk.subarray(0, first)]);
        this.pos = first + 1;
      } else this.buf = Buffer.concat([carry, chunk]);
    }
  }

  /** The next complete record of what was fed, or null when another chunk is needed. */
  nextPart(): Buffer | null {
    if (this.failure) throw this.failure;
    const joined = this.joined;
    if (joined) {
      this.joined = null;
      return joined;
    }
    const buf = this.buf;
    if (buf === null) return null;
    const d = this.delim;
    const i = d.length === 1 ? buf.indexOf(d[0]!, this.pos) : buf.indexOf(d, this.pos);
    if (i >= 0) {
      const part = buf.subarray(this.pos, i);
      this.pos = i + d.length;
      return part;
    }
    this.buf = null;
    if (this.pos < buf.length) {
      const rest = buf.subarray(this.pos);
      if (this.maxBufferSize > 0 && rest.length > this.maxBufferSize) {
        this.failure = new Error(`a record is longer than max_buffer_size (${this.maxBufferSize} bytes) without a delimiter`);
        throw this.failure;
      }
      this.carry = rest;
    }
    return null;
  }

  /** The unterminated tail at the end of the stream, if any. */
  end(): Buffer | null {
    const c = this.carry;
    this.carry = null;
    return c && c.length > 0 ? c : null;
  }
}
