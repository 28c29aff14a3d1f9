/**
 * A message: raw bytes, metadata and a lazily parsed structured value.
 *
 * The bytes and the structured value are kept in sync lazily: whichever was set last is the
 * truth, and the other is derived on first use and cached. Copies share both (and the metadata,
 * copy-on-write), so splitting a batch or fanning out to several outputs costs no byte copies.
 */

import { parseJson, stringifyJson } from './json.js';

const EMPTY = Buffer.alloc(0);

/** Which representation is authoritative. */
const enum Source {
  Bytes = 0,
  Structured = 1,
}

export class Message {
  private bytes: Buffer | null;
  private structured: unknown = undefined;
  private hasStructured = false;
  private source: Source;
  private meta: Map<string, unknown> | null;
  /** True while `meta` may be shared with another message (copy-on-write). */
  private metaShared = false;
  /** True while `structured` may be shared with another message: mutate a clone instead. */
  private structuredShared = false;
  /** A processing error flagged on this message; the stream keeps flowing. */
  error: Error | null = null;
  /**
   * Values that travel with the message and everything copied from it, invisible to mappings
   * and never written out (e.g. the HTTP request a sync response answers). Copy-on-write.
   */
  private context: Map<unknown, unknown> | null = null;
  private contextShared = false;

  private constructor(bytes: Buffer | null, meta: Map<string, unknown> | null) {
    this.bytes = bytes;
    this.source = Source.Bytes;
    this.meta = meta;
  }

  static fromBytes(bytes: Uint8Array, meta?: Map<string, unknown>): Message {
    const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return new Message(b, meta ?? null);
  }

  static fromString(text: string, meta?: Map<string, unknown>): Message {
    return new Message(Buffer.from(text, 'utf8'), meta ?? null);
  }

  static fromStructured(value: unknown, meta?: Map<string, unknown>): Message {
    const m = new Message(null, meta ?? null);
    m.setStructured(value);
    return m;
  }

  /** Raw content. A structured value is serialised once: strings raw, everything else JSON. */
  asBytes(): Buffer {
    if (this.bytes === null) {
      this.bytes = Buffer.from(serialiseValue(this.structured), 'utf8');
    }
    return this.bytes;
  }

  asString(): string {
    if (this.bytes === null && typeof this.structured === 'string') return this.structured;
    return this.asBytes().toString('utf8');
  }

  /**
   * The content parsed as JSON (once). Throws a SyntaxError when the content is not JSON (or
   * nests deeper than MAX_JSON_DEPTH). Integers beyond 2^53 are kept exact as bigints.
   */
  asStructured(): unknown {
    if (!this.hasStructured) {
      const bytes = this.bytes ?? EMPTY;
      this.structured = parseJson(bytes.toString('utf8'));
      this.hasStructured = true;
      this.structuredShared = false;
    }
    return this.structured;
  }

  /** Like asStructured, but the caller may mutate the returned value in place. */
  asStructuredMut(): unknown {
    const v = this.asStructured();
    if (this.structuredShared) {
      this.structured = copyStructured(v, 0);
      this.structuredShared = false;
    }
    // The bytes no longer describe the value once the caller mutates it.
    this.bytes = null;
    this.source = Source.Structured;
    return this.structured;
  }

  /** True when the structured value is already known (no parse needed to read it). */
  hasStructuredValue(): boolean {
    return this.hasStructured;
  }

  setBytes(bytes: Uint8Array): void {
    this.bytes = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.structured = undefined;
    this.hasStructured = false;
    this.structuredShared = false;
    this.source = Source.Bytes;
  }

  setString(text: string): void {
    this.setBytes(Buffer.from(text, 'utf8'));
  }

  setStructured(value: unknown): void {
    this.structured = value;
    this.hasStructured = true;
    this.structuredShared = false;
    this.bytes = null;
    this.source = Source.Structured;
  }

  /**
   * setStructured for a value that may share containers with other documents (the input of a
   * mapping, a constant of it): nothing is copied now, and asStructuredMut copies it before any
   * in-place change. A mapping's output is usually only serialised, so this saves the copy.
   */
  setStructuredShared(value: unknown): void {
    this.setStructured(value);
    this.structuredShared = true;
  }

  /**
   * Declare that the structured value (if any) has been lent out, e.g. as part of a mapping's
   * output: from now on asStructuredMut copies it rather than changing it in place.
   */
  markStructuredShared(): void {
    if (this.hasStructured) this.structuredShared = true;
  }

  /**
   * Drop the cached parse of content whose bytes are authoritative, so the next asStructured
   * parses again. For a caller that took the parsed value for its own and changed it in place
   * (a mapping editing the document it parsed): the message must not show those changes.
   */
  forgetStructured(): void {
    if (this.source !== Source.Bytes || this.bytes === null) return;
    this.structured = undefined;
    this.hasStructured = false;
    this.structuredShared = false;
  }

  /** Byte length of the content (serialises a structured value if needed). */
  get byteLength(): number {
    return this.asBytes().byteLength;
  }

  // ---- metadata ----

  getMeta(key: string): unknown {
    return this.meta?.get(key);
  }

  hasMeta(key: string): boolean {
    return this.meta?.has(key) ?? false;
  }

  /** Metadata value as a string, as Benthos's `meta("key")` gives it. */
  getMetaString(key: string): string | undefined {
    const v = this.meta?.get(key);
    if (v === undefined) return undefined;
    return typeof v === 'string' ? v : serialiseValue(v);
  }

  setMeta(key: string, value: unknown): void {
    this.ownMeta().set(key, value);
  }

  deleteMeta(key: string): void {
    if (this.meta?.has(key)) this.ownMeta().delete(key);
  }

  clearMeta(): void {
    this.meta = null;
    this.metaShared = false;
  }

  /** Iterate metadata entries (read only). */
  metaEntries(): IterableIterator<[string, unknown]> {
    return (this.meta ?? EMPTY_META).entries();
  }

  get metaSize(): number {
    return this.meta?.size ?? 0;
  }

  /** A plain object of the metadata, for mappings and JSON views. */
  metaObject(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.meta) {
      for (const [k, v] of this.meta) {
        // A `__proto__` key must stay a key, not replace the object's prototype.
        if (k === '__proto__') Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
        else out[k] = v;
      }
    }
    return out;
  }

  private ownMeta(): Map<string, unknown> {
    if (this.meta === null) {
      this.meta = new Map();
      this.metaShared = false;
    } else if (this.metaShared) {
      this.meta = new Map(this.meta);
      this.metaShared = false;
    }
    return this.meta;
  }

  getContext<T>(key: unknown): T | undefined {
    return this.context?.get(key) as T | undefined;
  }

  setContext(key: unknown, value: unknown): void {
    if (this.context === null) this.context = new Map();
    else if (this.contextShared) {
      this.context = new Map(this.context);
      this.contextShared = false;
    }
    this.context.set(key, value);
  }

  /**
   * A cheap copy: shares bytes, structured value and metadata until one side writes.
   * Bytes are never mutated in place, so sharing them is safe.
   */
  copy(): Message {
    const m = new Message(this.bytes, this.meta);
    m.structured = this.structured;
    m.hasStructured = this.hasStructured;
    m.source = this.source;
    m.error = this.error;
    if (this.meta !== null) {
      m.metaShared = true;
      this.metaShared = true;
    }
    if (this.hasStructured) {
      m.structuredShared = true;
      this.structuredShared = true;
    }
    if (this.context !== null) {
      m.context = this.context;
      m.contextShared = true;
      this.contextShared = true;
    }
    return m;
  }
}

const EMPTY_META: Map<string, unknown> = new Map();

/**
 * A deep copy of a structured value for in-place editing: arrays and plain objects are copied,
 * bytes too; other instances (timestamps) are immutable and kept as they are. structuredClone
 * would turn those into plain objects. Depth is bounded by how values are made (MAX_JSON_DEPTH
 * for parsed content).
 */
function copyStructured(v: unknown, depth: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (depth > MAX_COPY_DEPTH) throw new RangeError(`structured value nested deeper than ${MAX_COPY_DEPTH} levels`);
  if (Array.isArray(v)) {
    const out = v.slice();
    for (let i = 0; i < out.length; i++) {
      const x: unknown = out[i];
      if (typeof x === 'object' && x !== null) out[i] = copyStructured(x, depth + 1);
    }
    return out;
  }
  if (v instanceof Uint8Array) return Buffer.isBuffer(v) ? Buffer.from(v) : v.slice();
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) {
    const x = copyStructured(src[k], depth + 1);
    // A `__proto__` key must stay a plain own key, never reach the prototype setter.
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, writable: true, enumerable: true, configurable: true });
    else out[k] = x;
  }
  return out;
}

const MAX_COPY_DEPTH = 10_000;

/** Benthos serialisation of a value as message content: strings and bytes raw, the rest JSON. */
export function serialiseValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v === undefined) return 'null';
  // stringifyJson writes bigints (integers beyond 2^53) as exact digits. A replacer makes
  // JSON.stringify call back into JavaScript for every key, about twice the cost of the whole
  // serialisation, so it is only passed when the value holds bytes; the walk to find out is
  // cheap by comparison.
  return stringifyJson(v, holdsBytes(v, 0) ? jsonReplacer : undefined);
}

/**
 * Does a container hold a Uint8Array (a Buffer included) anywhere inside? Answers true past
 * MAX_SCAN_DEPTH, so a very deep value simply takes the replacer path (which JSON.stringify
 * bounds itself) rather than overflowing the stack here.
 */
function holdsBytes(v: unknown, depth: number): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (v instanceof Uint8Array) return true;
  if (depth > MAX_SCAN_DEPTH) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null && holdsBytes(x, depth + 1)) return true;
    }
    return false;
  }
  // for-in walks the enum cache without allocating a key array (Object.keys would).
  const rec = v as Record<string, unknown>;
  for (const k in rec) {
    const x = rec[k];
    if (typeof x === 'object' && x !== null && holdsBytes(x, depth + 1)) return true;
  }
  return false;
}

const MAX_SCAN_DEPTH = 1000;

/** Bytes inside a structured value are written as their text. */
function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // Look at the holder too: a Buffer has already been through its toJSON ({type, data}) here.
  const raw = value instanceof Uint8Array ? value : (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  return value;
}

export type Batch = Message[];
