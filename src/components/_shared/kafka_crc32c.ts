/**
 * CRC-32C (Castagnoli), the checksum of Kafka record batches, eight bytes per step
 * ("slicing-by-8"): several times faster in JS than a byte at a time, which matters because
 * every produced batch (~100 KB for 256 small messages) is checksummed once. Node 20 has no
 * native CRC-32C.
 */

const POLY = 0x82f63b78; // reflected Castagnoli polynomial

const T = Array.from({ length: 8 }, () => new Int32Array(256));
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[0]![i] = c;
}
for (let i = 0; i < 256; i++) {
  for (let t = 1; t < 8; t++) T[t]![i] = (T[t - 1]![i]! >>> 8) ^ T[0]![T[t - 1]![i]! & 0xff]!;
}
const [T0, T1, T2, T3, T4, T5, T6, T7] = T as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];

/** CRC-32C of `buf[start, end)`, as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = -1;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) ^ crc;
    crc =
      T7[a & 0xff]! ^
      T6[(a >>> 8) & 0xff]! ^
      T5[(a >>> 16) & 0xff]! ^
      T4[a >>> 24]! ^
      T3[buf[i + 4]!]! ^
      T2[buf[i + 5]!]! ^
      T1[buf[i + 6]!]! ^
      T0[buf[i + 7]!]!;
  }
  for (; i < end; i++) crc = T0[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
