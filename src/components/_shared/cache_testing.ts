/**
 * Test support for caches and rate limits: build them from YAML-shaped config parsed with the
 * real specs (so defaults apply), without running a stream. Caches may refer to each other by
 * label (multilevel), so a whole `cache_resources` list is built together.
 */
import { parseStreamConfig } from '../../library.js';
import { defaultRegistry, type Cache, type ComponentConfig, type RateLimit, type Resources } from '../../plugin/index.js';
import { createLogger } from '../../core/logger.js';
import { noopMetrics } from '../../core/metrics.js';

export interface BuiltResources {
  caches: Map<string, Cache>;
  rateLimits: Map<string, RateLimit>;
  close(): Promise<void>;
}

/** Build `cache_resources` and `rate_limit_resources` (each an array of `{ label, <type>: conf }`). */
export async function buildResources(spec: { cache_resources?: unknown[]; rate_limit_resources?: unknown[] }): Promise<BuiltResources> {
  const parsed = parseStreamConfig({ input: { stdin: {} }, output: { drop: {} }, ...spec });
  if (!parsed.config) throw new Error(`bad resource config: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  const caches = new Map<string, Cache>();
  const rateLimits = new Map<string, RateLimit>();
  const ctl = new AbortController();
  const res = (c: ComponentConfig): Resources =>
    ({
      logger: createLogger({ level: 'none' }),
      metrics: noopMetrics,
      label: c.label,
      path: c.path,
      signal: ctl.signal,
      inputExhausted: () => {},
      getCache: (l: string) => {
        const v = caches.get(l);
        if (!v) throw new Error(`cache resource "${l}" was not found`);
        return v;
      },
      hasCache: (l: string) => caches.has(l),
    }) as unknown as Resources;
  for (const c of parsed.config.cache_resources) caches.set(c.label, (await defaultRegistry.get('cache', c.type)!.create(c.config, res(c))) as Cache);
  for (const c of parsed.config.rate_limit_resources) rateLimits.set(c.label, (await defaultRegistry.get('rate_limit', c.type)!.create(c.config, res(c))) as RateLimit);
  return {
    caches,
    rateLimits,
    async close() {
      ctl.abort();
      for (const c of caches.values()) await c.close?.();
      for (const r of rateLimits.values()) await r.close?.();
    },
  };
}

export async function buildCache(type: string, conf: unknown): Promise<{ cache: Cache; close(): Promise<void> }> {
  const r = await buildResources({ cache_resources: [{ label: 'c', [type]: conf }] });
  return { cache: r.caches.get('c')!, close: () => r.close() };
}

export const text = (v: Uint8Array | undefined): string | undefined => (v === undefined ? undefined : Buffer.from(v).toString('utf8'));
export const bytes = (s: string): Uint8Array => Buffer.from(s, 'utf8');
export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
