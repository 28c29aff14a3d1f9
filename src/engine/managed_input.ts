/**
 * Wraps an input with connection management (retry with backoff, reconnect when the input
 * reports it lost its connection), its processors, and metrics.
 */
import type { Input, InputBatch, Processor } from '../core/components.js';
import type { Batch } from '../core/message.js';
import type { Logger } from '../core/logger.js';
import type { Counter, Gauge, Metrics } from '../core/metrics.js';
import { Backoff, sleep } from '../core/backoff.js';
import { errorMessage } from '../core/errors.js';
import { runProcessors } from './run_processors.js';

/** A batch read from an input, after its processors, with the source's acknowledgement. */
export interface Transaction extends InputBatch {
  /**
   * The batches the input's processors produced (messages is their concatenation); absent when
   * that is the single batch `messages` (no array per transaction on the hot path).
   */
  batches?: Batch[];
}

const NONE: Transaction[] = [];

export class ManagedInput implements Input {
  private connected = false;
  /** The input's readReady, when it has one and no input processors run (they may await). */
  private readonly readyFn: ((max: number) => InputBatch[]) | undefined;
  private closed = false;
  private readonly received: Counter;
  private readonly connUp: Gauge;
  private readonly connFailed: Counter;
  private readonly connLost: Counter;

  constructor(
    private readonly inner: Input,
    private readonly processors: Processor[],
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly signal: AbortSignal,
  ) {
    this.received = metrics.counter('input_received');
    this.connUp = metrics.gauge('input_connection_up');
    this.connFailed = metrics.counter('input_connection_failed');
    this.connLost = metrics.counter('input_connection_lost');
    this.readyFn = processors.length === 0 && typeof inner.readReady === 'function' ? inner.readReady : undefined;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  async connect(): Promise<void> {
    const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
    while (!this.connected && !this.closed && !this.signal.aborted) {
      try {
        await this.inner.connect();
        this.connected = true;
        this.connUp.set(1);
        this.logger.debug('input connected');
      } catch (e) {
        this.connFailed.inc();
        const wait = backoff.next();
        this.logger.error(`failed to connect input: ${errorMessage(e)}; retrying in ${Math.round(wait)}ms`);
        await sleep(wait, this.signal);
      }
    }
  }

  /** Next transaction, or null when the input ended or the stream is stopping. */
  async read(): Promise<Transaction | null> {
    const backoff = new Backoff({ initialMs: 100, maxMs: 10_000 });
    for (;;) {
      if (this.closed || this.signal.aborted) return null;
      if (!this.connected) await this.connect();
      if (this.closed || this.signal.aborted) return null;
      let got: InputBatch | null;
      try {
        got = await this.inner.read();
      } catch (e) {
        if (this.closed || this.signal.aborted) return null;
        if ((e as { code?: string }).code === 'E_NOT_CONNECTED') {
          this.connected = false;
          this.connUp.set(0);
          this.connLost.inc();
          this.logger.warn(`input lost its connection: ${errorMessage(e)}`);
          continue;
        }
        const wait = backoff.next();
        this.logger.error(`failed to read input: ${errorMessage(e)}; retrying in ${Math.round(wait)}ms`);
        await sleep(wait, this.signal);
        continue;
      }
      if (got === null) return null;
      backoff.reset();
      this.received.inc(got.messages.length);
      if (this.processors.length === 0) return got;
      const pre = (got as Transaction).batches ?? [got.messages];
      const batches = await runProcessors(this.processors, pre);
      return { messages: batches.length === 1 ? batches[0]! : batches.flat(), batches, ack: got.ack };
    }
  }

  /**
   * Transactions the input already holds, up to `max`, without waiting (none when the input
   * cannot tell, has processors, which may be asynchronous, or is not connected).
   */
  readReady(max: number): Transaction[] {
    if (this.readyFn === undefined || this.closed || !this.connected || this.signal.aborted) return NONE;
    let got: InputBatch[];
    try {
      got = this.readyFn.call(this.inner, max);
    } catch (e) {
      // The next read() meets the same condition and handles it (retry, reconnect).
      this.logger.debug(`input could not hand over ready batches: ${errorMessage(e)}`);
      return NONE;
    }
    let n = 0;
    for (let i = 0; i < got.length; i++) n += got[i]!.messages.length;
    if (n > 0) this.received.inc(n);
    return got;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connUp.set(0);
    await this.inner.close();
    for (const p of this.processors) await p.close?.();
  }
}
