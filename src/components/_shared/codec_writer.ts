/**
 * Benthos's output codecs for byte streams: `lines`, `delim:x`, `append`, `all-bytes`.
 * A batch of more than one message written with `lines` or `delim:x` ends with an extra
 * delimiter, so batch boundaries stay visible in the stream (as in Benthos).
 */
import type { Message } from '../../plugin/index.js';

export interface Codec {
  /** The bytes to write for a batch. */
  encode(batch: Message[]): Buffer;
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
  if (name === 'append') return { replaces: false, encode: (b) => concat(b, null, false) };
  if (name === 'all-bytes') return { replaces: true, encode: (b) => concat(b, null, false) };
  const delim = Buffer.from(name === 'lines' ? '\n' : name.slice('delim:'.length));
  return { replaces: false, encode: (b) => concat(b, delim, b.length > 1) };
}

function concat(batch: Message[], delim: Buffer | null, trailer: boolean): Buffer {
  if (batch.length === 1 && delim === null) return batch[0]!.asBytes();
  const parts: Buffer[] = [];
  for (const m of batch) {
    parts.push(m.asBytes());
    if (delim) parts.push(delim);
  }
  if (trailer && delim) parts.push(delim);
  return Buffer.concat(parts);
}
