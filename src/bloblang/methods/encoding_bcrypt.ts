/**
 * bcrypt verification (`$2a$`, `$2b$`, `$2y$`), as Go's golang.org/x/crypto/bcrypt computes it:
 * EksBlowfish setup with the password plus its trailing NUL, 2^cost rounds, then
 * "OrpheanBeholderScryDoubt" encrypted 64 times.
 *
 * Blowfish's initial P-array and S-boxes are the hexadecimal digits of pi's fraction; rather
 * than embedding 4 KiB of constants they are computed once (BigInt Machin formula) on first use.
 */
import crypto from 'node:crypto';
import { BloblangError } from '../value.js';

const WORDS = 18 + 4 * 256;

let piWords: Uint32Array | undefined;

/** The first `WORDS` 32-bit words of pi's fractional part in hexadecimal. */
function blowfishConstants(): Uint32Array {
  if (piWords) return piWords;
  const bits = BigInt(WORDS * 32 + 64); // guard bits absorb truncation error
  const one = 1n << bits;
  const arctanInv = (x: bigint): bigint => {
    const x2 = x * x;
    let term = one / x;
    let sum = term;
    for (let k = 3n, sign = -1n; term !== 0n; k += 2n, sign = -sign) {
      term /= x2;
      sum += (sign * term) / k;
    }
    return sum;
  };
  const pi = 16n * arctanInv(5n) - 4n * arctanInv(239n);
  const frac = (pi - 3n * one) >> 64n;
  const words = new Uint32Array(WORDS);
  for (let i = 0; i < WORDS; i++) {
    words[i] = Number((frac >> BigInt((WORDS - 1 - i) * 32)) & 0xffffffffn);
  }
  piWords = words;
  return words;
}

class Blowfish {
  p: Uint32Array;
  s: Uint32Array; // four S-boxes back to back

  constructor() {
    const c = blowfishConstants();
    this.p = c.slice(0, 18);
    this.s = c.slice(18);
  }

  private f(x: number): number {
    const s = this.s;
    return (((s[x >>> 24] + s[256 + ((x >>> 16) & 0xff)]) ^ s[512 + ((x >>> 8) & 0xff)]) + s[768 + (x & 0xff)]) >>> 0;
  }

  /** Encrypt one block held in lr[0], lr[1]. */
  encrypt(lr: Uint32Array): void {
    const p = this.p;
    let l = lr[0] ^ p[0];
    let r = lr[1];
    for (let i = 1; i < 16; i += 2) {
      r ^= this.f(l >>> 0) ^ p[i];
      l ^= this.f(r >>> 0) ^ p[i + 1];
    }
    r ^= p[17];
    lr[0] = r >>> 0;
    lr[1] = l >>> 0;
  }

  /** Blowfish key expansion, optionally mixing a salt (EksBlowfish). */
  expand(key: Uint8Array, salt?: Uint8Array): void {
    let j = 0;
    for (let i = 0; i < 18; i++) {
      let d = 0;
      for (let k = 0; k < 4; k++) {
        d = ((d << 8) | key[j]) >>> 0;
        j = (j + 1) % key.length;
      }
      this.p[i] = (this.p[i] ^ d) >>> 0;
    }
    let sj = 0;
    const nextSalt = (): number => {
      if (!salt) return 0;
      let d = 0;
      for (let k = 0; k < 4; k++) {
        d = ((d << 8) | salt[sj]) >>> 0;
        sj = (sj + 1) % salt.length;
      }
      return d;
    };
    const lr = new Uint32Array(2);
    const fill = (arr: Uint32Array): void => {
      for (let i = 0; i < arr.length; i += 2) {
        lr[0] ^= nextSalt();
        lr[1] ^= nextSalt();
        this.encrypt(lr);
        arr[i] = lr[0];
        arr[i + 1] = lr[1];
      }
    };
    fill(this.p);
    fill(this.s);
  }
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const STD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function bcryptBase64Decode(s: string): Uint8Array {
  let std = '';
  for (const c of s) {
    const i = BCRYPT_ALPHABET.indexOf(c);
    if (i < 0) throw new BloblangError('crypto/bcrypt: hashedSecret is not the hash of the given password');
    std += STD_ALPHABET[i];
  }
  return new Uint8Array(Buffer.from(std, 'base64'));
}

function bcryptBase64Encode(b: Uint8Array): string {
  let out = '';
  for (const c of Buffer.from(b).toString('base64').replace(/=+$/, '')) out += BCRYPT_ALPHABET[STD_ALPHABET.indexOf(c)];
  return out;
}

const MAGIC = Buffer.from('OrpheanBeholderScryDoubt', 'latin1');

/** Compute the 31-character bcrypt hash part for a password, cost and 22-character salt. */
export function bcryptHash(password: Uint8Array, cost: number, salt22: string): string {
  const salt = bcryptBase64Decode(salt22).subarray(0, 16);
  // Like Go (and C bcrypt), the key includes the terminating NUL, capped at 72 bytes.
  const withNul = new Uint8Array(password.length + 1);
  withNul.set(password);
  const key = withNul.subarray(0, 72);
  const bf = new Blowfish();
  bf.expand(key, salt);
  const rounds = 2 ** cost;
  for (let i = 0; i < rounds; i++) {
    bf.expand(key);
    bf.expand(salt);
  }
  const data = new Uint32Array(6);
  for (let i = 0; i < 6; i++) data[i] = MAGIC.readUInt32BE(i * 4);
  const lr = new Uint32Array(2);
  for (let i = 0; i < 6; i += 2) {
    lr[0] = data[i];
    lr[1] = data[i + 1];
    for (let k = 0; k < 64; k++) bf.encrypt(lr);
    data[i] = lr[0];
    data[i + 1] = lr[1];
  }
  const out = Buffer.alloc(24);
  for (let i = 0; i < 6; i++) out.writeUInt32BE(data[i], i * 4);
  return bcryptBase64Encode(out.subarray(0, 23));
}

const HASH_RE = /^\$2([aby]?)\$(\d{2})\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/;

/** Whether `password` matches the bcrypt `hashed` string. Malformed hashes are errors. */
export function compareBcrypt(hashed: string, password: Uint8Array): boolean {
  const m = HASH_RE.exec(hashed);
  if (!m) {
    if (hashed.length < 59) throw new BloblangError('crypto/bcrypt: hashedSecret too short to be a bcrypted password');
    throw new BloblangError('crypto/bcrypt: hashedSecret is not the hash of the given password');
  }
  const cost = Number(m[2]);
  if (cost < 4 || cost > 31) throw new BloblangError(`crypto/bcrypt: cost ${cost} is outside allowed range (4,31)`);
  const computed = Buffer.from(bcryptHash(password, cost, m[3]));
  const expected = Buffer.from(m[4]);
  return computed.length === expected.length && crypto.timingSafeEqual(computed, expected);
}
