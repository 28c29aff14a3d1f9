/** Adds Benthos's processor metrics around any processor, counted per batch. */
import type { Processor } from '../core/components.js';
import type { Batch } from '../core/message.js';
import type { Counter, Metrics, Timer } from '../core/metrics.js';
import type { Logger } from '../core/logger.js';
import { SluiceError } from '../core/errors.js';

export class ManagedProcessor implements Processor {
  private readonly received: Counter;
  private readonly sent: Counter;
  private readonly batchReceived: Counter;
  private readonly batchSent: Counter;
  private readonly errors: Counter;
  private readonly latency: Timer;

  /**
   * `timeoutMs` > 0 bounds how long an asynchronous processBatch may take (the pipeline's
   * `processing_timeout`): past it the batch is flagged with an error and moves on, so a
   * processor that never settles cannot wedge the stream. Synchronous processors get no timer.
   */
  constructor(
    private readonly inner: Processor,
    metrics: Metrics,
    private readonly logger: Logger,
    private readonly timeoutMs = 0,
  ) {
    this.received = metrics.counter('processor_received');
    this.sent = metrics.counter('processor_sent');
    this.batchReceived = metrics.counter('processor_batch_received');
    this.batchSent = metrics.counter('processor_batch_sent');
    this.errors = metrics.counter('processor_error');
    this.latency = metrics.timer('processor_latency_ns');
  }

  processBatch(batch: Batch): Batch[] | Promise<Batch[]> {
    this.received.inc(batch.length);
    this.batchReceived.inc();
    const start = process.hrtime.bigint();
    // Errors already present on input are not this processor's: count only new ones.
    let before = 0;
    for (const m of batch) if (m.error) before++;
    let out: Batch[] | Promise<Batch[]>;
    try {
      out = this.inner.processBatch(batch);
    } catch (e) {
      this.failed(batch.length - before, start);
      throw e;
    }
    if (out instanceof Promise) {
      const settled = this.timeoutMs > 0 ? withTimeout(out, this.timeoutMs) : out;
      return settled.then(
        (r) => this.account(r, start, before),
        (e: unknown) => {
          this.failed(batch.length - before, start);
          throw e;
        },
      );
    }
    return this.account(out, start, before);
  }

  /** A processor that threw or rejected: the caller flags every message of the batch with it. */
  private failed(fresh: number, start: bigint): void {
    this.latency.observeNs(Number(process.hrtime.bigint() - start));
    if (fresh > 0) this.errors.inc(fresh);
  }

  private account(out: Batch[], start: bigint, errorsBefore: number): Batch[] {
    this.latency.observeNs(Number(process.hrtime.bigint() - start));
    let n = 0;
    let errs = 0;
    for (const b of out) {
      n += b.length;
      for (const m of b) if (m.error) errs++;
    }
    this.sent.inc(n);
    this.batchSent.inc(out.length);
    const fresh = errs - errorsBefore;
    if (fresh > 0) {
      this.errors.inc(fresh);
      if (this.logger.enabled('debug')) this.logger.debug(`processor flagged ${fresh} message(s) with errors`);
    }
    return out;
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}

/**
 * Reject with E_PROCESSING_TIMEOUT when `p` has not settled after `ms`. The late result is
 * ignored (a late rejection is handled here, so it never becomes an unhandled rejection).
 */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new SluiceError('E_PROCESSING_TIMEOUT', `processor did not finish within ${ms} ms (pipeline.processing_timeout)`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
