/**
 * Lint for `resource: <label>` components that name no declared resource. Without it the
 * mistake only shows when the stream is built; here it is reported with the others, at the
 * component's place in the file.
 */
import type { Diagnostic } from '../core/errors.js';
import { isComponentConfig, type ComponentConfig } from './parse.js';
import type { StreamConfig } from './stream_config.js';

const SECTIONS = { input: 'input_resources', processor: 'processor_resources', output: 'output_resources' } as const;

export function unknownResourceLabels(config: StreamConfig): Diagnostic[] {
  const declared = new Map<string, Set<string>>();
  for (const [kind, section] of Object.entries(SECTIONS)) {
    declared.set(kind, new Set((config[section] ?? []).filter((r) => r !== undefined).map((r) => r.label)));
  }
  const out: Diagnostic[] = [];
  // Iterative walk over every value: components nest in brokers, switches, branches, ...
  const stack: unknown[] = [config];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (isComponentConfig(v)) check(v, declared, out);
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
  }
  return out;
}

function check(c: ComponentConfig, declared: Map<string, Set<string>>, out: Diagnostic[]): void {
  if (c.type !== 'resource' || !(c.kind in SECTIONS) || typeof c.config !== 'string' || c.config === '') return;
  if (declared.get(c.kind)?.has(c.config)) return;
  const section = SECTIONS[c.kind as keyof typeof SECTIONS];
  out.push({
    code: 'E_UNKNOWN_RESOURCE',
    severity: 'error',
    message: `${c.kind} resource "${c.config}" is not declared: add one with that label under ${section}`,
    path: c.path,
    position: c.position,
  });
}
