/**
 * Registers the secrets a parsed config holds with the redactor (src/core/redact.ts), so that
 * whatever later prints them (a driver error echoing its connection string, a log line, an HTTP
 * error answer) prints !!!SECRET_SCRUBBED!!! instead. Run once per loaded config.
 *
 * Secrets are: the string value of any field marked `secret` in its spec, and the password of
 * any URL / DSN / `password=` pair found in any string value (after `${ENV}` substitution, so an
 * env var spliced into a URL is covered too). Components of unknown types (and `any` fields) are
 * walked without a spec: only the shape rule applies there, plus keys that name a password.
 */
import { isComponentConfig, type ComponentLookup } from './parse.js';
import type { FieldSpec } from './spec.js';
import { streamConfigSpec } from './stream_config.js';
import { passwordsIn, registerSecret } from '../core/redact.js';

/** Keys whose values are secrets even where no spec says so (free-form `any` fields). */
const SECRET_KEY = /(^|_)(password|passwd|secret|token|api_key|apikey|private_key|credentials?)$/i;

export function registerConfigSecrets(config: unknown, lookup: ComponentLookup): void {
  walk(config, streamConfigSpec, lookup, 0);
}

function walk(value: unknown, spec: FieldSpec | undefined, lookup: ComponentLookup, depth: number): void {
  if (depth > 64 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    if (spec?.secret) registerSecret(value);
    for (const p of passwordsIn(value)) registerSecret(p);
    return;
  }
  if (typeof value !== 'object') return;
  if (isComponentConfig(value)) {
    const cspec = lookup.spec(value.kind, value.type);
    walk(value.config, cspec?.config, lookup, depth + 1);
    for (const p of value.processors) walk(p, undefined, lookup, depth + 1);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) walk(v, spec?.kind === 'array' ? spec.elem : undefined, lookup, depth + 1);
    return;
  }
  const obj = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(obj)) {
    let child: FieldSpec | undefined;
    if (spec?.kind === 'object') child = spec.children?.find((c) => c.name === k);
    else if (spec?.kind === 'map') child = spec.elem;
    if (child === undefined && SECRET_KEY.test(k) && typeof v === 'string') registerSecret(v);
    walk(v, child, lookup, depth + 1);
  }
}
