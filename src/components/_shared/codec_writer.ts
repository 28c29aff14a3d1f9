/**
 * Benthos's output codecs for byte streams: `lines`, `delim:x`, `append`, `all-bytes`.
 * A batch of more than one message written with `lines` or `delim:x` ends with an extra
 * delimiter, so batch boundaries stay visible in the stream (as in Benthos).
 */
import type { Message } from '../../plugin/index.js';

export interface Codec {
  /** The bytes to write for a batch. */
  encode(batch: Message[]): Buffer;
  /** The bytes of several batches written one after the other (each framed as with `encode`). */
  encodeMany(batches: Message[][]): Buffer;
  /** `all-bytes`: each message replaces the whole target. */
  readonly replaces: boolean;
}

export function codecNames(): string[] {
  return ['lines', 'delim:x', 'append', 'all-bytes'];
}

export function checkCodec(v: unknown): string | undefined {
  const s = String(v);
  if (s === 'lines' || s === 'append' || s === 'all-bytes' || (s.startsWith('delim:') && s.length > 6)) return undefined;
  return `unknown codec "${s}": use lines, delim:<x>, append or all-bytes`;
}

export function makeCodec(name: string): Codec {
  if (name === 'append' || name === 'all-bytes') {
    return { replaces: name === 'all-bytes', encode: (b) => concat([b], null), encodeMany: (bs) => concat(bs, null) };
  }
  const delim = Buffer.from(name === 'lines' ? '\n' : name.slice('delim:'.length));
  return { replaces: false, encode: (b) => concat([b], delim), encodeMany: (bs) => concat(bs, delim) };
}

/**
 * Each message followed by the delimiter, plus one more after a batch of several messages.
 * Sized first and copied once: no intermediate list of parts.
 */
function concat(batches: Message[][], delim: Buffer | null): Buffer {
  if (batches.length === 1 && batches[0]!.length === 1 && delim === null) return batches[0]![0]!.asBytes();
  const d = delim?.length ?? 0;
  let size = 0;
  for (const batch of batches) {
    for (const m of batch) size += m.asBytes().length + d;
    if (batch.length > 1) size += d;
  }
  const out = Buffer.allocUnsafe(size);
  const single = d === 1 ? delim![0]! : -1;
  let at = 0;
  // TypedArray#set rather than Buffer#copy: no argument checks per message.
  for (const batch of batches) {
    for (const m of batch) {
      const b = m.asBytes();
      out.set(b, at);
      at += b.length;
      if (single >= 0) out[at++] = single;
      else if (d > 0) {
        out.set(delim!, at);
        at += d;
      }
    }
    if (batch.length > 1 && d > 0) {
      out.set(delim!, at);
      at += d;
    }
  }
  return out;
}
