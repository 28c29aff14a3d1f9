/**
 * The `encode`/`decode` schemes with Go's strictness and error texts: base64 (standard, URL,
 * raw URL), hex, ascii85 (Go's encoding/ascii85: no `<~ ~>` delimiters, `z` for zero groups)
 * and z85 (ZeroMQ's, whole 4-byte groups only).
 */
import { BloblangError } from '../value.js';
import { asBuffer } from './coercion_values.js';

export interface Scheme {
  encode(b: Uint8Array): string;
  decode(s: Uint8Array): Uint8Array;
}

function base64Scheme(urlSafe: boolean, padded: boolean): Scheme {
  const valid = urlSafe ? /^[A-Za-z0-9_-]*$/ : /^[A-Za-z0-9+/]*$/;
  return {
    encode(b) {
      const out = asBuffer(b).toString(urlSafe ? 'base64url' : 'base64');
      // Node's base64url never pads; base64url in Go's URLEncoding does.
      if (urlSafe && padded) return out + '='.repeat((4 - (out.length % 4)) % 4);
      return out;
    },
    decode(input) {
      // Go's base64 decoder reader drops CR and LF before decoding.
      const s = asBuffer(input).toString('latin1').replace(/[\r\n]/g, '');
      let body = s;
      if (padded) {
        const pad = /=*$/.exec(s)![0].length;
        body = s.slice(0, s.length - pad);
        const fail = illegalAt(body, valid);
        if (fail >= 0) throw illegal(fail);
        if (s.length % 4 !== 0 || pad > 2 || (pad > 0 && (body.length + pad) % 4 !== 0)) {
          // Go reports the start of the malformed final quantum.
          throw illegal(Math.floor(body.length / 4) * 4);
        }
      } else {
        const fail = illegalAt(body, valid);
        if (fail >= 0) throw illegal(fail);
      }
      if (body.length % 4 === 1) throw illegal(body.length - 1);
      return new Uint8Array(Buffer.from(body, urlSafe ? 'base64url' : 'base64'));
    },
  };
}

function illegalAt(s: string, valid: RegExp): number {
  if (valid.test(s)) return -1;
  for (let i = 0; i < s.length; i++) if (!valid.test(s[i])) return i;
  return -1;
}

function illegal(at: number): BloblangError {
  return new BloblangError(`illegal base64 data at input byte ${at}`);
}

const hex: Scheme = {
  encode: (b) => asBuffer(b).toString('hex'),
  decode(input) {
    const s = asBuffer(input).toString('latin1');
    for (let i = 0; i < s.length; i++) {
      if (!/[0-9a-fA-F]/.test(s[i])) {
        const cp = s.charCodeAt(i);
        throw new BloblangError(`encoding/hex: invalid byte: U+${cp.toString(16).toUpperCase().padStart(4, '0')} '${s[i]}'`);
      }
    }
    if (s.length % 2 !== 0) throw new BloblangError('unexpected EOF');
    return new Uint8Array(Buffer.from(s, 'hex'));
  },
};

const ascii85: Scheme = {
  encode(b) {
    let out = '';
    for (let i = 0; i < b.length; i += 4) {
      const n = Math.min(4, b.length - i);
      let v = 0;
      for (let k = 0; k < 4; k++) v = v * 256 + (k < n ? b[i + k] : 0);
      if (v === 0 && n === 4) {
        out += 'z';
        continue;
      }
      const chars: string[] = new Array(5);
      for (let k = 4; k >= 0; k--) {
        chars[k] = String.fromCharCode(33 + (v % 85));
        v = Math.floor(v / 85);
      }
      out += chars.slice(0, n + 1).join('');
    }
    return out;
  },
  decode(input) {
    const out: number[] = [];
    let group = 0;
    let count = 0;
    for (let i = 0; i < input.length; i++) {
      const c = input[i];
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue; // whitespace is ignored
      if (c === 0x7a && count === 0) {
        out.push(0, 0, 0, 0);
        continue;
      }
      if (c < 33 || c > 117) throw new BloblangError(`illegal ascii85 data at input byte ${i}`);
      group = group * 85 + (c - 33);
      count++;
      if (count === 5) {
        if (group > 0xffffffff) throw new BloblangError(`illegal ascii85 data at input byte ${i}`);
        out.push((group >>> 24) & 255, (group >>> 16) & 255, (group >>> 8) & 255, group & 255);
        group = 0;
        count = 0;
      }
    }
    if (count === 1) throw new BloblangError(`illegal ascii85 data at input byte ${input.length}`);
    if (count > 1) {
      // Pad the partial group with 'u' (84) and keep count-1 bytes.
      for (let k = count; k < 5; k++) group = group * 85 + 84;
      const bytes = [(group / 2 ** 24) & 255, (group / 2 ** 16) & 255, (group / 2 ** 8) & 255, group & 255];
      out.push(...bytes.slice(0, count - 1));
    }
    return Uint8Array.from(out);
  },
};

const Z85_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const z85Index = new Map([...Z85_ALPHABET].map((c, i) => [c.charCodeAt(0), i]));

const z85: Scheme = {
  encode(b) {
    if (b.length % 4 !== 0) throw new BloblangError('z85: input length must be a multiple of 4 bytes');
    let out = '';
    for (let i = 0; i < b.length; i += 4) {
      let v = ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
      const chars: string[] = new Array(5);
      for (let k = 4; k >= 0; k--) {
        chars[k] = Z85_ALPHABET[v % 85];
        v = Math.floor(v / 85);
      }
      out += chars.join('');
    }
    return out;
  },
  decode(input) {
    if (input.length % 5 !== 0) throw new BloblangError('z85: input length must be a multiple of 5 characters');
    const out = new Uint8Array((input.length / 5) * 4);
    for (let i = 0, o = 0; i < input.length; i += 5, o += 4) {
      let v = 0;
      for (let k = 0; k < 5; k++) {
        const d = z85Index.get(input[i + k]);
        if (d === undefined) throw new BloblangError(`z85: illegal character at input byte ${i + k}`);
        v = v * 85 + d;
      }
      if (v > 0xffffffff) throw new BloblangError(`z85: illegal data at input byte ${i}`);
      out[o] = (v / 2 ** 24) & 255;
      out[o + 1] = (v >>> 16) & 255;
      out[o + 2] = (v >>> 8) & 255;
      out[o + 3] = v & 255;
    }
    return out;
  },
};

export const schemes: Record<string, Scheme> = {
  base64: base64Scheme(false, true),
  base64url: base64Scheme(true, true),
  base64rawurl: base64Scheme(true, false),
  hex,
  ascii85,
  z85,
};
