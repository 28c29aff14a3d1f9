/**
 * Message information functions: what the mapping can see of the message it runs on and of its
 * batch. They always read the message at the context's index (so `.from(i)` can move them).
 */
import { registerFunction, type ExecContext } from '../registry.js';
import { getPath, type Ctx } from '../runtime.js';
import { BloblangError } from '../value.js';
import type { Message } from '../../core/message.js';

const CATEGORY = 'Message Info';

function current(ctx: ExecContext): Message {
  const msg = ctx.batch[ctx.index];
  if (!msg) throw new BloblangError(`message index ${ctx.index} out of range (batch size ${ctx.batch.length})`);
  return msg;
}

/** Split a dot path as Benthos does: `~1` escapes a dot, `~0` a tilde. */
export function dotPath(path: string): string[] {
  if (path === '') return [];
  return path.split('.').map((s) => s.replace(/~1/g, '.').replace(/~0/g, '~'));
}

registerFunction({
  name: 'batch_index',
  category: CATEGORY,
  description: 'Returns the index of the mapped message within a batch.',
  params: [],
  build: () => (ctx) => ctx.index,
});

registerFunction({
  name: 'batch_size',
  category: CATEGORY,
  description: 'Returns the size of the message batch.',
  params: [],
  build: () => (ctx) => ctx.batch.length,
});

registerFunction({
  name: 'content',
  category: CATEGORY,
  description: 'Returns the full raw contents of the mapping target message as a byte array.',
  params: [],
  build: () => (ctx) => new Uint8Array(current(ctx).asBytes()),
  examples: [{ mapping: 'root.doc = content().string()', results: [['{"foo":"bar"}', '{"doc":"{\\"foo\\":\\"bar\\"}"}']] }],
});

registerFunction({
  name: 'error',
  category: CATEGORY,
  description: 'The processing error of the message as a string, or null.',
  params: [],
  build: () => (ctx) => current(ctx).error?.message ?? null,
});

registerFunction({
  name: 'errored',
  category: CATEGORY,
  description: 'Whether the message has a processing error.',
  params: [],
  build: () => (ctx) => current(ctx).error !== null,
});

/** Components may attach where an error came from as extra fields on the error object. */
function errorSource(field: 'name' | 'label' | 'path' | 'type') {
  return () => (ctx: ExecContext) => {
    const err = current(ctx).error as (Error & { source?: Record<string, unknown> }) | null;
    if (!err || !err.source) return null;
    const v = err.source[field];
    return v === undefined ? null : v;
  };
}

for (const [name, field] of [
  ['error_source_name', 'name'],
  ['error_source_label', 'label'],
  ['error_source_path', 'path'],
  ['error_source_type', 'type'],
] as const) {
  registerFunction({
    name,
    category: CATEGORY,
    description: `The ${field} of the component where the message's error originated, or null.`,
    params: [],
    build: errorSource(field),
  });
}

registerFunction({
  name: 'tracing_id',
  category: CATEGORY,
  description: 'The message trace id (empty when the message has no span).',
  params: [],
  build: () => () => '00000000000000000000000000000000',
});

registerFunction({
  name: 'tracing_span',
  category: CATEGORY,
  description: 'The message tracing span as a text map, or null.',
  params: [],
  build: () => () => null,
});

registerFunction({
  name: 'json',
  category: CATEGORY,
  description: 'The value at a dot path of the message parsed as JSON (the whole document when the path is empty).',
  params: [{ name: 'path', type: 'string', optional: true, default: '' }],
  build: (args) => {
    const path = dotPath(String(args.path ?? ''));
    return (ctx) => {
      let doc: unknown;
      try {
        doc = current(ctx).asStructured();
      } catch (err) {
        throw new BloblangError(`failed to parse message as JSON: ${(err as Error).message}`);
      }
      return getPath(doc, path);
    };
  },
});

function metaReader(asString: boolean, fromOutput: boolean) {
  return (args: Record<string, unknown>) => {
    const key = String(args.key ?? '');
    return (ctx: ExecContext) => {
      const c = ctx as Ctx;
      if (key === '') {
        const all = fromOutput && c.st ? c.st.outMeta.object() : current(ctx).metaObject();
        if (!asString) return all;
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(all)) out[k] = stringify(v);
        return out;
      }
      const v = fromOutput && c.st ? c.st.outMeta.get(key) : current(ctx).getMeta(key);
      if (v === undefined) return null;
      return asString ? stringify(v) : v;
    };
  };
}

function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  return JSON.stringify(v);
}

registerFunction({
  name: 'metadata',
  category: CATEGORY,
  description: 'A metadata value of the input message (all of them as an object when the key is empty).',
  params: [{ name: 'key', type: 'string', optional: true, default: '' }],
  build: metaReader(false, false),
});

registerFunction({
  name: 'meta',
  category: 'Deprecated',
  deprecated: true,
  description: 'A metadata value of the input message as a string, or null.',
  params: [{ name: 'key', type: 'string', optional: true, default: '' }],
  build: metaReader(true, false),
});

registerFunction({
  name: 'root_meta',
  category: 'Deprecated',
  deprecated: true,
  description: 'A metadata value of the message being created, as a string, or null.',
  params: [{ name: 'key', type: 'string', optional: true, default: '' }],
  build: metaReader(true, true),
});
