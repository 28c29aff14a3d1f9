/**
 * Fault-suite payloads (RELIABILITY.md §2.1): every message is
 * `{"run":"<uuid>","seq":<n>,"key":"k<n%16>","sha":"<sha256 of pad>","pad":"<filler>"}`.
 *
 * `run` tells this run's messages apart from leftovers of an earlier run on a shared broker;
 * `seq` identifies the message for the checker; `key` gives 16 ordering keys for the reorder
 * count; `sha` lets the checker detect a corrupted body. The pad differs per message (it is
 * derived from run and seq), so a body swapped with another message's pad is caught as corrupt
 * rather than passing because every pad is the same.
 */
import { createHash, randomUUID } from 'node:crypto';

export interface Payload {
  run: string;
  seq: number;
  key: string;
  sha: string;
  pad: string;
}

/** The plan's message size: 1 KiB. */
export const DEFAULT_PAYLOAD_BYTES = 1024;

export const KEY_COUNT = 16;

export function newRunId(): string {
  return randomUUID();
}

export function keyOf(seq: number): string {
  return `k${seq % KEY_COUNT}`;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

/** Filler of exactly `len` ASCII characters, different for every (run, seq). */
function padFor(run: string, seq: number, len: number): string {
  if (len <= 0) return '';
  // Repeating a per-message 64-char hex seed is enough to make pads distinct; hashing the
  // whole pad per message would make generating 1M payloads needlessly slow.
  const seed = sha256Hex(`${run}/${seq}`);
  return seed.repeat(Math.ceil(len / seed.length)).slice(0, len);
}

/**
 * The JSON text of message `seq`. With `sizeBytes` the whole body is that many bytes (the pad
 * absorbs the difference); bodies never come out shorter than the fixed fields need.
 */
export function makePayload(run: string, seq: number, sizeBytes = DEFAULT_PAYLOAD_BYTES): string {
  const key = keyOf(seq);
  // Fixed part: {"run":"..","seq":N,"key":"..","sha":"<64>","pad":""}
  const fixed = `{"run":"${run}","seq":${seq},"key":"${key}","sha":"","pad":""}`.length + 64;
  const pad = padFor(run, seq, sizeBytes - fixed);
  return `{"run":"${run}","seq":${seq},"key":"${key}","sha":"${sha256Hex(pad)}","pad":"${pad}"}`;
}

/** Bodies for seq 0..n-1 (or the given range), lazily. */
export function* generatePayloads(run: string, n: number, sizeBytes = DEFAULT_PAYLOAD_BYTES, from = 0): Generator<{ seq: number; body: string }> {
  for (let seq = from; seq < from + n; seq++) yield { seq, body: makePayload(run, seq, sizeBytes) };
}

export type ParsedPayload =
  | { ok: true; payload: Payload; shaOk: boolean }
  | { ok: false; reason: string };

/**
 * Parse and verify one received body. `ok: false` means it is not a payload at all (bad JSON,
 * missing fields); `shaOk: false` means the fields are there but the pad does not match its hash.
 */
export function parsePayload(body: string | Buffer | Uint8Array): ParsedPayload {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  if (v === null || typeof v !== 'object') return { ok: false, reason: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (typeof o.run !== 'string' || typeof o.seq !== 'number' || !Number.isInteger(o.seq) || typeof o.key !== 'string' || typeof o.sha !== 'string' || typeof o.pad !== 'string') {
    return { ok: false, reason: 'missing or mistyped payload fields' };
  }
  const payload: Payload = { run: o.run, seq: o.seq, key: o.key, sha: o.sha, pad: o.pad };
  const shaOk = sha256Hex(payload.pad) === payload.sha && payload.key === keyOf(payload.seq);
  return { ok: true, payload, shaOk };
}
