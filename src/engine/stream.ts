/**
 * A running stream: one input, the pipeline's processors, one output, and the acknowledgement of
 * every input batch once all that derived from it was delivered (or dropped on purpose).
 *
 * One reader loop pulls from the input only while the output has room (back pressure), hands
 * each transaction to one of `threads` processing slots, and moves on. Shutdown stops reading,
 * flushes partial batches, waits for in-flight transactions up to the timeout, and only then
 * closes the input, so its acknowledgements still reach the source.
 */
import os from 'node:os';
import type { Processor } from '../core/components.js';
import type { Batch } from '../core/message.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import { errorMessage, toError } from '../core/errors.js';
import { parseDuration } from '../core/duration.js';
import type { StreamConfig } from '../config/stream_config.js';
import type { ComponentConfig } from '../config/parse.js';
import type { Registry } from '../plugin/registry.js';
import { Builder } from './builder.js';
import type { ManagedInput, Transaction } from './managed_input.js';
import type { ManagedOutput } from './managed_output.js';
import { Semaphore } from './semaphore.js';
import { runProcessors } from './run_processors.js';

export interface StreamOptions {
  registry: Registry;
  logger: Logger;
  metrics: Metrics;
}

export type StopResult = { clean: boolean };

const DEFAULT_INPUT: ComponentConfig = { kind: 'input', type: 'stdin', label: '', config: undefined, processors: [], path: 'input' };
const DEFAULT_OUTPUT: ComponentConfig = { kind: 'output', type: 'stdout', label: '', config: undefined, processors: [], path: 'output' };

export class Stream {
  private readonly stopCtl = new AbortController();
  private readonly forceCtl = new AbortController();
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

  constructor(
    private readonly config: StreamConfig,
    private readonly opts: StreamOptions,
  ) {
    this.log = opts.logger;
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
    this.pipeline = await this.builder.buildProcessors(c.pipeline.processors);
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
    while (!signal.aborted) {
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
        tx = await this.input.read();
      } catch (e) {
        this.threads.release();
        this.log.error(`input read failed: ${errorMessage(e)}`);
        continue;
      }
      if (tx === null) {
        this.threads.release();
        break;
      }
      this.inFlight++;
      this.process(tx);
    }
  }

  /** Run the pipeline on one transaction and hand the result to the output; frees the thread once handed over. */
  private process(tx: Transaction): void {
    const onProcessed = (batches: Batch[]): void => {
      this.threads.release();
      this.deliver(tx, batches);
    };
    if (this.pipeline.length === 0) return onProcessed(tx.batches);
    runProcessors(this.pipeline, tx.batches).then(onProcessed, (e) => {
      this.threads.release();
      this.finish(tx, toError(e));
    });
  }

  private deliver(tx: Transaction, batches: Batch[]): void {
    let remaining = 0;
    for (const b of batches) if (b.length > 0) remaining++;
    if (remaining === 0) return this.finish(tx, undefined); // everything was dropped on purpose
    let failure: Error | undefined;
    const done = (err?: Error): void => {
      if (err && !failure) failure = err;
      if (--remaining === 0) this.finish(tx, failure);
    };
    for (const b of batches) {
      if (b.length > 0) this.output.write(b).then(() => done(), (e) => done(toError(e)));
    }
  }

  private finish(tx: Transaction, err: Error | undefined): void {
    let acked: Promise<void> | void = undefined;
    try {
      acked = tx.ack(err);
    } catch (e) {
      this.log.error(`acknowledging the input failed: ${errorMessage(e)}`);
    }
    const settle = (): void => {
      this.inFlight--;
      if (this.inFlight === 0) for (const w of this.drainWaiters.splice(0)) w();
    };
    if (acked instanceof Promise) {
      acked.then(settle, (e) => {
        this.log.error(`acknowledging the input failed: ${errorMessage(e)}`);
        settle();
      });
    } else settle();
  }

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
    this.stopCtl.abort();
    if (!this.ended) this.log.info('stopping: waiting for in-flight messages');
    this.output.flushPending();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
      this.forceCtl.signal.addEventListener('abort', () => resolve('timeout'), { once: true });
    });
    const result = await Promise.race([this.drained().then(() => 'drained' as const), timedOut]);
    clearTimeout(timer);
    let clean = result === 'drained';
    if (!clean) {
      this.log.error(`shutdown timed out with ${this.inFlight} transaction(s) undelivered: they are not acknowledged and will be redelivered by sources that support it`);
      this.forceCtl.abort();
      // Give the aborted retries a moment to nack their transactions.
      await Promise.race([this.drained(), new Promise((r) => setTimeout(r, 500))]);
    }
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
