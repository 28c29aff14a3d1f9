/**
 * Plumbing shared by scanners that transform their byte stream before handing it to a child
 * scanner (`decompress`, `skip_bom`): a pull-based Readable over an async generator, so the
 * child's demand drives the reading and back pressure reaches the file.
 */
import { Readable } from 'node:stream';
import { ChunkedReader } from './chunked_reader.js';

/** A byte stream whose chunks come from `gen`, pulled only when the consumer wants more. */
export function readableFrom(gen: AsyncGenerator<Buffer, void, undefined>): Readable {
  return Readable.from(gen, { objectMode: false, highWaterMark: 64 * 1024 });
}

/** Every chunk of a stream, in order (pulled on demand). */
export async function* chunksOf(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer, void, undefined> {
  const reader = new ChunkedReader(stream);
  try {
    for (;;) {
      const chunk = await reader.next();
      if (chunk === null) return;
      yield chunk;
    }
  } finally {
    reader.destroy();
  }
}

/** Destroy a stream if it supports it (closing a scanner must release its file). */
export function destroyStream(stream: NodeJS.ReadableStream): void {
  (stream as unknown as { destroy?: () => void }).destroy?.();
}

/** A child scanner whose close also releases the original stream it was built over. */
export function closingSource(
  scanner: import('../../plugin/index.js').Scanner,
  source: NodeJS.ReadableStream,
): import('../../plugin/index.js').Scanner {
  return {
    next: () => scanner.next(),
    async close() {
      try {
        await scanner.close();
      } finally {
        destroyStream(source);
      }
    },
  };
}
