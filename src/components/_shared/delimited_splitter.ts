/**
 * Splits a byte stream on a delimiter, across chunk boundaries, without copying complete parts
 * out of their chunk. Used by the lines scanner and anything that reads delimited records.
 */
export class DelimitedSplitter {
  private carry: Buffer | null = null;

  constructor(
    private readonly delim: Buffer,
    private readonly maxBufferSize: number,
  ) {}

  /** Append a chunk; returns the complete parts it closed. */
  push(chunk: Buffer, out: Buffer[]): void {
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    let start = 0;
    const d = this.delim;
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

  /** The unterminated tail at the end of the stream, if any. */
  end(): Buffer | null {
    const c = this.carry;
    this.carry = null;
    return c && c.length > 0 ? c : null;
  }
}
