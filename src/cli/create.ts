/**
 * `sluice create [inputs/processors/outputs]`: a starter config built from component names, each
 * with its fields at their defaults (`--small`: only input, pipeline and output, without advanced
 * fields). Required fields without a default get the spec's first example, or an empty value of
 * their type, so the result always passes `sluice lint`.
 */
import type { ComponentKind } from '../config/spec.js';
import { streamConfigSpec } from '../config/stream_config.js';
import { toYaml } from '../config/echo.js';
import { componentValue as docsComponentValue, keepField, objectValue, starterValue, type StarterOptions } from '../config/docs.js';
import { defaultRegistry } from '../plugin/registry.js';
import { writeStdout } from './list.js';

export interface Expression {
  inputs: string[];
  processors: string[];
  outputs: string[];
}

/** `stdin/mapping,log/stdout` → its three lists; empty parts are allowed (`//stdout`). */
export function parseExpression(expr: string): Expression {
  const parts = expr.split('/');
  if (parts.length > 3) throw new Error(`"${expr}" has more than three parts: use inputs/processors/outputs`);
  const names = (i: number): string[] =>
    (parts[i] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  return { inputs: names(0), processors: names(1), outputs: names(2) };
}

interface Options {
  small: boolean;
}

const starterOpts = (opts: Options): StarterOptions => ({ small: opts.small, lookup: defaultRegistry });

function componentValue(kind: ComponentKind, type: string, opts: Options): Record<string, unknown> {
  return docsComponentValue(kind, type, starterOpts(opts));
}

/** One component, or a broker over several (as Benthos does for `a,b/…/c,d`). */
function mainComponent(kind: 'input' | 'output', names: string[], opts: Options): Record<string, unknown> {
  if (names.length === 1) return componentValue(kind, names[0]!, opts);
  const list = names.map((n) => componentValue(kind, n, opts));
  if (!defaultRegistry.spec(kind, 'broker')) throw new Error(`several ${kind}s need the broker ${kind}, which this build does not have`);
  const broker = componentValue(kind, 'broker', opts);
  (broker.broker as Record<string, unknown>)[`${kind}s`] = list;
  return broker;
}

/** The starter config as a plain object, sections in the order Benthos prints them. */
export function starterConfig(expr: string | undefined, opts: Options): Record<string, unknown> {
  const e = parseExpression(expr ?? '');
  const input = mainComponent('input', e.inputs.length ? e.inputs : ['stdin'], opts);
  const output = mainComponent('output', e.outputs.length ? e.outputs : ['stdout'], opts);
  const processors = e.processors.map((p) => componentValue('processor', p, opts));
  const out: Record<string, unknown> = {};
  for (const section of streamConfigSpec.children ?? []) {
    if (section.name === 'input') out.input = input;
    else if (section.name === 'output') out.output = output;
    else if (section.name === 'pipeline') out.pipeline = { ...objectValue(section.children ?? [], starterOpts(opts)), processors };
    else if (!opts.small && keepField(section, opts)) {
      const v = starterValue(section, starterOpts(opts));
      if (v !== undefined) out[section.name] = v;
    }
  }
  return out;
}

export async function createCommand(
  expr: string | undefined,
  opts: Options,
  out: (text: string) => void | Promise<void> = writeStdout,
  err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  // Starter configs are built from specs, and any component may be named.
  await defaultRegistry.loadAll();
  let text: string;
  try {
    text = toYaml(starterConfig(expr, opts));
  } catch (e) {
    err(`sluice create: ${(e as Error).message}\n`);
    return 1;
  }
  await out(text);
  return 0;
}
