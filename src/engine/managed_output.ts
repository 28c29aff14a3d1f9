/**
 * Wraps an output with what Benthos gives every output: its processors, a batching policy,
 * `max_in_flight` concurrent writes, connection retries, metrics, and (for the stream's root
 * output) retrying failed writes with capped backoff until they succeed or shutdown is forced.
 *
 * Back pressure: `waitForCapacity()` tells the stream when another batch would have to queue
 * behind full write slots; the stream then stops reading its input, so memory stays bounded by
 * (max_in_flight + 1) batches plus what the pipeline threads hold.
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

/** One caller's write, possibly spread over several flushed batches. */
interface PendingWrite {
  remaining: number;
  error: Error | undefined;
  resolve: () => void;
  reject: (e: Error) => void;
}

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
    if (this.policy) return true; // a full pending batch flushes and then waits for a slot itself
    return this.slots.free;
  }

  private notifyCapacity(): void {
    while (this.capacityWaiters.length > 0 && this.hasCapacity()) this.capacityWaiters.shift()!();
  }

  write(batch: Batch): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    if (!this.policy) return this.send(batch);
    return new Promise<void>((resolve, reject) => {
      const w: PendingWrite = { remaining: 0, error: undefined, resolve, reject };
      this.addToPending(batch, w);
    });
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
    const settle = (err?: Error): void => {
      for (const w of writers) {
        if (err && !w.error) w.error = err;
        if (--w.remaining === 0) {
          if (w.error) w.reject(w.error);
          else w.resolve();
        }
      }
    };
    this.send(batch, this.policy?.processors).then(() => settle(), settle);
  }

  /** Take a write slot, run output processors, write with retries. */
  private send(batch: Batch, batchProcs?: Processor[]): Promise<void> {
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
    const done = (): void => {
      this.inFlight.delete(p);
    };
    p.then(done, done);
    return p;
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
