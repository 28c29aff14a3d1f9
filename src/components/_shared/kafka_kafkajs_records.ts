/**
 * Faster record and record batch encoders for kafkajs's produce requests, installed in place of
 * its own.
 *
 * Why: kafkajs 2.2.4 (pinned; unmaintained, so its internals will not move) encodes each record
 * through a fresh `Encoder`, which zero-fills a 512-byte buffer, plus one more Encoder per
 * header, and writes every varint through a temporary array and `Buffer.from`, with BigInt
 * arithmetic for the timestamp delta; the batch is then grown by doubling, copied three times
 * and checksummed a byte at a time. Measured on the kafka-roundtrip benchmark (8 metadata
 * headers per message): ~40% of the CPU of a Sluice process went there, and most of the GC.
 *
 * What: the same bytes (record format v2, as kafkajs's `recordBatch/record/v0` and
 * `recordBatch/v0` write them), each record computed in one pass into one exactly sized buffer,
 * the batch into another, with a CRC-32C eight bytes at a time. A record outside the common
 * shapes (a value that is neither a Buffer nor a string, a timestamp delta beyond 32 bits) goes
 * to the original encoder, so behaviour, errors included, stays kafkajs's.
 *
 * How they are installed: kafkajs loads its produce request encoders lazily, on the first
 * produce, and they take the record and batch encoders from Node's CommonJS module cache. We
 * replace those cache entries' exports once, before any produce (and drop request modules cached
 * earlier, so they bind to ours when loaded again). It is process-global, like kafkajs's codec
 * table.
 */
import { createRequire } from 'node:module';
import { crc32c } from './kafka_crc32c.js';

const require = createRequire(import.meta.url);

/** The header values kafkajs accepts: a string or bytes, or a list of them for a repeated key. */
type HeaderValue = string | Buffer;
type Headers = Record<string, HeaderValue | HeaderValue[] | null | undefined>;

export interface RecordInput {
  offsetDelta?: number;
  timestampDelta?: number;
  key?: string | Buffer | null;
  value?: string | Buffer | null;
  headers?: Headers;
}

/** kafkajs's Encoder, as far as the request encoders use it on a record. */
interface KafkajsEncoder {
  buf: Buffer;
  offset: number;
  /** The written bytes (a getter of the prototype). */
  readonly buffer: Buffer;
}

type RecordEncoder = (r: RecordInput) => KafkajsEncoder;

/** kafkajs's Long (a BigInt inside), or what its `fromValue` takes. */
type LongLike = number | string | bigint | { value: bigint };

export interface BatchInput {
  compression?: number;
  firstOffset?: LongLike;
  firstTimestamp?: LongLike;
  maxTimestamp?: LongLike;
  partitionLeaderEpoch?: number;
  lastOffsetDelta?: number;
  transactional?: boolean;
  producerId?: LongLike;
  producerEpoch?: number;
  firstSequence?: number;
  records?: KafkajsEncoder[];
}

type BatchEncoder = (b: BatchInput) => Promise<KafkajsEncoder>;

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
}

const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
const BATCH_MODULE = 'kafkajs/src/protocol/recordBatch/v0/index.js';
const ENCODER_MODULE = 'kafkajs/src/protocol/encoder.js';
const LONG_MODULE = 'kafkajs/src/utils/long.js';
const COMPRESSION_MODULE = 'kafkajs/src/protocol/message/compression/index.js';
/** The produce request versions kafkajs has that use record batches (all bind the record encoder at load). */
const PRODUCE_REQUESTS = [3, 4, 5, 6, 7].map((v) => `kafkajs/src/protocol/requests/produce/v${v}/request.js`);

let original: RecordEncoder | undefined;
let originalBatch: BatchEncoder | undefined;
let encoderProto: object | undefined;
let toLong: (v: LongLike) => { value: bigint };
let lookupCodec: (type: number) => Codec | null;

/** Install the fast record and batch encoders (idempotent). */
export function installFastRecordEncoder(): void {
  if (original) return;
  encoderProto = (require(ENCODER_MODULE) as { prototype: object }).prototype;
  const Long = require(LONG_MODULE) as { fromValue(v: LongLike): { value: bigint } };
  toLong = (v) => {
    const l = Long.fromValue(v);
    return { value: BigInt.asIntN(64, l.value) };
  };
  lookupCodec = (require(COMPRESSION_MODULE) as { lookupCodec: typeof lookupCodec }).lookupCodec;
  const recordPath = require.resolve(RECORD_MODULE);
  const batchPath = require.resolve(BATCH_MODULE);
  const recordFn = require(recordPath) as RecordEncoder;
  const batchExports = require(batchPath) as { RecordBatch: BatchEncoder; MAGIC_BYTE: number };
  const recordCached = require.cache[recordPath];
  const batchCached = require.cache[batchPath];
  if (!recordCached || !batchCached) throw new Error('kafkajs record encoders: not in the module cache after loading them');
  if (batchExports.MAGIC_BYTE !== MAGIC) throw new Error(`kafkajs record batches: magic ${batchExports.MAGIC_BYTE}, expected ${MAGIC}`);
  recordCached.exports = encodeRecord;
  batchCached.exports = { ...batchExports, RecordBatch: encodeRecordBatch };
  original = recordFn;
  originalBatch = batchExports.RecordBatch;
  for (const m of PRODUCE_REQUESTS) delete require.cache[require.resolve(m)];
}

/** kafkajs's own record encoder (for tests comparing the two). */
export function kafkajsRecordEncoder(): RecordEncoder {
  installFastRecordEncoder();
  return original!;
}

/** kafkajs's own record batch encoder (for tests comparing the two). */
export function kafkajsRecordBatchEncoder(): BatchEncoder {
  installFastRecordEncoder();
  return originalBatch!;
}

const MAGIC = 2;
const TRANSACTIONAL = 0x10;
const CODEC_MASK = 0x07;
/** Attributes to firstSequence, then the record count. */
const BODY_HEADER = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
/** firstOffset, length, partitionLeaderEpoch, magic, crc. */
const BATCH_HEADER = 8 + 4 + 4 + 1 + 4;

/**
 * A record batch: firstOffset, then the batch as length-prefixed bytes (partition leader epoch,
 * magic, CRC-32C of what follows, attributes ... firstSequence, the record count and the
 * records, compressed or not), in one buffer.
 */
export async function encodeRecordBatch(b: BatchInput): Promise<KafkajsEncoder> {
  const records = b.records ?? [];
  const compression = b.compression ?? 0;
  const now = Date.now();
  let payload: Buffer | undefined;
  let payloadLen = 0;
  for (const r of records) payloadLen += r.offset;
  if (compression !== 0) {
    const codec = lookupCodec(compression);
    // kafkajs fails the same way on an unknown codec (it calls compress on null).
    if (!codec) throw new TypeError(`kafka record batch: no codec for compression type ${compression}`);
    payload = await codec.compress(encoderOf(concatRecords(records, payloadLen)));
    payloadLen = payload.length;
  }
  const size = BATCH_HEADER + BODY_HEADER + payloadLen;
  const buf = Buffer.allocUnsafe(size);
  buf.writeBigInt64BE(toLong(b.firstOffset ?? 0).value, 0);
  buf.writeInt32BE(size - 12, 8);
  buf.writeInt32BE(b.partitionLeaderEpoch ?? 0, 12);
  buf.writeInt8(MAGIC, 16);
  const body = BATCH_HEADER;
  buf.writeInt16BE((compression & CODEC_MASK) | (b.transactional ? TRANSACTIONAL : 0), body);
  buf.writeInt32BE(b.lastOffsetDelta ?? 0, body + 2);
  buf.writeBigInt64BE(toLong(b.firstTimestamp ?? now).value, body + 6);
  buf.writeBigInt64BE(toLong(b.maxTimestamp ?? now).value, body + 14);
  buf.writeBigInt64BE(toLong(b.producerId ?? -1).value, body + 22);
  buf.writeInt16BE(b.producerEpoch ?? 0, body + 30);
  buf.writeInt32BE(b.firstSequence ?? 0, body + 32);
  buf.writeInt32BE(records.length, body + 36);
  let pos = body + BODY_HEADER;
  if (payload) {
    buf.set(payload, pos);
  } else {
    for (const r of records) {
      buf.set(r.buf.length === r.offset ? r.buf : r.buf.subarray(0, r.offset), pos);
      pos += r.offset;
    }
  }
  buf.writeUInt32BE(crc32c(buf, body, size), 17);
  return encoderOf(buf);
}

function concatRecords(records: KafkajsEncoder[], len: number): Buffer {
  const out = Buffer.allocUnsafe(len);
  let pos = 0;
  for (const r of records) {
    out.set(r.buf.length === r.offset ? r.buf : r.buf.subarray(0, r.offset), pos);
    pos += r.offset;
  }
  return out;
}

/** A kafkajs Encoder holding `buf` (what the request encoders embed, or a codec compresses). */
function encoderOf(buf: Buffer): KafkajsEncoder {
  const enc = Object.create(encoderProto!) as KafkajsEncoder;
  enc.buf = buf;
  enc.offset = buf.length;
  return enc;
}

/** Scratch space for the header lengths of one record (strings are measured once). */
let lens = new Int32Array(64);

export function encodeRecord(r: RecordInput): KafkajsEncoder {
  const timestampDelta = r.timestampDelta ?? 0;
  const offsetDelta = r.offsetDelta ?? 0;
  const key = r.key;
  const value = r.value;
  const headers = r.headers === undefined ? {} : r.headers;
  if (
    headers === null ||
    !isInt32(timestampDelta) ||
    !isInt32(offsetDelta) ||
    (key != null && typeof key !== 'string' && !Buffer.isBuffer(key)) ||
    (value != null && typeof value !== 'string' && !Buffer.isBuffer(value))
  ) {
    return original!(r);
  }
  // Sizes first: the record starts with its length, and each string with its byte length.
  let n = 0;
  let headerBytes = 0;
  for (const k in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, k)) continue;
    const v = headers[k];
    if (Array.isArray(v)) {
      for (const one of v) {
        const s = headerSize(k, one, n);
        if (s < 0) return original!(r);
        headerBytes += s;
        n++;
      }
    } else {
      const s = headerSize(k, v, n);
      if (s < 0) return original!(r);
      headerBytes += s;
      n++;
    }
  }
  const keyLen = key == null ? -1 : byteLength(key);
  const valueLen = value == null ? -1 : byteLength(value);
  const body =
    1 +
    varIntSize(timestampDelta) +
    varIntSize(offsetDelta) +
    varIntSize(keyLen) +
    Math.max(keyLen, 0) +
    varIntSize(valueLen) +
    Math.max(valueLen, 0) +
    varIntSize(n) +
    headerBytes;
  const size = varIntSize(body) + body;
  const buf = Buffer.allocUnsafe(size);
  let pos = writeVarInt(buf, 0, body);
  buf[pos++] = 0; // attributes: none are used on records
  pos = writeVarInt(buf, pos, timestampDelta);
  pos = writeVarInt(buf, pos, offsetDelta);
  pos = writeVarInt(buf, pos, keyLen);
  if (key != null) pos = writeData(buf, pos, key, keyLen);
  pos = writeVarInt(buf, pos, valueLen);
  if (value != null) pos = writeData(buf, pos, value, valueLen);
  pos = writeVarInt(buf, pos, n);
  let i = 0;
  for (const k in headers) {
    if (!Object.prototype.hasOwnProperty.call(headers, k)) continue;
    const v = headers[k];
    if (Array.isArray(v)) {
      for (const one of v) pos = writeHeader(buf, pos, k, one, i++);
    } else {
      pos = writeHeader(buf, pos, k, v as HeaderValue, i++);
    }
  }
  if (pos !== size) throw new Error(`kafka record encoder: wrote ${pos} bytes, computed ${size}`);
  return encoderOf(buf);
}

/** Bytes of one header, remembering its key and value lengths; -1 for a shape kafkajs handles differently. */
function headerSize(key: string, value: unknown, i: number): number {
  if (typeof value !== 'string' && !Buffer.isBuffer(value)) return -1;
  if (2 * i + 1 >= lens.length) {
    const grown = new Int32Array(lens.length * 2);
    grown.set(lens);
    lens = grown;
  }
  const kl = byteLength(key);
  const vl = byteLength(value);
  lens[2 * i] = kl;
  lens[2 * i + 1] = vl;
  return varIntSize(kl) + kl + varIntSize(vl) + vl;
}

function writeHeader(buf: Buffer, pos: number, key: string, value: HeaderValue, i: number): number {
  const kl = lens[2 * i]!;
  const vl = lens[2 * i + 1]!;
  pos = writeVarInt(buf, pos, kl);
  pos = writeData(buf, pos, key, kl);
  pos = writeVarInt(buf, pos, vl);
  return writeData(buf, pos, value, vl);
}

const isInt32 = (v: number): boolean => (v | 0) === v;

/** Short strings are measured in JS: a call into C++ costs more than the loop. */
const SHORT = 48;

function byteLength(v: string | Buffer): number {
  if (typeof v !== 'string') return v.length;
  if (v.length > SHORT) return Buffer.byteLength(v, 'utf8');
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 0x7f) return Buffer.byteLength(v, 'utf8');
  return v.length;
}

/** `len` is byteLength(v): equal to the string's length only when it is all ASCII. */
function writeData(buf: Buffer, pos: number, v: string | Buffer, len: number): number {
  if (typeof v !== 'string') {
    buf.set(v, pos);
  } else if (len === v.length && len <= SHORT) {
    for (let i = 0; i < len; i++) buf[pos + i] = v.charCodeAt(i);
  } else {
    buf.write(v, pos, len, 'utf8');
  }
  return pos + len;
}

/** Zig-zag varint size of a 32-bit integer (a 64-bit varlong of the same value has the same bytes). */
function varIntSize(v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  let n = 1;
  while (u >= 0x80) {
    u >>>= 7;
    n++;
  }
  return n;
}

function writeVarInt(buf: Buffer, pos: number, v: number): number {
  let u = ((v << 1) ^ (v >> 31)) >>> 0;
  while (u >= 0x80) {
    buf[pos++] = (u & 0x7f) | 0x80;
    u >>>= 7;
  }
  buf[pos++] = u;
  return pos;
}
