/**
 * bzip2 for the `decompress` scanner: the shared decoder (bzip2_decoder.ts) fed from a stream,
 * with enough compressed bytes buffered for a whole block before each one is decoded, so memory
 * stays bounded by about one block whatever the file size.
 */
import { ChunkedReader } from './chunked_reader.js';
import { Bzip2Decoder, BZIP2_BLOCK_READAHEAD } from './bzip2_decoder.js';

/** More input to read when a block turned out longer than what was buffered. */
const TOP_UP = 1024 * 1024;

export async function* decodeBzip2(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer, void, undefined> {
  const reader = new ChunkedReader(stream);
  const dec = new Bzip2Decoder();
  let ended = false;
  const fill = async (min: number): Promise<void> => {
    const got: Buffer[] = [];
    let have = dec.buffered;
    while (!ended && have < min) {
      const c = await reader.next();
      if (c === null) ended = true;
      else {
        got.push(c);
        have += c.length;
      }
    }
    if (got.length > 0) dec.push(got);
  };
  try {
    for (;;) {
      if (dec.buffered < BZIP2_BLOCK_READAHEAD) await fill(BZIP2_BLOCK_READAHEAD);
      const block = dec.next(ended);
      if (block === null) return;
      if (block === undefined) await fill(dec.buffered + TOP_UP);
      else if (block.length > 0) yield block;
    }
  } finally {
    reader.destroy();
  }
}
