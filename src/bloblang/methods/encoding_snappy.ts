/**
 * Snappy block format (golang/snappy's Encode/Decode, which Benthos uses): a varint length
 * followed by literal and copy elements. The encoder is a simple greedy hash matcher; any
 * valid snappy stream decodes.
 */
import { BloblangError } from '../value.js';

const corrupt = (): BloblangError => new BloblangError('snappy: corrupt input');

function pushVarint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function emitLiteral(out: number[], src: Uint8Array, from: number, to: number): void {
  const n = to - from - 1;
  if (n < 0) return;
  if (n < 60) out.push(n << 2);
  else if (n < 1 << 8) out.push(60 << 2, n);
  else if (n < 1 << 16) out.push(61 << 2, n & 0xff, n >> 8);
  else if (n < 1 << 24) out.push(62 << 2, n & 0xff, (n >> 8) & 0xff, n >> 16);
  else out.push(63 << 2, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  for (let k = from; k < to; k++) out.push(src[k]);
}

function emitCopy(out: number[], offset: number, length: number): void {
  while (length > 0) {
    if (length >= 4 && length < 12 && offset < 2048) {
      out.push(1 | ((length - 4) << 2) | ((offset >> 8) << 5), offset & 0xff);
      return;
    }
    const n = Math.min(length, 64);
    // Keep at least 4 bytes for the next copy element.
    const take = length - n > 0 && length - n < 4 ? length - 4 : n;
    out.push(2 | ((take - 1) << 2), offset & 0xff, offset >> 8);
    length -= take;
  }
}

export function snappyEncode(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  pushVarint(out, src.length);
  const table = new Map<number, number>();
  let anchor = 0;
  let i = 0;
  const key = (p: number): number => (src[p] | (src[p + 1] << 8) | (src[p + 2] << 16) | (src[p + 3] << 24)) >>> 0;
  while (i + 4 <= src.length) {
    const k = key(i);
    const cand = table.get(k);
    table.set(k, i);
    if (cand !== undefined && i - cand < 65536) {
      let len = 4;
      while (i + len < src.length && src[cand + len] === src[i + len]) len++;
      emitLiteral(out, src, anchor, i);
      emitCopy(out, i - cand, len);
      i += len;
      anchor = i;
    } else {
      i++;
    }
  }
  emitLiteral(out, src, anchor, src.length);
  return Uint8Array.from(out);
}

export function snappyDecode(src: Uint8Array): Uint8Array {
  let i = 0;
  let len = 0;
  let shift = 1;
  for (;;) {
    if (i >= src.length || i > 9) throw corrupt();
    const b = src[i++];
    len += (b & 0x7f) * shift;
    shift *= 128;
    if (b < 0x80) break;
  }
  const out = new Uint8Array(len);
  let o = 0;
  while (i < src.length) {
    const tag = src[i++];
    let length: number;
    let offset: number;
    switch (tag & 3) {
      case 0: {
        let n = tag >> 2;
        if (n >= 60) {
          const extra = n - 59;
          if (i + extra > src.length) throw corrupt();
          n = 0;
          for (let k = 0; k < extra; k++) n += src[i + k] * 2 ** (8 * k);
          i += extra;
        }
        n += 1;
        if (i + n > src.length || o + n > len) throw corrupt();
        out.set(src.subarray(i, i + n), o);
        i += n;
        o += n;
        continue;
      }
      case 1:
        if (i >= src.length) throw corrupt();
        length = 4 + ((tag >> 2) & 7);
        offset = ((tag >> 5) << 8) | src[i++];
        break;
      case 2:
        if (i + 2 > src.length) throw corrupt();
        length = 1 + (tag >> 2);
        offset = src[i] | (src[i + 1] << 8);
        i += 2;
        break;
      default:
        if (i + 4 > src.length) throw corrupt();
        length = 1 + (tag >> 2);
        offset = (src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24)) >>> 0;
        i += 4;
    }
    if (offset === 0 || offset > o || o + length > len) throw corrupt();
    for (let k = 0; k < length; k++, o++) out[o] = out[o - offset];
  }
  if (o !== len) throw corrupt();
  return out;
}
