/**
 * `sluice list [kinds...] [--format text|json|jsonschema]`: the components this build knows,
 * grouped by kind as Benthos prints them, or the JSON Schema of the whole config.
 */
import '../bloblang/index.js';
import { listFunctions, listMethods } from '../bloblang/registry.js';
import type { ComponentKind } from '../config/spec.js';
import { defaultRegistry } from '../plugin/registry.js';
import { VERSION } from '../version.js';

/** The kinds `list` knows, in Benthos's order, with the registry kind behind each. */
const LIST_KINDS: ReadonlyArray<{ name: string; kind?: ComponentKind; bloblang?: 'functions' | 'methods' }> = [
  { name: 'inputs', kind: 'input' },
  { name: 'processors', kind: 'processor' },
  { name: 'outputs', kind: 'output' },
  { name: 'caches', kind: 'cache' },
  { name: 'rate-limits', kind: 'rate_limit' },
  { name: 'buffers', kind: 'buffer' },
  { name: 'metrics', kind: 'metrics' },
  { name: 'tracers', kind: 'tracer' },
  { name: 'scanners', kind: 'scanner' },
  { name: 'bloblang-functions', bloblang: 'functions' },
  { name: 'bloblang-methods', bloblang: 'methods' },
];

/** Shown even when empty in a plain `sluice list`: the kinds every build has. */
const ALWAYS_SHOWN = new Set(['inputs', 'processors', 'outputs', 'caches', 'rate-limits', 'scanners', 'bloblang-functions', 'bloblang-methods']);

export const LIST_KIND_NAMES = LIST_KINDS.map((k) => k.name);

/** Names of Bloblang functions or methods, without the deprecated ones (hidden from docs too). */
function bloblangNames(which: 'functions' | 'methods'): string[] {
  const defs = which === 'functions' ? listFunctions() : listMethods();
  return defs.filter((d) => !d.deprecated).map((d) => d.name);
}

function namesOf(entry: (typeof LIST_KINDS)[number]): string[] {
  if (entry.bloblang) return bloblangNames(entry.bloblang);
  return defaultRegistry.names(entry.kind!);
}

/** `input`, `inputs`, `rate_limits`, `rate-limit` ... → the canonical list kind name. */
export function normaliseKind(arg: string): string | undefined {
  const a = arg.toLowerCase().replace(/_/g, '-');
  return LIST_KINDS.find((k) => k.name === a || k.name === `${a}s` || (k.kind && k.kind.replace(/_/g, '-') === a))?.name;
}

function titleOf(name: string): string {
  return name
    .split('-')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

export interface ListArgs {
  kinds: string[];
  format: string;
}

/**
 * Resolves once the text left the process, so exiting right after cannot cut a long output
 * short. A reader that went away (`sluice list | head`) is not an error.
 */
export function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? resolve() : reject(e)));
    process.stdout.write(text, (e) => (e && (e as NodeJS.ErrnoException).code !== 'EPIPE' ? reject(e) : resolve()));
  });
}

type Out = (text: string) => void | Promise<void>;

export async function listCommand(args: ListArgs, out: Out = writeStdout, err: (text: string) => void = (t) => process.stderr.write(t)): Promise<number> {
  const wanted = new Set<string>();
  for (const k of args.kinds) {
    const name = normaliseKind(k);
    if (!name) {
      err(`sluice list: unknown component kind "${k}"; use any of: ${LIST_KIND_NAMES.join(', ')}\n`);
      return 1;
    }
    wanted.add(name);
  }
  const selected = LIST_KINDS.filter((k) => (wanted.size > 0 ? wanted.has(k.name) : ALWAYS_SHOWN.has(k.name) || namesOf(k).length > 0));

  switch (args.format) {
    case 'text': {
      const sections = selected.map((k) => `${titleOf(k.name)}:\n${namesOf(k).map((n) => `  - ${n}\n`).join('')}`);
      await out(sections.join('\n'));
      return 0;
    }
    case 'json': {
      const obj: Record<string, string[]> = {};
      for (const k of selected) obj[k.name] = namesOf(k);
      await out(`${JSON.stringify(obj)}\n`);
      return 0;
    }
    case 'jsonschema': {
      // The schema holds every component's spec; names alone come from the manifest.
      const { configJsonSchema } = await import('../config/json_schema.js');
      await defaultRegistry.loadAll();
      await out(`${JSON.stringify(configJsonSchema(defaultRegistry, VERSION), null, 2)}\n`);
      return 0;
    }
    default:
      err(`sluice list: unknown format "${args.format}"; use text, json or jsonschema\n`);
      return 1;
  }
}
