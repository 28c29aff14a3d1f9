/** Adds Benthos's processor metrics around any processor, counted per batch. */
import type { Processor } from '../core/components.js';
import type { Batch } from '../core/message.js';
import type { Counter, Metrics, Timer } from '../core/metrics.js';
import type { Logger } from '../core/logger.js';

export class ManagedProcessor implements Processor {
  private readonly received: Counter;
  private readonly sent: Counter;
  private readonly batchReceived: Counter;
  private readonly batchSent: Counter;
  private readonly errors: Counter;
  private readonly latency: Timer;

  constructor(
    private readonly inner: Processor,
    metrics: Metrics,
    private readonly logger: Logger,
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
    const out = this.inner.processBatch(batch);
    if (out instanceof Promise) return out.then((r) => this.account(r, start, before));
    return this.account(out, start, before);
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
