/**
 * Builds components from parsed config through the registry, and is the Resources object every
 * constructor receives: nested components, caches and rate limits by label, logging, metrics.
 */
import type { Cache, Input, Output, Processor, RateLimit } from '../core/components.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type { Batch } from '../core/message.js';
import { SluiceError } from '../core/errors.js';
import type { ComponentConfig } from '../config/parse.js';
import type { Registry, ScannerFactory } from '../plugin/registry.js';
import type { Resources } from '../plugin/resources.js';
import { ManagedInput } from './managed_input.js';
import { ManagedOutput } from './managed_output.js';
import { ManagedProcessor } from './managed_processor.js';
import { runProcessors } from './run_processors.js';

export interface BuilderOptions {
  registry: Registry;
  logger: Logger;
  metrics: Metrics;
  /** Aborted when the stream begins to stop. */
  stopSignal: AbortSignal;
  /** Aborted when shutdown is forced. */
  forceSignal: AbortSignal;
  /** Aborted when the stream starts draining (stop requested or input ended). */
  drainSignal: AbortSignal;
  resources?: {
    inputs?: ComponentConfig[];
    processors?: ComponentConfig[];
    outputs?: ComponentConfig[];
    caches?: ComponentConfig[];
    rateLimits?: ComponentConfig[];
  };
}

export class Builder {
  private readonly caches = new Map<string, Cache>();
  private readonly rateLimits = new Map<string, RateLimit>();
  private readonly built: ManagedOutput[] = [];
  private readonly inputRes = new Map<string, ComponentConfig>();
  private readonly processorRes = new Map<string, ComponentConfig>();
  private readonly outputRes = new Map<string, ComponentConfig>();
  private readonly sharedOutputs = new Map<string, Promise<Output>>();
  private readonly sharedProcessors = new Map<string, Promise<Processor>>();

  constructor(private readonly opts: BuilderOptions) {
    for (const c of opts.resources?.inputs ?? []) this.inputRes.set(c.label, c);
    for (const c of opts.resources?.processors ?? []) this.processorRes.set(c.label, c);
    for (const c of opts.resources?.outputs ?? []) this.outputRes.set(c.label, c);
  }

  /** Caches and rate limits are built up front: components look them up synchronously. */
  async buildSharedResources(): Promise<void> {
    for (const c of this.opts.resources?.caches ?? []) this.caches.set(c.label, (await this.create<Cache>(c)).value);
    for (const c of this.opts.resources?.rateLimits ?? []) this.rateLimits.set(c.label, (await this.create<RateLimit>(c)).value);
  }

  private resourcesFor(conf: ComponentConfig): Resources {
    const path = `root.${conf.path}`;
    const labels = { label: conf.label, path };
    const logger = this.opts.logger.child(conf.label ? { label: conf.label, path } : { path });
    const metrics = this.opts.metrics.withLabels(labels);
    const self = this;
    return {
      logger,
      metrics,
      label: conf.label,
      path,
      signal: this.opts.stopSignal,
      inputExhausted: () => self.flushAll(),
      buildInput: (c) => self.buildInput(c),
      buildOutput: (c) => self.buildOutput(c, false),
      buildProcessors: (cs) => self.buildProcessors(cs),
      buildScanner: (c) => self.create<ScannerFactory>(c).then((r) => r.value),
      runProcessors: (procs: Processor[], batch: Batch) => runProcessors(procs, [batch]),
      getCache: (label) => self.lookup(self.caches, label, 'cache'),
      getRateLimit: (label) => self.lookup(self.rateLimits, label, 'rate limit'),
      hasCache: (label) => self.caches.has(label),
      hasRateLimit: (label) => self.rateLimits.has(label),
      getInputResource: (label) => self.buildInput(self.resourceConf(self.inputRes, label, 'input')),
      getOutputResource: (label) => self.sharedOutput(label),
      getProcessorResource: (label) => self.sharedProcessor(label),
    };
  }

  private lookup<T>(m: Map<string, T>, label: string, what: string): T {
    const v = m.get(label);
    if (v === undefined) throw new SluiceError('E_RESOURCE', `${what} resource "${label}" was not found: declare it with that label`);
    return v;
  }

  private resourceConf(m: Map<string, ComponentConfig>, label: string, what: string): ComponentConfig {
    const c = m.get(label);
    if (!c) throw new SluiceError('E_RESOURCE', `${what} resource "${label}" was not found: declare it with that label in ${what}_resources`);
    return c;
  }

  private sharedOutput(label: string): Promise<Output> {
    let p = this.sharedOutputs.get(label);
    if (!p) {
      p = this.buildOutput(this.resourceConf(this.outputRes, label, 'output'), false);
      this.sharedOutputs.set(label, p);
    }
    return p;
  }

  private sharedProcessor(label: string): Promise<Processor> {
    let p = this.sharedProcessors.get(label);
    if (!p) {
      p = this.buildProcessors([this.resourceConf(this.processorRes, label, 'processor')]).then((ps) => ps[0]!);
      this.sharedProcessors.set(label, p);
    }
    return p;
  }

  private async create<T>(conf: ComponentConfig): Promise<{ value: T; res: Resources }> {
    const reg = this.opts.registry.get(conf.kind, conf.type);
    if (!reg) throw new SluiceError('E_UNKNOWN_TYPE', `unknown ${conf.kind} type "${conf.type}" at ${conf.path}`);
    const res = this.resourcesFor(conf);
    try {
      return { value: (await reg.create(conf.config, res)) as T, res };
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const where = conf.position ? ` (line ${conf.position.line})` : '';
      throw new SluiceError('E_BUILD', `failed to create ${conf.kind} ${conf.type} at ${conf.path}${where}: ${msg}`, { cause: e });
    }
  }

  /** `timeoutMs`: the pipeline's processing_timeout, for its top-level processors only. */
  async buildProcessors(confs: ComponentConfig[], timeoutMs = 0): Promise<Processor[]> {
    const out: Processor[] = [];
    for (const c of confs) {
      const { value, res } = await this.create<Processor>(c);
      out.push(new ManagedProcessor(value, res.metrics, res.logger, timeoutMs));
    }
    return out;
  }

  async buildInput(conf: ComponentConfig): Promise<ManagedInput> {
    const { value, res } = await this.create<Input>(conf);
    const procs = await this.buildProcessors(conf.processors);
    const input = new ManagedInput(value, procs, res.logger, res.metrics, this.opts.stopSignal);
    return input;
  }

  /** The root output retries failed writes forever; nested ones report failures to their parent. */
  async buildOutput(conf: ComponentConfig, root: boolean): Promise<ManagedOutput> {
    const { value, res } = await this.create<Output>(conf);
    const procs = await this.buildProcessors(conf.processors);
    const out = new ManagedOutput(value, {
      logger: res.logger,
      metrics: res.metrics,
      processors: procs,
      retryForever: root,
      forceSignal: this.opts.forceSignal,
      drainSignal: this.opts.drainSignal,
    });
    this.built.push(out);
    return out;
  }

  /** Send every output's partial batch now (nested outputs included). */
  flushAll(): void {
    for (const o of this.built) o.flushPending();
  }

  async closeResources(): Promise<void> {
    for (const p of this.sharedOutputs.values()) await (await p).close();
    for (const p of this.sharedProcessors.values()) await (await p).close?.();
    for (const c of this.caches.values()) await c.close?.();
    for (const r of this.rateLimits.values()) await r.close?.();
  }
}
