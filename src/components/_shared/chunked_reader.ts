/**
 * Pulls chunks from a Node readable stream on demand (no flowing mode, so an unread stream never
 * buffers more than its highWaterMark: back pressure reaches the file or pipe).
 */
export class ChunkedReader {
  private ended = false;
  private error: Error | undefined;
  private waiter: (() => void) | undefined;

  constructor(private readonly stream: NodeJS.ReadableStream) {
    stream.on('readable', () => this.wake());
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
    stream.on('error', (e: Error) => {
      this.error = e;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next chunk, or null at the end of the stream. */
  async next(): Promise<Buffer | null> {
    for (;;) {
      if (this.error) throw this.error;
      const chunk = this.stream.read() as Buffer | string | null;
      if (chunk !== null) return typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  destroy(): void {
    (this.stream as unknown as { destroy?: () => void }).destroy?.();
    this.ended = true;
    this.wake();
  }
}
