/**
 * A small MessagePack encoder/decoder (https://github.com/msgpack/msgpack/blob/master/spec.md)
 * for parse_msgpack / format_msgpack. Integers use the most compact encoding, other numbers
 * float64, object keys are written sorted, bytes as bin, timestamps as extension type -1.
 */
import { BloblangError, DELETE, NOTHING, Timestamp, isObject, type Value } from '../value.js';
import { putKey } from './objects_util.js';

class Writer {
  private buf = Buffer.alloc(256);
  private len = 0;
  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  with(n: number, fn: (b: Buffer, at: number) => void): void {
    this.ensure(n);
    fn(this.buf, this.len);
    this.len += n;
  }
  result(): Uint8Array {
    return new Uint8Array(this.buf.subarray(0, this.len));
  }
}

function writeInt(w: Writer, n: bigint): void {
  if (n >= 0n) {
    if (n < 128n) w.u8(Number(n));
    else if (n < 256n) (w.u8(0xcc), w.u8(Number(n)));
    else if (n < 65536n) (w.u8(0xcd), w.with(2, (b, at) => b.writeUInt16BE(Number(n), at)));
    else if (n < 4294967296n) (w.u8(0xce), w.with(4, (b, at) => b.writeUInt32BE(Number(n), at)));
    else if (n < 1n << 64n) (w.u8(0xcf), w.with(8, (b, at) => b.writeBigUInt64BE(n, at)));
    else throw new BloblangError('integer too large for msgpack');
  } else {
    if (n >= -32n) w.u8(Number(n) & 0xff);
    else if (n >= -128n) (w.u8(0xd0), w.with(1, (b, at) => b.writeInt8(Number(n), at)));
    else if (n >= -32768n) (w.u8(0xd1), w.with(2, (b, at) => b.writeInt16BE(Number(n), at)));
    else if (n >= -2147483648n) (w.u8(0xd2), w.with(4, (b, at) => b.writeInt32BE(Number(n), at)));
    else if (n >= -(1n << 63n)) (w.u8(0xd3), w.with(8, (b, at) => b.writeBigInt64BE(n, at)));
    else throw new BloblangError('integer too small for msgpack');
  }
}

function writeLength(w: Writer, n: number, fix: number | undefined, fixMax: number, c8: number | undefined, c16: number, c32: number): void {
  if (fix !== undefined && n <= fixMax) w.u8(fix | n);
  else if (c8 !== undefined && n < 256) (w.u8(c8), w.u8(n));
  else if (n < 65536) (w.u8(c16), w.with(2, (b, at) => b.writeUInt16BE(n, at)));
  else (w.u8(c32), w.with(4, (b, at) => b.writeUInt32BE(n, at)));
}

function writeValue(w: Writer, v: Value): void {
  if (v === null || v === undefined || v === DELETE || v === NOTHING) return w.u8(0xc0);
  if (v === false) return w.u8(0xc2);
  if (v === true) return w.u8(0xc3);
  if (typeof v === 'bigint') return writeInt(w, v);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Number.isSafeInteger(v)) return writeInt(w, BigInt(v));
    w.u8(0xcb);
    return w.with(8, (b, at) => b.writeDoubleBE(v, at));
  }
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    writeLength(w, b.length, 0xa0, 31, 0xd9, 0xda, 0xdb);
    return w.bytes(b);
  }
  if (v instanceof Uint8Array) {
    writeLength(w, v.length, undefined, -1, 0xc4, 0xc5, 0xc6);
    return w.bytes(v);
  }
  if (v instanceof Timestamp) {
    // Timestamp 96: nanoseconds (uint32) then seconds (int64).
    const secs = v.epochNs / 1_000_000_000n - (v.epochNs % 1_000_000_000n < 0n ? 1n : 0n);
    const ns = Number(v.epochNs - secs * 1_000_000_000n);
    w.u8(0xc7);
    w.u8(12);
    w.u8(0xff);
    w.with(4, (b, at) => b.writeUInt32BE(ns, at));
    return w.with(8, (b, at) => b.writeBigInt64BE(secs, at));
  }
  if (Array.isArray(v)) {
    writeLength(w, v.length, 0x90, 15, undefined, 0xdc, 0xdd);
    for (const e of v) writeValue(w, e);
    return;
  }
  if (isObject(v)) {
    const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    writeLength(w, keys.length, 0x80, 15, undefined, 0xde, 0xdf);
    for (const k of keys) {
      writeValue(w, k);
      writeValue(w, v[k]);
    }
    return;
  }
  throw new BloblangError(`cannot encode ${typeof v} as msgpack`);
}

export function encodeMsgpack(v: Value): Uint8Array {
  const w = new Writer();
  writeValue(w, v);
  return w.result();
}

function intValue(n: bigint): number | bigint {
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

export function decodeMsgpack(data: Uint8Array): Value {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > b.length) throw new BloblangError('failed to parse msgpack: unexpected EOF');
  };
  const str = (n: number): string => {
    need(n);
    const s = b.toString('utf8', pos, pos + n);
    pos += n;
    return s;
  };
  const bin = (n: number): Uint8Array => {
    need(n);
    const out = new Uint8Array(b.subarray(pos, pos + n));
    pos += n;
    return out;
  };
  const arr = (n: number): Value[] => {
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(read());
    return out;
  };
  const map = (n: number): Record<string, Value> => {
    const out: Record<string, Value> = {};
    for (let i = 0; i < n; i++) {
      const k = read();
      const key = typeof k === 'string' ? k : k instanceof Uint8Array ? Buffer.from(k).toString('utf8') : String(k);
      putKey(out, key, read());
    }
    return out;
  };
  const ext = (n: number): Value => {
    need(1 + n);
    const type = b.readInt8(pos);
    pos++;
    const body = b.subarray(pos, pos + n);
    pos += n;
    if (type === -1) {
      if (n === 4) return new Timestamp(BigInt(body.readUInt32BE(0)) * 1_000_000_000n);
      if (n === 8) {
        const hi = body.readUInt32BE(0);
        const lo = body.readUInt32BE(4);
        const ns = hi >>> 2;
        const secs = (BigInt(hi & 0x3) << 32n) | BigInt(lo);
        return new Timestamp(secs * 1_000_000_000n + BigInt(ns));
      }
      if (n === 12) return new Timestamp(body.readBigInt64BE(4) * 1_000_000_000n + BigInt(body.readUInt32BE(0)));
    }
    return new Uint8Array(body);
  };
  const read = (): Value => {
    need(1);
    const c = b[pos++]!;
    if (c <= 0x7f) return c;
    if (c >= 0xe0) return c - 0x100;
    if ((c & 0xe0) === 0xa0) return str(c & 0x1f);
    if ((c & 0xf0) === 0x90) return arr(c & 0x0f);
    if ((c & 0xf0) === 0x80) return map(c & 0x0f);
    const u = (n: number, f: () => number | bigint) => {
      need(n);
      const v = f();
      pos += n;
      return v;
    };
    switch (c) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return bin(Number(u(1, () => b.readUInt8(pos))));
      case 0xc5:
        return bin(Number(u(2, () => b.readUInt16BE(pos))));
      case 0xc6:
        return bin(Number(u(4, () => b.readUInt32BE(pos))));
      case 0xc7:
        return ext(Number(u(1, () => b.readUInt8(pos))));
      case 0xc8:
        return ext(Number(u(2, () => b.readUInt16BE(pos))));
      case 0xc9:
        return ext(Number(u(4, () => b.readUInt32BE(pos))));
      case 0xca:
        return u(4, () => b.readFloatBE(pos));
      case 0xcb:
        return u(8, () => b.readDoubleBE(pos));
      case 0xcc:
        return u(1, () => b.readUInt8(pos));
      case 0xcd:
        return u(2, () => b.readUInt16BE(pos));
      case 0xce:
        return u(4, () => b.readUInt32BE(pos));
      case 0xcf:
        return intValue(u(8, () => b.readBigUInt64BE(pos)) as bigint);
      case 0xd0:
        return u(1, () => b.readInt8(pos));
      case 0xd1:
        return u(2, () => b.readInt16BE(pos));
      case 0xd2:
        return u(4, () => b.readInt32BE(pos));
      case 0xd3:
        return intValue(u(8, () => b.readBigInt64BE(pos)) as bigint);
      case 0xd4:
        return ext(1);
      case 0xd5:
        return ext(2);
      case 0xd6:
        return ext(4);
      case 0xd7:
        return ext(8);
      case 0xd8:
        return ext(16);
      case 0xd9:
        return str(Number(u(1, () => b.readUInt8(pos))));
      case 0xda:
        return str(Number(u(2, () => b.readUInt16BE(pos))));
      case 0xdb:
        return str(Number(u(4, () => b.readUInt32BE(pos))));
      case 0xdc:
        return arr(Number(u(2, () => b.readUInt16BE(pos))));
      case 0xdd:
        return arr(Number(u(4, () => b.readUInt32BE(pos))));
      case 0xde:
        return map(Number(u(2, () => b.readUInt16BE(pos))));
      case 0xdf:
        return map(Number(u(4, () => b.readUInt32BE(pos))));
    }
    throw new BloblangError(`failed to parse msgpack: invalid code ${c.toString(16)}`);
  };
  return read();
}
