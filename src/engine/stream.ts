/**
 * A running stream: one input, the pipeline's processors, one output, and the acknowledgement of
 * every input batch once all that derived from it was delivered (or dropped on purpose).
 *
 * One reader loop pulls from the input only while the output has room (back pressure), hands
 * each transaction to one of `threads` processing slots, and moves on. Transactions the input
 * already holds (a read chunk's lines) are taken in the same turn while output and threads have
 * room, so an await is paid per chunk rather than per message. Shutdown stops reading,
 * flushes partial batches, waits for in-flight transactions up to the timeout, and only then
 * closes the input, so its acknowledgements still reach the source.
 */
import os from 'node:os';
import { setMaxListeners } from 'node:events';
import type { Processor } from '../core/components.js';
import type { Batch, Message } from '../core/message.js';
import type { Counter } from '../core/metrics.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { errorMessage, toError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import type { StreamConfig } from '../config/stream_config.js';
import type { ComponentConfig } from '../config/parse.js';
import type { Registry } from '../plugin/registry.js';
import { Builder } from './builder.js';
import type { ManagedInput, Transaction } from './managed_input.js';
import type { ManagedOutput, WriteDone } from './managed_output.js';
import { Semaphore } from './semaphore.js';
import { runProcessorsSyncFirst } from './run_processors.js';

export interface StreamOptions {
  registry: Registry;
  logger: Logger;
  metrics: Metrics;
}

export type StopResult = { clean: boolean };

const DEFAULT_INPUT: ComponentConfig = { kind: 'input', type: 'stdin', label: '', config: undefined, processors: [], path: 'input' };
const DEFAULT_OUTPUT: ComponentConfig = { kind: 'output', type: 'stdout', label: '', config: undefined, processors: [], path: 'output' };

/** Transactions handed over between two turns given to the event loop (timers, I/O, signals). */
const YIELD_EVERY = 1024;

/** A transaction whose result spans several batches: acked once the last one settled. */
interface PartialDelivery {
  tx: Transaction;
  remaining: number;
  failure: Error | undefined;
}

export class Stream {
  private readonly stopCtl = new AbortController();
  private readonly forceCtl = new AbortController();
  private readonly drainCtl = new AbortController();
  private builder!: Builder;
  private input!: ManagedInput;
  private output!: ManagedOutput;
  private pipeline: Processor[] = [];
  private threads!: Semaphore;
  private inFlight = 0;
  private drainWaiters: Array<() => void> = [];
  private readerDone: Promise<void> | undefined;
  private closed: Promise<StopResult> | undefined;
  private ended = false;
  private readonly log: Logger;
  private readonly erroredCounter: Counter;
  private readonly strategy: string;

  constructor(
    private readonly config: StreamConfig,
    private readonly opts: StreamOptions,
  ) {
    this.log = opts.logger;
    // Every concurrent wait (retries, sleeps, replays) listens to these: no listener cap.
    setMaxListeners(0, this.stopCtl.signal, this.forceCtl.signal, this.drainCtl.signal);
    this.strategy = config.error_handling?.strategy ?? 'none';
    this.erroredCounter = opts.metrics.counter('pipeline_errored_messages', { strategy: this.strategy });
  }

  /** Build every component. Throws SluiceError on a config that cannot be built. */
  async build(): Promise<void> {
    const c = this.config;
    this.builder = new Builder({
      registry: this.opts.registry,
      logger: this.opts.logger,
      metrics: this.opts.metrics,
      stopSignal: this.stopCtl.signal,
      forceSignal: this.forceCtl.signal,
      drainSignal: this.drainCtl.signal,
      resources: {
        inputs: c.input_resources,
        processors: c.processor_resources,
        outputs: c.output_resources,
        caches: c.cache_resources,
        rateLimits: c.rate_limit_resources,
      },
    });
    await this.builder.buildSharedResources();
    this.output = await this.builder.buildOutput(withDefaults(c.output ?? DEFAULT_OUTPUT, this.opts.registry), true);
    this.pipeline = await this.builder.buildProcessors(c.pipeline.processors, parseDuration(c.pipeline.processing_timeout ?? '0s'));
    this.input = await this.builder.buildInput(withDefaults(c.input ?? DEFAULT_INPUT, this.opts.registry));
    const threads = c.pipeline.threads > 0 ? c.pipeline.threads : os.availableParallelism();
    this.threads = new Semaphore(threads);
  }

  /** Whether input and output are connected (for /ready). */
  get ready(): boolean {
    return this.input?.isConnected === true && this.output?.isConnected === true;
  }

  /** Start connecting and reading. Resolves when the input ended and all was delivered. */
  run(): Promise<void> {
    // Connect the output first so the input is not read from before there is somewhere to write.
    void this.output.connect().catch((e) => this.log.error(`output failed to connect: ${errorMessage(e)}`));
    this.readerDone = this.readLoop();
    return this.readerDone.then(async () => {
      if (this.stopCtl.signal.aborted) return;
      // The input ended on its own (EOF): drain and close cleanly.
      this.ended = true;
      await this.stop(parseDuration(this.config.shutdown_timeout));
    });
  }

  private async readLoop(): Promise<void> {
    const signal = this.stopCtl.signal;
    let sinceYield = 0;
    while (!signal.aborted) {
      // An input whose reads resolve at once would keep this loop in microtasks forever, starving
      // timers, I/O and signal handlers: give the event loop a turn every so often.
      if (sinceYield >= YIELD_EVERY) {
        sinceYield = 0;
        await new Promise<void>((r) => setImmediate(r));
      }
      const cap = this.output.waitForCapacity();
      if (cap) await cap;
      const slot = this.threads.tryAcquire();
      if (slot) await slot;
      if (signal.aborted) {
        this.threads.release();
        break;
      }
      let tx: Transaction | null;
      try {
        // A transaction the input already holds needs no await (with processors, the threads
        // rather than the input are what the loop waited for).
        const ready = this.input.readReady(1);
        tx = ready.length > 0 ? ready[0]! : await this.input.read();
      } catch (e) {
        this.threads.release();
        this.log.error(`input read failed: ${errorMessage(e)}`);
        continue;
      }
      if (tx === null) {
        this.threads.release();
        break;
      }
      if (signal.aborted) {
        // Stop was requested while this read was pending: the drain may already have finished,
        // so processing it now could let the input commit past it before it is delivered (a
        // duplicate after restart). Hand it back instead.
        this.threads.release();
        this.inFlight++;
        this.finish(tx, new Error('stopping: read after shutdown began, not processed'));
        break;
      }
      this.inFlight++;
      this.process(tx);
      sinceYield++;
      sinceYield += this.takeReady(signal, YIELD_EVERY - sinceYield);
    }
  }

  /**
   * Hand over, without awaiting, up to `limit` transactions the input already holds, while the
   * output has room and a thread is free: the same checks the loop makes before each read.
   */
  private takeReady(signal: AbortSignal, limit: number): number {
    let taken = 0;
    // Without processors a transaction holds its thread only synchronously.
    const syncPipeline = this.pipeline.length === 0;
    while (taken < limit && !signal.aborted) {
      let room = Math.min(this.output.room(), limit - taken);
      if (!syncPipeline) room = Math.min(room, this.threads.available);
      if (room <= 0) break;
      const txs = this.input.readReady(room);
      if (txs.length === 0) break;
      for (const tx of txs) {
        this.inFlight++;
        const slot = this.threads.tryAcquire();
        if (slot === null) this.process(tx);
        // Only if the input returned more than asked: what was read is processed all the same.
        else void slot.then(() => this.process(tx));
      }
      taken += txs.length;
    }
    return taken;
  }

  /** Run the pipeline on one transaction and hand the result to the output; frees the thread once handed over. */
  private process(tx: Transaction): void {
    const strategy = this.strategy;
    if (this.pipeline.length === 0 && strategy === 'none') {
      this.threads.release();
      if (tx.batches === undefined) return this.deliverOne(tx, tx.messages);
      return this.deliver(tx, tx.batches, undefined);
    }
    const txBatches = tx.batches ?? [tx.messages];
    let firstError: Error | undefined;
    let errored = 0;
    const onProcessed = (batches: Batch[]): void => {
      this.threads.release();
      if (errored > 0) this.countErrored(strategy, errored, firstError!);
      this.deliver(tx, batches, strategy === 'reject' ? firstError : undefined);
    };
    const take =
      strategy === 'none'
        ? undefined
        : (m: Message): void => {
            errored++;
            firstError ??= m.error ?? new Error('message flagged as errored');
          };
    if (this.pipeline.length === 0 && !take) return onProcessed(txBatches);
    if (take) for (const b of txBatches) for (const m of b) if (m.error) take(m);
    const input = take ? txBatches.map((b) => b.filter((m) => !m.error)).filter((b) => b.length > 0) : txBatches;
    let out: Batch[] | Promise<Batch[]>;
    try {
      out = runProcessorsSyncFirst(this.pipeline, input, take);
    } catch (e) {
      out = Promise.reject(e);
    }
    if (!(out instanceof Promise)) return onProcessed(out);
    out.then(onProcessed, (e) => {
      this.threads.release();
      this.finish(tx, toError(e));
    });
  }

  private countErrored(strategy: string, n: number, first: Error): void {
    this.erroredCounter.inc(n);
    if (strategy === 'drop') this.log.warn(`dropping ${n} message(s) that failed processing: ${first.message}`);
    else this.log.warn(`rejecting a batch: ${n} message(s) failed processing: ${first.message}`);
  }

  /** `rejectWith` nacks the transaction once what remains was delivered (strict error handling). */
  private deliver(tx: Transaction, batches: Batch[], rejectWith: Error | undefined): void {
    if (batches.length === 1 && rejectWith === undefined) return this.deliverOne(tx, batches[0]!);
    let remaining = 0;
    for (const b of batches) if (b.length > 0) remaining++;
    if (remaining === 0) return this.finish(tx, rejectWith); // everything was dropped on purpose (or rejected)
    const part: PartialDelivery = { tx, remaining, failure: rejectWith };
    for (const b of batches) if (b.length > 0) this.output.writeThen(b, this.onPartDelivered, part);
  }

  /** The common case: one batch in, one batch out; no bookkeeping object needed. */
  private deliverOne(tx: Transaction, batch: Batch): void {
    if (batch.length === 0) return this.finish(tx, undefined);
    this.output.writeThen(batch, this.onDelivered, tx);
  }

  private readonly onDelivered: WriteDone<Transaction> = (tx, err) => this.finish(tx, err);

  private readonly onPartDelivered: WriteDone<PartialDelivery> = (part, err) => {
    if (err && !part.failure) part.failure = err;
    if (--part.remaining === 0) this.finish(part.tx, part.failure);
  };

  private finish(tx: Transaction, err: Error | undefined): void {
    let acked: Promise<void> | void = undefined;
    try {
      acked = tx.ack(err);
    } catch (e) {
      this.log.error(`acknowledging the input failed: ${errorMessage(e)}`);
    }
    if (acked instanceof Promise) acked.then(this.settled, this.settledAfterAckError);
    else this.settled();
  }

  /** One transaction fully done (acked or nacked at its source). */
  private readonly settled = (): void => {
    this.inFlight--;
    if (this.inFlight === 0 && this.drainWaiters.length > 0) for (const w of this.drainWaiters.splice(0)) w();
  };

  private readonly settledAfterAckError = (e: unknown): void => {
    this.log.error(`acknowledging the input failed: ${errorMessage(e)}`);
    this.settled();
  };

  private drained(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /**
   * Stop gracefully: stop reading, flush, wait up to timeoutMs for in-flight messages, then close.
   * `clean` is false when the timeout forced undelivered messages to be nacked.
   */
  stop(timeoutMs: number): Promise<StopResult> {
    this.closed ??= this.doStop(timeoutMs);
    return this.closed;
  }

  /** Abort a graceful stop that is under way: nack what is in flight and close now. */
  forceStop(): void {
    this.forceCtl.abort();
  }

  private async doStop(timeoutMs: number): Promise<StopResult> {
    // After a natural end of input, components keep working until the pipeline drained (a sleep
    // processor must not be cut short just because the input ended); on a signal, stop at once.
    if (!this.ended) {
      this.stopCtl.abort();
      this.log.info('stopping: waiting for in-flight messages');
    }
    // Every output (nested ones too) flushes its partial batch now and stops waiting to fill one.
    this.drainCtl.abort();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      this.forceCtl.signal.addEventListener('abort', () => resolve('timeout'), { once: true });
    });
    const result = await Promise.race([this.drained().then(() => 'drained' as const), timedOut]);
    clearTimeout(timer);
    this.stopCtl.abort();
    let clean = result === 'drained';
    if (!clean) {
      this.log.error(`shutdown timed out with ${this.inFlight} transaction(s) undelivered: they are not acknowledged and will be redelivered by sources that support it`);
      this.forceCtl.abort();
      // Give the aborted retries a moment to nack their transactions.
      await Promise.race([this.drained(), new Promise((r) => setTimeout(r, 500))]);
    }
    // Nothing is in flight any more: end connect and retry loops (an output that never
    // connected would otherwise keep retrying, and keep the process alive).
    this.forceCtl.abort();
    await this.closeAll();
    return { clean };
  }

  private async closeAll(): Promise<void> {
    const attempts: Array<[string, () => Promise<void>]> = [
      ['input', () => this.input.close()],
      ...this.pipeline.map((p, i): [string, () => Promise<void>] => [`pipeline processor ${i}`, () => p.close?.() ?? Promise.resolve()]),
      ['output', () => this.output.close()],
      ['resources', () => this.builder.closeResources()],
    ];
    for (const [what, fn] of attempts) {
      try {
        await fn();
      } catch (e) {
        this.log.error(`failed to close ${what}: ${errorMessage(e)}`);
      }
    }
  }
}

/** Default components (stdin/stdout) get their spec defaults like any other config would. */
function withDefaults(conf: ComponentConfig, registry: Registry): ComponentConfig {
  if (conf.config !== undefined) return conf;
  const spec = registry.spec(conf.kind, conf.type);
  if (!spec) return conf;
  const defaults: Record<string, unknown> = {};
  for (const f of spec.config.children ?? []) if (f.default !== undefined) defaults[f.name] = structuredClone(f.default);
  return { ...conf, config: defaults };
}
