/**
 * The component registry. Built-in components and user plugins register here through exactly
 * the same functions; the engine finds components only through it, never by import.
 */
import type { ComponentKind, ComponentSpec } from '../config/spec.js';
import type { ComponentLookup } from '../config/parse.js';
import type { Cache, Input, Output, Processor, RateLimit } from '../core/components.js';
import type { Resources } from './resources.js';

export type Constructor<T> = (conf: any, res: Resources) => T | Promise<T>;

interface KindTypes {
  input: Input;
  output: Output;
  processor: Processor;
  cache: Cache;
  rate_limit: RateLimit;
  buffer: unknown;
  metrics: unknown;
  tracer: unknown;
  scanner: unknown;
}

export interface Registration<K extends ComponentKind = ComponentKind> {
  spec: ComponentSpec;
  create: Constructor<KindTypes[K]>;
}

export class Registry implements ComponentLookup {
  private readonly byKind = new Map<ComponentKind, Map<string, Registration>>();

  register<K extends ComponentKind>(kind: K, spec: Omit<ComponentSpec, 'kind'> & { kind?: ComponentKind }, create: Constructor<KindTypes[K]>): void {
    let m = this.byKind.get(kind);
    if (!m) this.byKind.set(kind, (m = new Map()));
    m.set(spec.name, { spec: { ...spec, kind }, create: create as Constructor<unknown> } as Registration);
  }

  get(kind: ComponentKind, name: string): Registration | undefined {
    return this.byKind.get(kind)?.get(name);
  }

  spec(kind: ComponentKind, name: string): ComponentSpec | undefined {
    return this.get(kind, name)?.spec;
  }

  names(kind: ComponentKind): string[] {
    return [...(this.byKind.get(kind)?.keys() ?? [])].sort();
  }

  all(kind: ComponentKind): ComponentSpec[] {
    return this.names(kind).map((n) => this.get(kind, n)!.spec);
  }

  kinds(): ComponentKind[] {
    return [...this.byKind.keys()];
  }
}

/** The registry that built-ins register into and that `sluice` runs with. */
export const defaultRegistry = new Registry();

type SpecInput = Omit<ComponentSpec, 'kind'>;

export function registerInput(spec: SpecInput, create: Constructor<Input>): void {
  defaultRegistry.register('input', spec, create);
}
export function registerOutput(spec: SpecInput, create: Constructor<Output>): void {
  defaultRegistry.register('output', spec, create);
}
export function registerProcessor(spec: SpecInput, create: Constructor<Processor>): void {
  defaultRegistry.register('processor', spec, create);
}
export function registerCache(spec: SpecInput, create: Constructor<Cache>): void {
  defaultRegistry.register('cache', spec, create);
}
export function registerRateLimit(spec: SpecInput, create: Constructor<RateLimit>): void {
  defaultRegistry.register('rate_limit', spec, create);
}
/** Scanners split a byte stream into messages (used by file, stdin, ... inputs). */
export function registerScanner(spec: SpecInput, create: Constructor<ScannerFactory>): void {
  defaultRegistry.register('scanner', spec, create);
}

/**
 * A scanner reads a byte stream and yields batches of messages. One factory is built per config
 * and makes a fresh scanner for each stream (file) it reads.
 */
export interface ScannerFactory {
  create(stream: NodeJS.ReadableStream, details: { name: string }): Scanner;
}
export interface Scanner {
  /** Next batch of parts, or null at the end of the stream. */
  next(): Promise<import('../core/message.js').Message[] | null>;
  close(): Promise<void>;
}
