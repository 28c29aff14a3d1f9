/**
 * The component registry. Built-in components and user plugins register here through exactly
 * the same functions; the engine finds components only through it, never by import.
 *
 * Built-ins are registered lazily: the generated `components/manifest.ts` names each one with the
 * module that registers it, and that module is only imported when a config uses the component
 * (`load`) or something lists every spec (`loadAll`). A config that uses none of the Kafka
 * components never loads kafkajs.
 */
import type { ComponentKind, ComponentSpec, FieldSpec } from '../config/spec.js';
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

/** Imports the module that registers a component (it calls register* when evaluated). */
export type ComponentModuleLoader = () => Promise<unknown>;

const COMPONENT_FIELD_KINDS = new Set<string>(['input', 'output', 'processor', 'cache', 'rate_limit', 'buffer', 'metrics', 'tracer', 'scanner']);

export class Registry implements ComponentLookup {
  private readonly byKind = new Map<ComponentKind, Map<string, Registration>>();
  private readonly lazy = new Map<ComponentKind, Map<string, ComponentModuleLoader>>();
  private readonly loading = new Map<string, Promise<Registration>>();

  register<K extends ComponentKind>(kind: K, spec: Omit<ComponentSpec, 'kind'> & { kind?: ComponentKind }, create: Constructor<KindTypes[K]>): void {
    let m = this.byKind.get(kind);
    if (!m) this.byKind.set(kind, (m = new Map()));
    m.set(spec.name, { spec: { ...spec, kind }, create: create as Constructor<unknown> } as Registration);
    this.lazy.get(kind)?.delete(spec.name);
  }

  /** Names a component whose module registers it once imported; a registered one wins. */
  registerLazy(kind: ComponentKind, name: string, load: ComponentModuleLoader): void {
    if (this.byKind.get(kind)?.has(name)) return;
    let m = this.lazy.get(kind);
    if (!m) this.lazy.set(kind, (m = new Map()));
    m.set(name, load);
  }

  /** A registered component; one only named lazily is undefined until `load` has run. */
  get(kind: ComponentKind, name: string): Registration | undefined {
    return this.byKind.get(kind)?.get(name);
  }

  spec(kind: ComponentKind, name: string): ComponentSpec | undefined {
    return this.get(kind, name)?.spec;
  }

  /** Whether `load` would import a module for this component. */
  loadable(kind: ComponentKind, name: string): boolean {
    return this.lazy.get(kind)?.has(name) ?? false;
  }

  /**
   * Imports the component's module if it is not loaded yet, then the components its spec's
   * defaults name (an input whose `scanner` defaults to `lines` needs `lines` too).
   * Resolves with undefined for a name nothing registers.
   */
  async load(kind: ComponentKind, name: string): Promise<Registration | undefined> {
    const have = this.get(kind, name);
    if (have) return have;
    const loader = this.lazy.get(kind)?.get(name);
    if (!loader) return undefined;
    const key = `${kind}\u0000${name}`;
    let p = this.loading.get(key);
    if (!p) {
      p = (async () => {
        await loader();
        const reg = this.get(kind, name);
        if (!reg) throw new Error(`the module of ${kind} ${name} did not register it`);
        await Promise.all(componentsInDefaults(reg.spec.config).map(([k, n]) => this.load(k, n)));
        return reg;
      })();
      this.loading.set(key, p);
      // A failed import can be retried; a finished one is found by get() from now on.
      p.then(
        () => this.loading.delete(key),
        () => this.loading.delete(key),
      );
    }
    return p;
  }

  /** Imports every lazily named component: for listings, schemas, docs and config tests. */
  async loadAll(): Promise<void> {
    const all = [...this.lazy].flatMap(([kind, m]) => [...m.keys()].map((name) => [kind, name] as const));
    for (const [kind, name] of all) await this.load(kind, name);
  }

  /** Every component name of a kind, loaded or not. */
  names(kind: ComponentKind): string[] {
    const names = new Set([...(this.byKind.get(kind)?.keys() ?? []), ...(this.lazy.get(kind)?.keys() ?? [])]);
    return [...names].sort();
  }

  /** Every spec of a kind: components only named lazily must be loaded first (`loadAll`). */
  all(kind: ComponentKind): ComponentSpec[] {
    const pending = this.lazy.get(kind);
    if (pending && pending.size > 0) throw new Error(`${pending.size} ${kind} component(s) are not loaded yet (${[...pending.keys()][0]}, ...): await loadAll() first`);
    return this.names(kind).map((n) => this.get(kind, n)!.spec);
  }

  kinds(): ComponentKind[] {
    return [...new Set([...this.byKind.keys(), ...this.lazy.keys()])];
  }
}

/** `[kind, name]` of each component named in the defaults of a spec's component fields. */
export function componentsInDefaults(spec: FieldSpec): Array<[ComponentKind, string]> {
  const out: Array<[ComponentKind, string]> = [];
  // A component value is `{ label?, processors?, <type>: config }`.
  const typesIn = (kind: string, value: unknown): void => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    for (const key of Object.keys(value)) if (key !== 'label' && key !== 'processors') out.push([kind as ComponentKind, key]);
  };
  const visit = (f: FieldSpec): void => {
    if (COMPONENT_FIELD_KINDS.has(f.kind)) typesIn(f.kind, f.default);
    else if ((f.kind === 'array' || f.kind === 'map') && f.elem && COMPONENT_FIELD_KINDS.has(f.elem.kind) && f.default !== null && typeof f.default === 'object') {
      for (const v of Object.values(f.default as object)) typesIn(f.elem.kind, v);
    }
    for (const c of f.children ?? []) visit(c);
    if (f.elem) visit(f.elem);
  };
  visit(spec);
  return out;
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
