/**
 * The contracts every component implements. Built-ins and user plugins implement exactly these.
 */
import type { Batch } from './message.js';

/** Called once per batch when every message derived from it was delivered (err undefined) or failed. */
export type AckFn = (err?: Error) => Promise<void> | void;

/** A batch read from an input together with the acknowledgement of its source. */
export interface InputBatch {
  messages: Batch;
  ack: AckFn;
}

export interface Input {
  /** Establish the connection. Throwing means "retry later with backoff". */
  connect(): Promise<void>;
  /**
   * Read the next batch. Resolves to `null` when the input has ended for good (EOF).
   * Throw NotConnectedError to ask the engine to reconnect.
   */
  read(): Promise<InputBatch | null>;
  /**
   * Optional: up to `max` batches that are ready now (already buffered), without waiting; an
   * empty array when none is. Lets the engine take a whole read chunk per turn instead of one
   * await per batch; `read()` stays the way to wait for more, and to learn of the end.
   */
  readReady?(max: number): InputBatch[];
  /** Stop reading and release resources. Unacked batches may still be acked after this. */
  close(): Promise<void>;
}

/**
 * A processor turns one batch into zero or more batches. An empty result (or empty batches)
 * drops the messages on purpose, which acknowledges them. Returning a promise is allowed; a
 * synchronous return saves an await on the hot path.
 */
export interface Processor {
  processBatch(batch: Batch): Batch[] | Promise<Batch[]>;
  close?(): Promise<void>;
}

export interface Output {
  /** How many batches may be written at once (default 1 when absent). */
  maxInFlight?: number;
  /** Group messages into batches before write (from the output's `batching` field). */
  batchPolicy?: BatchPolicy;
  connect(): Promise<void>;
  /** Deliver a batch. Resolves when the destination confirmed it; rejects when it did not. */
  write(batch: Batch): Promise<void>;
  /**
   * Optional group commit: deliver several batches, in order, at once (e.g. one syscall), as if
   * each had been written with `write`. Resolves when the destination confirmed all of them;
   * rejects when it did not (the engine then retries them one by one). Batches that queued
   * behind a busy write are grouped; a batch keeps its own bytes (codecs frame each batch alone).
   */
  writeMany?(batches: Batch[]): Promise<void>;
  close(): Promise<void>;
}

export interface Cache {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array, ttlMs?: number): Promise<void>;
  /** Set only when absent; resolves false when the key existed. */
  add(key: string, value: Uint8Array, ttlMs?: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  close?(): Promise<void>;
}

export interface RateLimit {
  /** Milliseconds to wait before the next access is allowed; 0 means go now. */
  access(): Promise<number>;
  close?(): Promise<void>;
}

/** When to flush a batch: whichever limit is reached first. 0 disables a limit. */
export interface BatchPolicy {
  count: number;
  byteSize: number;
  periodMs: number;
  /** Flush after a message for which this returns true. */
  check?: (batch: Batch, index: number) => boolean;
  /** Processors applied to each flushed batch. */
  processors?: Processor[];
}

export function isBatchPolicyActive(p: BatchPolicy | undefined): p is BatchPolicy {
  return p !== undefined && (p.count > 1 || p.byteSize > 0 || p.periodMs > 0 || p.check !== undefined);
}
