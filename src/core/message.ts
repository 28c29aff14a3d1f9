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
      this.structured = structuredClone(v);
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
    if (this.meta) for (const [k, v] of this.meta) out[k] = v;
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

/** Benthos serialisation of a value as message content: strings and bytes raw, the rest JSON. */
export function serialiseValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  if (v === undefined) return 'null';
  // stringifyJson writes bigints (integers beyond 2^53) as exact digits.
  return stringifyJson(v, jsonReplacer);
}

/** Bytes inside a structured value are written as their text. */
function jsonReplacer(this: unknown, key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // Look at the holder too: a Buffer has already been through its toJSON ({type, data}) here.
  const raw = value instanceof Uint8Array ? value : (this as Record<string, unknown>)[key];
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  return value;
}

export type Batch = Message[];
