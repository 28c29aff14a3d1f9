/**
 * The child outputs of a composite output (broker, fallback, switch, ...): built through
 * Resources, written with an optional retry loop that ends when the composite closes, and
 * closed together.
 */
import { Backoff, sleep, errorMessage, isPermanent, toError, type BatchPolicy, type Output, type Batch, type Resources, type ComponentConfig } from '../../plugin/index.js';

/**
 * What engine-managed outputs (from `res.buildOutput`) offer beyond the Output contract: sending
 * a partial batch on demand, and their batch policy. Plain outputs have neither.
 */
interface ManagedHints {
  flushPending?(): void;
  /** Preferred: how many writes the output can hold at once (a public hint, if the engine gives one). */
  writeCapacity?: number;
  /** Fallback: the engine's ManagedOutput keeps its batch policy here. */
  policy?: BatchPolicy;
}

export function flush(out: Output): void {
  (out as ManagedHints).flushPending?.();
}

/** A batching output without a count limit: room for this many pending writes. */
const UNCOUNTED_BATCH_CAPACITY = 1024;

/**
 * How many writes a child can hold at once. A batching child resolves a write only once its
 * batch is flushed, so a parent allowing fewer writes than the batch count would wait forever
 * for a batch that can never fill: room for a full batch per write slot plus the pending one.
 */
export function writeCapacity(out: Output): number {
  const hints = out as ManagedHints;
  if (typeof hints.writeCapacity === 'number') return Math.max(1, hints.writeCapacity);
  const mif = Math.max(1, out.maxInFlight ?? 1);
  const p = hints.policy;
  if (!p || !(p.count > 1 || p.byteSize > 0 || p.periodMs > 0 || p.check !== undefined)) return mif;
  return p.count > 0 ? p.count * (mif + 1) : UNCOUNTED_BATCH_CAPACITY;
}

export interface RetryTiming {
  initialMs: number;
  maxMs: number;
}

/** Benthos's brokers retry a failing child with a short, capped backoff. */
export const CHILD_RETRY: RetryTiming = { initialMs: 100, maxMs: 3_000 };

export class ChildOutputs {
  private readonly closeCtl = new AbortController();

  constructor(
    readonly outputs: Output[],
    private readonly res: Resources,
  ) {
    // On shutdown the stream flushes only the root output's partial batch. Pass that on, or a
    // child batching by count alone would hold its last messages until the shutdown timeout.
    res.signal.addEventListener('abort', () => this.outputs.forEach(flush), { once: true });
  }

  /** Build each config, the whole list repeated `copies` times (Benthos's `copies`). */
  static async build(confs: ComponentConfig[], res: Resources, copies = 1): Promise<ChildOutputs> {
    const outputs: Output[] = [];
    for (let c = 0; c < Math.max(1, copies); c++) {
      for (const conf of confs) outputs.push(await res.buildOutput(conf));
    }
    return new ChildOutputs(outputs, res);
  }

  get length(): number {
    return this.outputs.length;
  }

  /** Aborted once the composite is closed: retry loops give up then. */
  get closing(): AbortSignal {
    return this.closeCtl.signal;
  }

  /** The largest child capacity: for patterns that give a batch to every child (extra writes queue in the child). */
  maxInFlightMax(): number {
    return Math.max(1, ...this.outputs.map(writeCapacity));
  }

  /** Every child's capacity added up: for patterns that give each batch to one child. */
  maxInFlightSum(): number {
    return Math.max(1, this.outputs.reduce((n, o) => n + writeCapacity(o), 0));
  }

  /** One attempt. Once the stream is stopping, a child's partial batch is sent at once. */
  write(index: number, batch: Batch): Promise<void> {
    const out = this.outputs[index]!;
    const p = out.write(batch);
    if (this.res.signal.aborted) flush(out);
    return p;
  }

  /**
   * Write until the child confirms, with backoff between attempts; only closing the composite
   * (a forced shutdown) ends the loop, with the last error. `makeBatch` gives each attempt a
   * fresh copy so the child's processors never see their own earlier changes.
   */
  async writeUntilDelivered(index: number, makeBatch: () => Batch, timing: RetryTiming = CHILD_RETRY): Promise<void> {
    let backoff: Backoff | undefined;
    for (;;) {
      try {
        await this.write(index, makeBatch());
        return;
      } catch (e) {
        const err = toError(e);
        if (this.closing.aborted || isPermanent(err)) throw err;
        backoff ??= new Backoff({ initialMs: timing.initialMs, maxMs: timing.maxMs });
        const wait = backoff.next();
        this.res.logger.warn(`failed to send a batch to child output ${index}: ${err.message}; retrying in ${Math.round(wait)}ms`);
        if (!(await sleep(wait, this.closing))) throw err;
      }
    }
  }

  /** Connect what can be connected now; a child that cannot connect retries on its first write. */
  async connect(): Promise<void> {
    await Promise.all(
      this.outputs.map((o, i) =>
        o.connect().catch((e) => this.res.logger.warn(`child output ${i} failed to connect: ${errorMessage(e)}; it will retry on write`)),
      ),
    );
  }

  async close(): Promise<void> {
    this.closeCtl.abort();
    const results = await Promise.allSettled(this.outputs.map((o) => o.close()));
    for (const r of results) if (r.status === 'rejected') this.res.logger.error(`failed to close a child output: ${errorMessage(r.reason)}`);
  }
}
