/**
 * Running a `result_map`: the mapping reads the branch result (`this`, `content()`,
 * `metadata()`) while building on the original message (root starts as the original document,
 * `meta` assignments change the original's metadata), as Benthos's MapOnto does.
 *
 * The plugin API does not offer this yet. When the compiled mapping has a `mapOnto` method it is
 * used; until then it is emulated with a mutation over a view that reads from the result and
 * writes to (a copy of) the original. Known difference of the emulation: `@` reads the result's
 * metadata rather than the original's.
 */
import type { Mapping, Message } from '../../plugin/index.js';

interface MapOntoCapable {
  mapOnto(target: Message, batch: readonly Message[], index: number): Message | null;
}

/** What a mutation writes through; everything else is read from the result. */
const WRITE_METHODS = new Set(['asStructuredMut', 'setStructured', 'setBytes', 'setString', 'setMeta', 'deleteMeta', 'clearMeta']);

/**
 * Apply `mapping` with `batch[index]` as its input onto a copy of `target`. Returns the new
 * message, or null when the mapping deleted the root. Throws the mapping's error; `target` itself
 * is never modified.
 */
export function mapOnto(mapping: Mapping, target: Message, batch: readonly Message[], index: number): Message | null {
  const native = (mapping as Partial<MapOntoCapable>).mapOnto;
  if (typeof native === 'function') return native.call(mapping, target, batch, index);
  const out = target.copy();
  const view = splitView(batch[index]!, out);
  const viewBatch = batch.slice();
  viewBatch[index] = view;
  return mapping.mutatePart(viewBatch, index) ? out : null;
}

function splitView(reads: Message, writes: Message): Message {
  return new Proxy(reads, {
    get(base, prop) {
      const src = typeof prop === 'string' && WRITE_METHODS.has(prop) ? writes : base;
      const v: unknown = Reflect.get(src, prop, src);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(src) : v;
    },
    set(_base, prop, value) {
      return Reflect.set(writes, prop, value, writes);
    },
  });
}
