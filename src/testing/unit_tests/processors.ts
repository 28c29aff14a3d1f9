/**
 * The processors a unit test targets: the config is loaded with the test's environment and mocks
 * (each mock replaces a processor, found by label or JSON pointer, before parsing), the target is
 * found by JSON pointer or label, and the processors are built by the engine's Builder with the
 * real component registrations and the config's resources (caches, processor resources, ...).
 */
import { parseDocument } from 'yaml';
import type { Processor } from '../../core/components.js';
import type { Logger } from '../../core/logger.js';
import { noopMetrics } from '../../core/metrics.js';
import { loadConfig, type SourceFile } from '../../config/load.js';
import { bloblangHooks } from '../../config/bloblang_hooks.js';
import { isComponentConfig, type ComponentConfig } from '../../config/parse.js';
import type { StreamConfig } from '../../config/stream_config.js';
import { defaultRegistry } from '../../plugin/registry.js';
import { Builder } from '../../engine/builder.js';
import { renderDiagnostic, sortDiagnostics } from '../../cli/render.js';

export interface BuiltTarget {
  processors: Processor[];
  close(): Promise<void>;
}

/** `/pipeline/processors/0` → ['pipeline', 'processors', '0'] (RFC 6901 escapes undone). */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Every labelled component of a plain config value, by label, as a path of segments. */
function labelPaths(v: unknown, path: string[] = [], out = new Map<string, string[]>()): Map<string, string[]> {
  if (Array.isArray(v)) v.forEach((x, i) => labelPaths(x, [...path, String(i)], out));
  else if (typeof v === 'object' && v !== null) {
    const label = (v as Record<string, unknown>).label;
    if (typeof label === 'string' && label !== '' && !out.has(label)) out.set(label, path);
    for (const [k, x] of Object.entries(v)) labelPaths(x, [...path, k], out);
  }
  return out;
}

/** The value at a path of a plain config value, or undefined when nothing is there. */
function valueAt(v: unknown, segs: string[]): unknown {
  let cur = v;
  for (const s of segs) {
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, s)) return undefined;
    cur = (cur as Record<string, unknown>)[s];
  }
  return cur;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Walk the parsed config along pointer segments; components are entered through their type key. */
function processorsAt(config: StreamConfig, segs: string[]): ComponentConfig[] | string {
  let cur: unknown = config;
  for (const s of segs) {
    if (isComponentConfig(cur)) {
      if (s === cur.type) cur = cur.config;
      else if (s === 'processors') cur = cur.processors;
      else return `path segment '${s}' does not exist in the ${cur.kind} ${cur.type}`;
    } else if (Array.isArray(cur)) {
      if (!/^\d+$/.test(s) || Number(s) >= cur.length) return `index ${s} is out of range (${cur.length} items)`;
      cur = cur[Number(s)];
    } else if (typeof cur === 'object' && cur !== null && Object.hasOwn(cur, s)) {
      cur = (cur as Record<string, unknown>)[s];
    } else return `path segment '${s}' does not exist`;
  }
  if (isComponentConfig(cur) && cur.kind === 'processor') return [cur];
  if (Array.isArray(cur) && cur.every((c) => isComponentConfig(c) && c.kind === 'processor')) return cur as ComponentConfig[];
  return 'it is not a processor or a list of processors';
}

export interface TargetRequest {
  config: SourceFile;
  /** A JSON pointer (`/pipeline/processors`) or a processor label. */
  target: string;
  mocks: Record<string, unknown>;
  env: Record<string, string | undefined>;
  resources: SourceFile[];
  logger: Logger;
}

function failure(message: string): Error {
  return new Error(message);
}

/** Load the config as the test sees it and build the targeted processors. Throws with the reason. */
export async function buildTargetProcessors(req: TargetRequest): Promise<BuiltTarget> {
  let plain: unknown;
  try {
    plain = parseDocument(req.config.text).toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw failure(`invalid YAML in ${req.config.file}: ${(e as Error).message}`);
  }
  const labels = labelPaths(plain);
  const resolve = (ref: string, what: string): string[] => {
    if (ref.startsWith('/')) return pointerSegments(ref);
    const p = labels.get(ref);
    if (!p) throw failure(`${what} '${ref}' not found: no component has that label`);
    return p;
  };
  const targetSegs = resolve(req.target, 'target processors');

  // Mocks are applied to the YAML before parsing (as `--set` overrides), so the replacement is
  // linted and built exactly like a processor written in the config.
  const sets: string[] = [];
  for (const [key, mock] of Object.entries(req.mocks)) {
    const segs = resolve(key, 'mocked processor');
    const original = valueAt(plain, segs);
    if (original === undefined) throw failure(`mock '${key}' could not be applied: nothing exists at that path`);
    if (segs.some((s) => s.includes('.') || s.includes('='))) throw failure(`mock '${key}': path segments cannot contain '.' or '='`);
    // The mock keeps the replaced processor's label, so references to it (a processor
    // resource used by `resource: label`) reach the mock.
    const label = isPlainObject(original) ? original.label : undefined;
    const replacement = isPlainObject(mock) && mock.label === undefined && typeof label === 'string' ? { label, ...mock } : mock;
    sets.push(`${segs.join('.')}=${JSON.stringify(replacement)}`);
  }

  const loaded = loadConfig(req.config, { lookup: defaultRegistry, hooks: bloblangHooks, env: req.env, sets, resources: req.resources });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !loaded.config) {
    throw failure(`config has errors:\n${sortDiagnostics(errors).map((d) => `  ${renderDiagnostic(d, req.config.file)}`).join('\n')}`);
  }
  const confs = processorsAt(loaded.config, targetSegs);
  if (typeof confs === 'string') throw failure(`target processors '${req.target}' not found: ${confs}`);
  return build(loaded.config, confs, req.logger);
}

/** A mapping file's processor, through the registered `mapping` processor. */
export async function buildMappingProcessor(file: string, src: string, logger: Logger): Promise<BuiltTarget> {
  const conf = { kind: 'processor', type: 'mapping', label: '', config: src, processors: [], path: file } as ComponentConfig;
  return build(undefined, [conf], logger);
}

async function build(config: StreamConfig | undefined, confs: ComponentConfig[], logger: Logger): Promise<BuiltTarget> {
  const stop = new AbortController();
  const builder = new Builder({
    registry: defaultRegistry,
    logger,
    metrics: noopMetrics,
    stopSignal: stop.signal,
    forceSignal: stop.signal,
    drainSignal: stop.signal,
    resources: config && {
      inputs: config.input_resources,
      processors: config.processor_resources,
      outputs: config.output_resources,
      caches: config.cache_resources,
      rateLimits: config.rate_limit_resources,
    },
  });
  const close = async (procs: Processor[]): Promise<void> => {
    stop.abort();
    for (const p of procs) await p.close?.().catch(() => {});
    await builder.closeResources().catch(() => {});
  };
  let processors: Processor[] = [];
  try {
    await builder.buildSharedResources();
    processors = await builder.buildProcessors(confs);
  } catch (e) {
    await close(processors);
    throw e;
  }
  return { processors, close: () => close(processors) };
}
