/**
 * Argon2 (RFC 9106, version 0x13) verification for `compare_argon2`: argon2id, argon2i and
 * argon2d hashes in the PHC string form `$argon2id$v=19$m=..,t=..,p=..$salt$hash`.
 * Node 20 has no Argon2, so BLAKE2b and the memory-hard core are implemented here with
 * 64-bit words held as pairs of 32-bit halves.
 */
import crypto from 'node:crypto';
import { BloblangError } from '../value.js';

// ---------------------------------------------------------------------------------------------
// 64-bit helpers on (hi, lo) pairs stored in Uint32Arrays at even (lo) / odd (hi) indexes.

const IV = Uint32Array.from([
  0xf3bcc908, 0x6a09e667, 0x84caa73b, 0xbb67ae85, 0xfe94f82b, 0x3c6ef372, 0x5f1d36f1, 0xa54ff53a,
  0xade682d1, 0x510e527f, 0x2b3e6c1f, 0x9b05688c, 0xfb41bd6b, 0x1f83d9ab, 0x137e2179, 0x5be0cd19,
]);

const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
  [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
  [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
  [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
  [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
  [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
];

/** v[a] += v[b] (+ optional message word m[mi]) modulo 2^64. */
function add64(v: Uint32Array, a: number, b: number): void {
  const lo = v[a] + v[b];
  v[a + 1] = (v[a + 1] + v[b + 1] + (lo >= 0x100000000 ? 1 : 0)) >>> 0;
  v[a] = lo >>> 0;
}

function addConst64(v: Uint32Array, a: number, lo: number, hi: number): void {
  const l = v[a] + lo;
  v[a + 1] = (v[a + 1] + hi + (l >= 0x100000000 ? 1 : 0)) >>> 0;
  v[a] = l >>> 0;
}

/** v[a] = rotr64(v[a] ^ v[b], n). */
function xorRotr(v: Uint32Array, a: number, b: number, n: number): void {
  let lo = v[a] ^ v[b];
  let hi = v[a + 1] ^ v[b + 1];
  if (n === 32) {
    v[a] = hi >>> 0;
    v[a + 1] = lo >>> 0;
    return;
  }
  if (n > 32) {
    const t = lo;
    lo = hi;
    hi = t;
    n -= 32;
  }
  v[a] = ((lo >>> n) | (hi << (32 - n))) >>> 0;
  v[a + 1] = ((hi >>> n) | (lo << (32 - n))) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// BLAKE2b with any output length from 1 to 64 bytes.

function blake2bCompress(h: Uint32Array, block: Uint32Array, t: number, last: boolean): void {
  const v = new Uint32Array(32);
  v.set(h);
  v.set(IV, 16);
  v[24] ^= t >>> 0;
  v[25] ^= Math.floor(t / 0x100000000) >>> 0;
  if (last) {
    v[28] = ~v[28] >>> 0;
    v[29] = ~v[29] >>> 0;
  }
  const g = (a: number, b: number, c: number, d: number, x: number, y: number): void => {
    add64(v, a, b);
    addConst64(v, a, block[x], block[x + 1]);
    xorRotr(v, d, a, 32);
    add64(v, c, d);
    xorRotr(v, b, c, 24);
    add64(v, a, b);
    addConst64(v, a, block[y], block[y + 1]);
    xorRotr(v, d, a, 16);
    add64(v, c, d);
    xorRotr(v, b, c, 63);
  };
  for (let r = 0; r < 12; r++) {
    const s = SIGMA[r % 10];
    g(0, 8, 16, 24, s[0] * 2, s[1] * 2);
    g(2, 10, 18, 26, s[2] * 2, s[3] * 2);
    g(4, 12, 20, 28, s[4] * 2, s[5] * 2);
    g(6, 14, 22, 30, s[6] * 2, s[7] * 2);
    g(0, 10, 20, 30, s[8] * 2, s[9] * 2);
    g(2, 12, 22, 24, s[10] * 2, s[11] * 2);
    g(4, 14, 16, 26, s[12] * 2, s[13] * 2);
    g(6, 8, 18, 28, s[14] * 2, s[15] * 2);
  }
  for (let i = 0; i < 16; i++) h[i] = (h[i] ^ v[i] ^ v[i + 16]) >>> 0;
}

export function blake2b(data: Uint8Array, outLen = 64): Uint8Array {
  const h = IV.slice();
  h[0] ^= 0x01010000 ^ outLen;
  const block = new Uint32Array(32);
  const bytes = new Uint8Array(block.buffer);
  let t = 0;
  let i = 0;
  // All full blocks except the last one (the final block may be full).
  while (data.length - i > 128) {
    bytes.set(data.subarray(i, i + 128));
    t += 128;
    blake2bCompress(h, littleEndianWords(block), t, false);
    i += 128;
  }
  bytes.fill(0);
  bytes.set(data.subarray(i));
  t += data.length - i;
  blake2bCompress(h, littleEndianWords(block), t, true);
  const out = new Uint8Array(64);
  const view = new DataView(out.buffer);
  for (let k = 0; k < 16; k++) view.setUint32(k * 4, h[k], true);
  return out.slice(0, outLen);
}

const littleEndianHost = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function littleEndianWords(w: Uint32Array): Uint32Array {
  if (littleEndianHost) return w;
  const view = new DataView(w.buffer);
  return Uint32Array.from({ length: w.length }, (_, i) => view.getUint32(i * 4, true));
}

function le32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Argon2's variable-length hash H'. */
function hashPrime(input: Uint8Array, outLen: number): Uint8Array {
  const x = concat([le32(outLen), input]);
  if (outLen <= 64) return blake2b(x, outLen);
  const out = new Uint8Array(outLen);
  const r = Math.ceil(outLen / 32) - 2;
  let v = blake2b(x, 64);
  out.set(v.subarray(0, 32), 0);
  for (let i = 1; i < r; i++) {
    v = blake2b(v, 64);
    out.set(v.subarray(0, 32), i * 32);
  }
  out.set(blake2b(v, outLen - 32 * r), r * 32);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The Argon2 compression function G over 1 KiB blocks (128 words = 256 uint32 halves).

/** a = a + b + 2 * lo32(a) * lo32(b), the BlaMka multiply-add (all in 32-bit integer ops). */
function blamka(v: Uint32Array, a: number, b: number): void {
  const x = v[a];
  const y = v[b];
  const xl = x & 0xffff;
  const xh = x >>> 16;
  const yl = y & 0xffff;
  const yh = y >>> 16;
  const ll = xl * yl;
  const hl = xh * yl;
  const lh = xl * yh;
  const carry = ((ll >>> 16) + (hl & 0xffff) + (lh & 0xffff)) >>> 16;
  const hi = (xh * yh + (hl >>> 16) + (lh >>> 16) + carry) >>> 0;
  const lo = Math.imul(x, y) >>> 0;
  // 2 * product, then a + b + 2 * product.
  const plo = (lo << 1) >>> 0;
  const phi = ((hi << 1) | (lo >>> 31)) >>> 0;
  let sumLo = v[a] + v[b];
  let sumHi = v[a + 1] + v[b + 1] + (sumLo >= 0x100000000 ? 1 : 0);
  sumLo >>>= 0;
  const lo2 = sumLo + plo;
  sumHi = sumHi + phi + (lo2 >= 0x100000000 ? 1 : 0);
  v[a] = lo2 >>> 0;
  v[a + 1] = sumHi >>> 0;
}

function gb(v: Uint32Array, a: number, b: number, c: number, d: number): void {
  blamka(v, a, b);
  xorRotr(v, d, a, 32);
  blamka(v, c, d);
  xorRotr(v, b, c, 24);
  blamka(v, a, b);
  xorRotr(v, d, a, 16);
  blamka(v, c, d);
  xorRotr(v, b, c, 63);
}

/** The permutation P over 16 words given by their word indexes. */
function permute(v: Uint32Array, w: number[]): void {
  const i = (k: number): number => w[k] * 2;
  gb(v, i(0), i(4), i(8), i(12));
  gb(v, i(1), i(5), i(9), i(13));
  gb(v, i(2), i(6), i(10), i(14));
  gb(v, i(3), i(7), i(11), i(15));
  gb(v, i(0), i(5), i(10), i(15));
  gb(v, i(1), i(6), i(11), i(12));
  gb(v, i(2), i(7), i(8), i(13));
  gb(v, i(3), i(4), i(9), i(14));
}

const ROWS = Array.from({ length: 8 }, (_, r) => Array.from({ length: 16 }, (_, k) => r * 16 + k));
const COLS = Array.from({ length: 8 }, (_, c) =>
  Array.from({ length: 16 }, (_, k) => 2 * c + (k % 2) + 16 * Math.floor(k / 2)),
);

const scratchR = new Uint32Array(256);
const scratchQ = new Uint32Array(256);

/** out = G(x, y) (xor-ed into out when `xorInto`). */
function compressG(out: Uint32Array, x: Uint32Array, y: Uint32Array, xorInto: boolean): void {
  for (let i = 0; i < 256; i++) scratchR[i] = x[i] ^ y[i];
  scratchQ.set(scratchR);
  for (const row of ROWS) permute(scratchQ, row);
  for (const col of COLS) permute(scratchQ, col);
  if (xorInto) for (let i = 0; i < 256; i++) out[i] ^= scratchQ[i] ^ scratchR[i];
  else for (let i = 0; i < 256; i++) out[i] = scratchQ[i] ^ scratchR[i];
}

// ---------------------------------------------------------------------------------------------

type Variant = 0 | 1 | 2; // argon2d, argon2i, argon2id

interface Argon2Params {
  variant: Variant;
  memoryKiB: number;
  passes: number;
  lanes: number;
  salt: Uint8Array;
  tagLength: number;
}

export function argon2(password: Uint8Array, p: Argon2Params): Uint8Array {
  const { variant, passes, lanes } = p;
  const h0 = blake2b(
    concat([
      le32(lanes), le32(p.tagLength), le32(p.memoryKiB), le32(passes), le32(0x13), le32(variant),
      le32(password.length), password, le32(p.salt.length), p.salt, le32(0), le32(0),
    ]),
  );
  const blockCount = Math.max(4 * lanes * Math.floor(p.memoryKiB / (4 * lanes)), 8 * lanes);
  const laneLength = blockCount / lanes;
  const segmentLength = laneLength / 4;
  const memory = new Uint32Array(blockCount * 256);
  const block = (lane: number, index: number): Uint32Array => memory.subarray((lane * laneLength + index) * 256, (lane * laneLength + index + 1) * 256);
  const fromBytes = (b: Uint8Array): Uint32Array => {
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return Uint32Array.from({ length: 256 }, (_, i) => view.getUint32(i * 4, true));
  };
  for (let l = 0; l < lanes; l++) {
    block(l, 0).set(fromBytes(hashPrime(concat([h0, le32(0), le32(l)]), 1024)));
    block(l, 1).set(fromBytes(hashPrime(concat([h0, le32(1), le32(l)]), 1024)));
  }
  const zero = new Uint32Array(256);
  const input = new Uint32Array(256);
  const address = new Uint32Array(256);
  const tmp = new Uint32Array(256);
  for (let pass = 0; pass < passes; pass++) {
    for (let slice = 0; slice < 4; slice++) {
      for (let lane = 0; lane < lanes; lane++) {
        const independent = variant === 1 || (variant === 2 && pass === 0 && slice < 2);
        if (independent) {
          input.fill(0);
          input[0] = pass; input[2] = lane; input[4] = slice; input[6] = blockCount;
          input[8] = passes; input[10] = variant; input[12] = 0;
        }
        const nextAddresses = (): void => {
          input[12]++;
          compressG(tmp, zero, input, false);
          compressG(address, zero, tmp, false);
        };
        let start = 0;
        if (pass === 0 && slice === 0) {
          start = 2;
          if (independent) nextAddresses();
        }
        for (let idx = start; idx < segmentLength; idx++) {
          const cur = slice * segmentLength + idx;
          const prev = cur === 0 ? laneLength - 1 : cur - 1;
          let j1: number;
          let j2: number;
          if (independent) {
            if (idx % 128 === 0) nextAddresses();
            j1 = address[(idx % 128) * 2];
            j2 = address[(idx % 128) * 2 + 1];
          } else {
            const pb = block(lane, prev);
            j1 = pb[0];
            j2 = pb[1];
          }
          const refLane = pass === 0 && slice === 0 ? lane : j2 % lanes;
          const sameLane = refLane === lane;
          let area: number;
          if (pass === 0) {
            area = sameLane ? slice * segmentLength + idx - 1 : slice * segmentLength + (idx === 0 ? -1 : 0);
          } else {
            area = sameLane ? laneLength - segmentLength + idx - 1 : laneLength - segmentLength + (idx === 0 ? -1 : 0);
          }
          const x = Number((BigInt(j1) * BigInt(j1)) >> 32n);
          const y = Number((BigInt(area) * BigInt(x)) >> 32n);
          const rel = area - 1 - y;
          const startPos = pass === 0 || slice === 3 ? 0 : (slice + 1) * segmentLength;
          const refIndex = (startPos + rel) % laneLength;
          compressG(block(lane, cur), block(lane, prev), block(refLane, refIndex), pass > 0);
        }
      }
    }
  }
  const final = block(0, laneLength - 1).slice();
  for (let l = 1; l < lanes; l++) {
    const b = block(l, laneLength - 1);
    for (let i = 0; i < 256; i++) final[i] ^= b[i];
  }
  const bytes = new Uint8Array(1024);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 256; i++) view.setUint32(i * 4, final[i], true);
  return hashPrime(bytes, p.tagLength);
}

function b64raw(s: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*$/.test(s)) throw new BloblangError('illegal base64 data in hash');
  return new Uint8Array(Buffer.from(s, 'base64'));
}

const PHC = /^\$(argon2id|argon2i|argon2d)\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export function compareArgon2(hashed: string, password: Uint8Array): boolean {
  const m = PHC.exec(hashed);
  if (!m) throw new BloblangError('invalid hash format');
  if (Number(m[2]) !== 19) throw new BloblangError('incompatible argon2 version');
  const variant: Variant = m[1] === 'argon2id' ? 2 : m[1] === 'argon2i' ? 1 : 0;
  const memoryKiB = Number(m[3]);
  const passes = Number(m[4]);
  const lanes = Number(m[5]);
  if (lanes < 1 || passes < 1 || memoryKiB < 8 * lanes) throw new BloblangError('invalid argon2 parameters');
  const expected = b64raw(m[7]);
  const actual = argon2(password, { variant, memoryKiB, passes, lanes, salt: b64raw(m[6]), tagLength: expected.length });
  return actual.length === expected.length && crypto.timingSafeEqual(actual, expected);
}
