/**
 * Checksums Node's crypto does not offer: CRC-32 with the IEEE, Castagnoli and Koopman
 * polynomials (Go's hash/crc32), XXH64 (seed 0) and 32-bit FNV-1 (Go's fnv.New32).
 */

const crcPolys: Record<string, number> = {
  // Reversed (LSB-first) polynomial forms, as Go's crc32 constants are.
  IEEE: 0xedb88320,
  Castagnoli: 0x82f63b78,
  Koopman: 0xeb31d82e,
};

const crcTables = new Map<string, Uint32Array>();

function crcTable(poly: string): Uint32Array | undefined {
  let table = crcTables.get(poly);
  if (table) return table;
  const p = crcPolys[poly];
  if (p === undefined) return undefined;
  table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ p : c >>> 1;
    table[i] = c >>> 0;
  }
  crcTables.set(poly, table);
  return table;
}

export function isCrcPolynomial(poly: string): boolean {
  return crcPolys[poly] !== undefined;
}

/** CRC-32 checksum as Go's hash.Sum: 4 bytes, big-endian. */
export function crc32(data: Uint8Array, poly = 'IEEE'): Uint8Array {
  const table = crcTable(poly)!;
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = table[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  c = (c ^ 0xffffffff) >>> 0;
  return Uint8Array.of(c >>> 24, (c >>> 16) & 255, (c >>> 8) & 255, c & 255);
}

/** FNV-1 32-bit (multiply then xor), big-endian sum. */
export function fnv32(data: Uint8Array): Uint8Array {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ data[i]) >>> 0;
  }
  return Uint8Array.of(h >>> 24, (h >>> 16) & 255, (h >>> 8) & 255, h & 255);
}

const MASK = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK;
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;

function round(acc: bigint, input: bigint): bigint {
  return mul(rotl((acc + mul(input, P2)) & MASK, 31n), P1);
}

function mergeRound(acc: bigint, val: bigint): bigint {
  return (mul(acc ^ round(0n, val), P1) + P4) & MASK;
}

/** XXH64 with seed 0, as an unsigned 64-bit integer. */
export function xxhash64(data: Uint8Array): bigint {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const len = data.length;
  let i = 0;
  let h: bigint;
  if (len >= 32) {
    let v1 = (P1 + P2) & MASK;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (0n - P1) & MASK;
    for (; i + 32 <= len; i += 32) {
      v1 = round(v1, view.getBigUint64(i, true));
      v2 = round(v2, view.getBigUint64(i + 8, true));
      v3 = round(v3, view.getBigUint64(i + 16, true));
      v4 = round(v4, view.getBigUint64(i + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(len)) & MASK;
  for (; i + 8 <= len; i += 8) {
    h ^= round(0n, view.getBigUint64(i, true));
    h = (mul(rotl(h, 27n), P1) + P4) & MASK;
  }
  if (i + 4 <= len) {
    h ^= mul(BigInt(view.getUint32(i, true)), P1);
    h = (mul(rotl(h, 23n), P2) + P3) & MASK;
    i += 4;
  }
  for (; i < len; i++) {
    h ^= mul(BigInt(data[i]), P5);
    h = mul(rotl(h, 11n), P1);
  }
  h ^= h >> 33n;
  h = mul(h, P2);
  h ^= h >> 29n;
  h = mul(h, P3);
  h ^= h >> 32n;
  return h;
}
