/**
 * What a component constructor gets besides its config: logging, metrics, shared resources by
 * label, and builders for nested components (so a broker never imports the outputs it holds).
 */
import type { Logger } from '../core/logger.js';
import type { Metrics } from '../core/metrics.js';
import type { Cache, Input, Output, Processor, RateLimit } from '../core/components.js';
import type { ComponentConfig } from '../config/parse.js';
import type { ScannerFactory } from './registry.js';

export interface Resources {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** The component's label (may be empty) and config path, e.g. `root.output.broker.outputs.0`. */
  readonly label: string;
  readonly path: string;
  /** Aborted when the stream is shutting down: long waits should listen to it. */
  readonly signal: AbortSignal;
  /**
   * An input with no fresh data left that is waiting for its last batches to be acknowledged
   * calls this: every output sends its partial batch now, so those batches are not left
   * waiting for a batch to fill (which would wait for the input: a deadlock).
   */
  inputExhausted(): void;

  buildInput(conf: ComponentConfig): Promise<Input>;
  /** A nested output, with its processors, batching and max_in_flight applied. Failures reject (no endless retry). */
  buildOutput(conf: ComponentConfig): Promise<Output>;
  buildProcessors(confs: ComponentConfig[]): Promise<Processor[]>;
  buildScanner(conf: ComponentConfig): Promise<ScannerFactory>;

  /** Run processors over a batch (each processor over every batch the previous produced). */
  runProcessors(procs: Processor[], batch: import('../core/message.js').Message[]): Promise<import('../core/message.js').Message[][]>;

  getCache(label: string): Cache;
  getRateLimit(label: string): RateLimit;
  hasCache(label: string): boolean;
  hasRateLimit(label: string): boolean;
  /** Resource components referred to by label (the `resource` input/processor/output). */
  getInputResource(label: string): Promise<Input>;
  getOutputResource(label: string): Promise<Output>;
  getProcessorResource(label: string): Promise<Processor>;
}
