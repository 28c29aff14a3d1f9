/**
 * Wraps an output with what Benthos gives every output: its processors, a batching policy,
 * `max_in_flight` concurrent writes, connection retries, metrics, and (for the stream's root
 * output) retrying failed writes with capped backoff until they succeed or shutdown is forced.
 *
 * Back pressure: `waitForCapacity()` tells the stream when another batch would have to queue
 * behind full write slots; the stream then stops reading its input, so memory stays bounded by
 * (max_in_flight + 1) batches plus what the pipeline threads hold.
 *
 * Group commit: for an output with `writeMany` (stdout, file), batches that arrive while every
 * write slot is busy queue up (at most GROUP_MAX) and go out together in one `writeMany` once a
 * slot frees, so a stream of one-message batches costs a syscall per group, not per message. Each
 * batch is still acknowledged on its own, only after the group holding it was written. The bound
 * on what is read while the output stalls becomes max_in_flight + GROUP_MAX batches (+ threads).
 */
import type { BatchPolicy, Output, Processor } from '../core/components.js';
import { isBatchPolicyActive } from '../core/components.js';
import type { Batch, Message } from '../core/message.js';
import type { Logger } from '../core/logger.js';
import type { Metrics, Counter, Timer, Gauge } from '../core/metrics.js';
import { Backoff, sleep } from '../core/backoff.js';
import { errorMessage, isPermanent, toError } from '../core/errors.js';
import { Semaphore } from './semaphore.js';
import { runProcessors } from './run_processors.js';

export interface ManagedOutputOptions {
  logger: Logger;
  metrics: Metrics;
  processors: Processor[];
  /** Retry failed writes until success (root output); otherwise failures reject. */
  retryForever: boolean;
  /** Aborted when shutdown is forced: retries stop and pending writes reject. */
  forceSignal: AbortSignal;
  /** Aborted when the stream starts draining: partial batches flush at once from then on. */
  drainSignal?: AbortSignal;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

/**
 * Called once a write settled (err undefined when delivered), with the caller's `arg`: one
 * shared function per caller instead of a promise and closures per batch on the hot path.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type WriteDone<T = any> = (arg: T, err: Error | undefined) => void;

/** One caller's write, possibly spread over several flushed batches. */
interface PendingWrite {
  remaining: number;
  error: Error | undefined;
  done: WriteDone;
  arg: unknown;
}

/** The most batches that queue behind busy write slots for one group write. */
export const GROUP_MAX = 256;

const settlePromise: WriteDone<{ resolve: () => void; reject: (e: Error) => void }> = (p, err) => (err ? p.reject(err) : p.resolve());

const settleWriters: WriteDone<Set<PendingWrite>> = (writers, err) => {
  for (const w of writers) {
    if (err && !w.error) w.error = err;
    if (--w.remaining === 0) w.done(w.arg, w.error);
  }
};

export class ManagedOutput implements Output {
  readonly maxInFlight: number;
  private readonly slots: Semaphore;
  private readonly policy: BatchPolicy | undefined;
  private pending: Message[] = [];
  private pendingBytes = 0;
  private pendingWriters = new Set<PendingWrite>();
  private periodTimer: NodeJS.Timeout | undefined;
  private flushesWaiting = 0;
  private capacityWaiters: Array<() => void> = [];
  private inFlight = new Set<Promise<void>>();
  /** Group commit is on (see the header); the next group, queued behind busy slots: */
  private readonly grouping: boolean;
  private queued: Batch[] = [];
  private queuedDone: WriteDone[] = [];
  private queuedArg: unknown[] = [];
  private connected = false;
  private connecting: Promise<void> | undefined;
  private readonly sent: Counter;
  private readonly batchSent: Counter;
  private readonly errors: Counter;
  private readonly latency: Timer;
  private readonly connUp: Gauge;
  private readonly connFailed: Counter;
  private readonly connLost: Counter;

  constructor(
    private readonly inner: Output,
    private readonly opts: ManagedOutputOptions,
  ) {
    this.maxInFlight = Math.max(1, inner.maxInFlight ?? 1);
    this.slots = new Semaphore(this.maxInFlight);
    this.policy = isBatchPolicyActive(inner.batchPolicy) ? inner.batchPolicy : undefined;
    // Output processors run per batch before the write: those outputs keep one write per batch.
    this.grouping = typeof inner.writeMany === 'function' && opts.processors.length === 0 && !(this.policy?.processors?.length ?? 0);
    const m = opts.metrics;
    this.sent = m.counter('output_sent');
    this.batchSent = m.counter('output_batch_sent');
    this.errors = m.counter('output_error');
    this.latency = m.timer('output_latency_ns');
    this.connUp = m.gauge('output_connection_up');
    this.connFailed = m.counter('output_connection_failed');
    this.connLost = m.counter('output_connection_lost');
    opts.drainSignal?.addEventListener('abort', () => this.flushPending(), { once: true });
    // One listener for all writes in flight (a listener per write would pile up on the signal).
    opts.forceSignal.addEventListener(
      'abort',
      () => {
        const err = new Error('shutdown forced before the write completed');
        for (const reject of this.abandon) reject(err);
        this.abandon.clear();
      },
      { once: true },
    );
  }

  private readonly abandon = new Set<(e: Error) => void>();

  /** Settle with the write, or reject as soon as shutdown is forced (the write is abandoned, not acked). */
  private abortable(p: Promise<void>): Promise<void> {
    if (this.opts.forceSignal.aborted) return Promise.reject(new Error('shutdown forced before the write completed'));
    return new Promise((resolve, reject) => {
      this.abandon.add(reject);
      p.then(
        () => {
          this.abandon.delete(reject);
          resolve();
        },
        (e) => {
          this.abandon.delete(reject);
          reject(e);
        },
      );
    });
  }

  /** Connect, retrying with backoff until it works or shutdown is forced. */
  connect(): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.connecting ??= this.connectLoop().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  private async connectLoop(): Promise<void> {
    const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
    for (;;) {
      try {
        await this.inner.connect();
        this.connected = true;
        this.connUp.set(1);
        this.opts.logger.debug('output connected');
        return;
      } catch (e) {
        this.connFailed.inc();
        this.connUp.set(0);
        if (!this.opts.retryForever) throw toError(e);
        const wait = backoff.next();
        this.opts.logger.error(`failed to connect output: ${errorMessage(e)}; retrying in ${Math.round(wait)}ms`);
        if (!(await sleep(wait, this.opts.forceSignal))) throw new Error('shutdown forced before the output connected');
      }
    }
  }

  /**
   * How many writes this output can hold at once. With batching a write resolves only when its
   * batch is flushed, so a parent needs room for a full batch per write slot plus the pending one.
   */
  get writeCapacity(): number {
    if (!this.policy) return this.maxInFlight;
    return this.policy.count > 0 ? this.policy.count * (this.maxInFlight + 1) : 1024;
  }

  /** null when a write now would not queue; otherwise resolves when it would not. */
  waitForCapacity(): Promise<void> | null {
    if (this.hasCapacity()) return null;
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  private hasCapacity(): boolean {
    if (this.flushesWaiting > 0) return false;
    if (this.grouping) {
      // A flushed batch that has to queue is the one allowed to wait, as without grouping.
      if (this.policy) return this.queued.length === 0;
      return this.queued.length < GROUP_MAX;
    }
    if (this.policy) return true; // a full pending batch flushes and then waits for a slot itself
    return this.slots.free;
  }

  /**
   * How many more batches may be written now before back pressure applies (0: wait for
   * capacity): lets the stream hand over a run of ready transactions without a check per await.
   */
  room(): number {
    if (!this.hasCapacity()) return 0;
    if (this.policy) return this.policy.count > 0 ? Math.max(1, this.policy.count - this.pending.length) : 1;
    if (this.grouping) return this.slots.available + GROUP_MAX - this.queued.length;
    return this.slots.available;
  }

  private notifyCapacity(): void {
    while (this.capacityWaiters.length > 0 && this.hasCapacity()) this.capacityWaiters.shift()!();
  }

  write(batch: Batch): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.writeThen(batch, settlePromise, { resolve, reject }));
  }

  /** Like `write`, but calls `done(arg, err)` once the batch was delivered or failed. */
  writeThen<T>(batch: Batch, done: WriteDone<T>, arg: T): void {
    if (batch.length === 0) return done(arg, undefined);
    if (!this.policy) return this.send(batch, undefined, done, arg);
    const w: PendingWrite = { remaining: 0, error: undefined, done, arg };
    this.addToPending(batch, w);
  }

  private addToPending(batch: Batch, w: PendingWrite): void {
    const p = this.policy!;
    for (let i = 0; i < batch.length; i++) {
      const msg = batch[i]!;
      if (this.pending.length === 0 && p.periodMs > 0) {
        this.periodTimer = setTimeout(() => this.flushPending(), p.periodMs);
      }
      this.pending.push(msg);
      if (!this.pendingWriters.has(w)) {
        this.pendingWriters.add(w);
        w.remaining++;
      }
      if (p.byteSize > 0) this.pendingBytes += msg.byteLength;
      const full =
        (p.count > 0 && this.pending.length >= p.count) ||
        (p.byteSize > 0 && this.pendingBytes >= p.byteSize) ||
        (p.check !== undefined && safeCheck(p.check, this.pending, this.pending.length - 1));
      if (full) this.flushPending();
    }
    // While draining, nothing waits for a batch to fill (a parent may be flushing into us).
    if (this.opts.drainSignal?.aborted) this.flushPending();
  }

  /** Send whatever is pending now (period elapsed, batch full, or shutdown). */
  flushPending(): void {
    if (this.periodTimer) {
      clearTimeout(this.periodTimer);
      this.periodTimer = undefined;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    const writers = this.pendingWriters;
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingWriters = new Set();
    this.send(batch, this.policy?.processors, settleWriters, writers);
  }

  /** Take a write slot (or queue for the next group), run output processors, write with retries. */
  private send<T>(batch: Batch, batchProcs: Processor[] | undefined, done: WriteDone<T>, arg: T): void {
    if (this.grouping) return this.enqueue(batch, done, arg);
    const acquired = this.slots.tryAcquire();
    let p: Promise<void>;
    if (acquired === null) p = this.sendWithSlot(batch, batchProcs);
    else {
      this.flushesWaiting++;
      p = acquired.then(() => {
        this.flushesWaiting--;
        return this.sendWithSlot(batch, batchProcs);
      });
    }
    this.inFlight.add(p);
    p.then(
      () => {
        this.inFlight.delete(p);
        this.settle(done, arg, undefined);
      },
      (e) => {
        this.inFlight.delete(p);
        this.settle(done, arg, toError(e));
      },
    );
  }

  /** Group commit: write now if a slot is free, else join the group that goes out next. */
  private enqueue<T>(batch: Batch, done: WriteDone<T>, arg: T): void {
    if (this.queued.length === 0 && this.slots.free) {
      this.slots.tryAcquire();
      this.startGroup([batch], [done], [arg]);
      return;
    }
    this.queued.push(batch);
    this.queuedDone.push(done);
    this.queuedArg.push(arg);
  }

  /** Runs a group on a slot already taken; the slot passes to the next group, or is released. */
  private startGroup(batches: Batch[], dones: WriteDone[], args: unknown[]): void {
    const p = this.runGroup(batches, dones, args);
    this.inFlight.add(p);
    void p.then(() => this.inFlight.delete(p));
  }

  private async runGroup(batches: Batch[], dones: WriteDone[], args: unknown[]): Promise<void> {
    try {
      if (batches.length > 1 && (await this.tryWriteMany(batches))) {
        for (let i = 0; i < batches.length; i++) this.settle(dones[i]!, args[i], undefined);
        return;
      }
      // One batch, or the group failed: each batch on its own, with the usual retries and errors.
      for (let i = 0; i < batches.length; i++) {
        let err: Error | undefined;
        try {
          await this.writeWithRetry(batches[i]!);
        } catch (e) {
          err = toError(e);
        }
        this.settle(dones[i]!, args[i], err);
      }
    } finally {
      if (this.queued.length > 0) {
        const b = this.queued;
        const d = this.queuedDone;
        const a = this.queuedArg;
        this.queued = [];
        this.queuedDone = [];
        this.queuedArg = [];
        this.startGroup(b, d, a);
      } else this.slots.release();
      this.notifyCapacity();
    }
  }

  /** One attempt at writing a whole group; false when it failed (the caller writes batch by batch). */
  private async tryWriteMany(batches: Batch[]): Promise<boolean> {
    if (this.opts.forceSignal.aborted) return false;
    let n = 0;
    for (const b of batches) n += b.length;
    try {
      if (!this.connected) await this.connect();
      const start = process.hrtime.bigint();
      await this.abortable(this.inner.writeMany!(batches));
      this.latency.observeNs(Number(process.hrtime.bigint() - start));
      this.sent.inc(n);
      this.batchSent.inc(batches.length);
      return true;
    } catch (e) {
      this.errors.inc(n);
      if ((e as { code?: string }).code === 'E_NOT_CONNECTED') {
        this.connected = false;
        this.connUp.set(0);
        this.connLost.inc();
      }
      this.opts.logger.debug(`a grouped write of ${batches.length} batches failed (${errorMessage(e)}): writing them one by one`);
      return false;
    }
  }

  private settle(done: WriteDone, arg: unknown, err: Error | undefined): void {
    try {
      done(arg, err);
    } catch (e) {
      this.opts.logger.error(`settling a write failed: ${errorMessage(e)}`);
    }
  }

  private async sendWithSlot(batch: Batch, batchProcs?: Processor[]): Promise<void> {
    try {
      let batches: Batch[] = [batch];
      if (batchProcs && batchProcs.length > 0) batches = await runProcessors(batchProcs, batches);
      if (this.opts.processors.length > 0) batches = await runProcessors(this.opts.processors, batches);
      for (const b of batches) await this.writeWithRetry(b);
    } finally {
      this.slots.release();
      this.notifyCapacity();
    }
  }

  private async writeWithRetry(batch: Batch): Promise<void> {
    let backoff: Backoff | undefined;
    for (;;) {
      if (!this.connected) await this.connect();
      const start = process.hrtime.bigint();
      try {
        await this.abortable(this.inner.write(batch));
        this.latency.observeNs(Number(process.hrtime.bigint() - start));
        this.sent.inc(batch.length);
        this.batchSent.inc();
        return;
      } catch (e) {
        this.errors.inc(batch.length);
        const err = toError(e);
        if ((err as { code?: string }).code === 'E_NOT_CONNECTED') {
          this.connected = false;
          this.connUp.set(0);
          this.connLost.inc();
        }
        if (!this.opts.retryForever) throw err;
        if (this.opts.forceSignal.aborted) throw err;
        if (isPermanent(err)) {
          // Retrying cannot help: nack the batch so its source redelivers or routes it, and free the slot.
          this.opts.logger.error(`failed to send a batch of ${batch.length} (not retried): ${err.message}`);
          throw err;
        }
        backoff ??= new Backoff({ initialMs: this.opts.retryInitialMs ?? 100, maxMs: this.opts.retryMaxMs ?? 30_000 });
        const wait = backoff.next();
        this.opts.logger.warn(`failed to send a batch of ${batch.length}: ${err.message}; retrying in ${Math.round(wait)}ms`);
        if (!(await sleep(wait, this.opts.forceSignal))) throw err;
      }
    }
  }

  /** Flush the pending batch and wait for every write in flight. */
  async drain(): Promise<void> {
    this.flushPending();
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  async close(): Promise<void> {
    this.flushPending();
    for (const p of this.opts.processors) await p.close?.();
    for (const p of this.policy?.processors ?? []) await p.close?.();
    this.connUp.set(0);
    await this.inner.close();
  }
}

function safeCheck(check: (b: Batch, i: number) => boolean, batch: Batch, i: number): boolean {
  try {
    return check(batch, i);
  } catch {
    return false;
  }
}
