/**
 * A parsed config back as YAML (`sluice echo`): every default filled in, in spec order, with
 * secrets scrubbed so the output can be shared.
 *
 * Scrubbing rules (Benthos's, plus URL passwords):
 * - a field marked `secret` in its spec prints as `!!!SECRET_SCRUBBED!!!` (unless empty);
 * - the password of any `scheme://user:password@host` URL in a string is scrubbed;
 * - a value written as a pure `${VAR}` / `${VAR:default}` reference prints as written, in any
 *   field: it shows where the value comes from without revealing it.
 *
 * The un-substituted text comes from the YAML document itself (`raw`), walked alongside the
 * parsed value, so parsing never has to keep it.
 */
import { isAlias, isMap, isScalar, isSeq, stringify, type Document, type Node } from 'yaml';
import { isComponentConfig, type ComponentConfig, type ComponentLookup } from './parse.js';
import type { FieldSpec } from './spec.js';
import { streamConfigSpec } from './stream_config.js';
import { redactSecrets, SCRUBBED as REDACTED } from '../core/redact.js';

export const SCRUBBED = REDACTED;

const PURE_ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_.]*(:[^}]*)?\}$/;
/** `scheme://user:password@`: the password is group 2. */
const URL_PASSWORD = /\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/g;

export function scrubUrlPasswords(s: string): string {
  return s.includes('://') ? s.replace(URL_PASSWORD, `$1${SCRUBBED}$3`) : s;
}

interface EchoContext {
  lookup: ComponentLookup;
  doc?: Document;
}

/** The raw YAML node, with aliases followed. */
function resolve(node: unknown, ctx: EchoContext): Node | undefined {
  if (node === null || node === undefined) return undefined;
  if (isAlias(node)) return ctx.doc ? ((node.resolve(ctx.doc) as Node | undefined) ?? undefined) : undefined;
  return node as Node;
}

function rawChild(raw: Node | undefined, key: string | number, ctx: EchoContext): Node | undefined {
  if (raw === undefined) return undefined;
  if (typeof key === 'number') return isSeq(raw) ? resolve(raw.items[key], ctx) : undefined;
  if (!isMap(raw)) return undefined;
  const pair = raw.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === key);
  return resolve(pair?.value, ctx);
}

/** The text a scalar was written with, when it is a pure env reference. */
function writtenEnvRef(raw: Node | undefined): string | undefined {
  if (raw === undefined || !isScalar(raw) || typeof raw.value !== 'string') return undefined;
  return PURE_ENV_REF.test(raw.value) ? raw.value : undefined;
}

function echoString(spec: FieldSpec | undefined, value: string, raw: Node | undefined): string {
  const ref = writtenEnvRef(raw);
  if (ref !== undefined) return ref;
  if (spec?.secret && value !== '') return SCRUBBED;
  // URL/DSN passwords by shape, and any registered secret value that shows up elsewhere.
  return redactSecrets(scrubUrlPasswords(value));
}

/** Free-form values (`any` fields): strings scrubbed of URL passwords, env refs as written. */
function echoAny(value: unknown, raw: Node | undefined, ctx: EchoContext): unknown {
  if (typeof value === 'string') return echoString(undefined, value, raw);
  if (Array.isArray(value)) return value.map((v, i) => echoAny(v, rawChild(raw, i, ctx), ctx));
  if (isComponentConfig(value)) return echoComponent(value, raw, ctx);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) defineKey(out, k, echoAny(v, rawChild(raw, k, ctx), ctx));
    return out;
  }
  const ref = writtenEnvRef(raw);
  return ref ?? value;
}

function defineKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function echoField(spec: FieldSpec, value: unknown, raw: Node | undefined, ctx: EchoContext): unknown {
  if (value === undefined) return undefined;
  if (isComponentConfig(value)) return echoComponent(value, raw, ctx);
  switch (spec.kind) {
    case 'string':
    case 'bloblang':
    case 'interpolated':
    case 'duration':
      return typeof value === 'string' ? echoString(spec, value, raw) : value;
    case 'int':
    case 'float':
    case 'bool': {
      const ref = writtenEnvRef(raw);
      if (ref !== undefined) return ref;
      return spec.secret ? SCRUBBED : value;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null) return value;
      const out: Record<string, unknown> = {};
      const obj = value as Record<string, unknown>;
      for (const child of spec.children ?? []) {
        if (!Object.prototype.hasOwnProperty.call(obj, child.name)) continue;
        const v = echoField(child, obj[child.name], rawChild(raw, child.name, ctx), ctx);
        if (v !== undefined) defineKey(out, child.name, v);
      }
      return out;
    }
    case 'array': {
      if (!Array.isArray(value)) return value;
      // A scalar written where a list is expected (scalarToArray) is its own first element.
      const rawElem = (i: number): Node | undefined => (raw !== undefined && !isSeq(raw) ? (i === 0 ? raw : undefined) : rawChild(raw, i, ctx));
      return value.map((v, i) => echoField(spec.elem!, v, rawElem(i), ctx));
    }
    case 'map': {
      if (typeof value !== 'object' || value === null) return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) defineKey(out, k, echoField(spec.elem!, v, rawChild(raw, k, ctx), ctx));
      return out;
    }
    default:
      return spec.secret && value !== '' && value !== null ? SCRUBBED : echoAny(value, raw, ctx);
  }
}

/** `{ label?, <type>: config, processors? }`, the way components are written. */
function echoComponent(cc: ComponentConfig, raw: Node | undefined, ctx: EchoContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (cc.label !== '') out.label = cc.label;
  const spec = ctx.lookup.spec(cc.kind, cc.type);
  const rawConf = rawChild(raw, cc.type, ctx);
  defineKey(out, cc.type, spec ? echoField(spec.config, cc.config, rawConf, ctx) : echoAny(cc.config, rawConf, ctx));
  if (cc.processors.length > 0) {
    const rawProcs = rawChild(raw, 'processors', ctx);
    out.processors = cc.processors.map((p, i) => echoComponent(p, rawChild(rawProcs, i, ctx), ctx));
  }
  return out;
}

/** The config as a plain object ready to print, defaults filled and secrets scrubbed. */
export function echoObject(config: unknown, opts: EchoContext): Record<string, unknown> {
  const raw = opts.doc ? resolve(opts.doc.contents, opts) : undefined;
  return (echoField(streamConfigSpec, config, raw, opts) as Record<string, unknown> | undefined) ?? {};
}

/** YAML text of an object, without line folding (mappings stay as written). */
export function toYaml(obj: unknown): string {
  return stringify(obj, { lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

export function echoConfig(config: unknown, opts: EchoContext): string {
  return toYaml(echoObject(config, opts));
}
