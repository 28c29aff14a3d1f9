/**
 * A compiled mapping and the ways Sluice runs it: as a `mapping` processor (new document),
 * a `mutation` processor (in place), a query (value of root) or against a bare value.
 */
import { Message } from '../core/message.js';
import type { CompiledProgram } from './compiler.js';
import { UNSET, messageMetaStore, safeSet, type Ctx, type RunState } from './runtime.js';
import { DELETE, NOTHING, Timestamp, isObject, type Value } from './value.js';

export interface Mapping {
  mapPart(batch: readonly Message[], index: number): Message | null;
  mutatePart(batch: Message[], index: number): boolean;
  queryPart(batch: readonly Message[], index: number): unknown;
  execValue(
    input: unknown,
    meta?: Record<string, unknown>,
  ): { deleted: true } | { deleted: false; value: unknown; meta: Record<string, unknown> };
}

export class CompiledMapping implements Mapping {
  constructor(private readonly prog: CompiledProgram) {}

  private run(batch: readonly Message[], index: number, st: RunState): Ctx {
    const ctx: Ctx = { batch, index, vars: {}, self: UNSET, named: null, st, maps: this.prog.maps };
    for (const s of this.prog.stmts) s(ctx);
    return ctx;
  }

  mapPart(batch: readonly Message[], index: number): Message | null {
    const input = batch[index];
    if (!input) throw new RangeError(`message index ${index} out of range`);
    const out = input.copy();
    const st: RunState = { root: NOTHING, outMeta: messageMetaStore(out), depth: 0, owned: new WeakSet() };
    const ctx = this.run(batch, index, st);
    const root = st.root;
    if (root === DELETE) return null;
    if (root === NOTHING || root === UNSET) return out;
    // `root = this` leaves the content as it was: no copy and no re-serialisation.
    if (ctx.self !== UNSET && root === ctx.self && input.hasStructuredValue()) return out;
    writeRoot(out, root, st);
    return out;
  }

  mutatePart(batch: Message[], index: number): boolean {
    const msg = batch[index];
    if (!msg) throw new RangeError(`message index ${index} out of range`);
    let loaded: Value = UNSET;
    const st: RunState = {
      root: UNSET,
      outMeta: messageMetaStore(msg),
      depth: 0,
      owned: new WeakSet(),
      loadRoot: () => {
        loaded = msg.asStructuredMut();
        if (typeof loaded === 'object' && loaded !== null) st.owned.add(loaded);
        return loaded;
      },
    };
    this.run(batch, index, st);
    const root = st.root;
    if (root === DELETE) return false;
    if (root === NOTHING || root === UNSET) return true;
    if (root === loaded) {
      msg.setStructured(root);
      return true;
    }
    writeRoot(msg, root, st);
    return true;
  }

  queryPart(batch: readonly Message[], index: number): unknown {
    const input = batch[index];
    if (!input) throw new RangeError(`message index ${index} out of range`);
    const out = input.copy();
    const st: RunState = { root: NOTHING, outMeta: messageMetaStore(out), depth: 0, owned: new WeakSet() };
    this.run(batch, index, st);
    const root = st.root;
    if (root === NOTHING || root === DELETE || root === UNSET) return null;
    return root;
  }

  execValue(
    input: unknown,
    meta?: Record<string, unknown>,
  ): { deleted: true } | { deleted: false; value: unknown; meta: Record<string, unknown> } {
    const metaMap = new Map<string, unknown>(meta ? Object.entries(meta) : []);
    const msg = typeof input === 'string' || input instanceof Uint8Array
      ? Message.fromBytes(typeof input === 'string' ? Buffer.from(input, 'utf8') : input, metaMap)
      : Message.fromStructured(input, metaMap);
    const out = msg.copy();
    const st: RunState = { root: NOTHING, outMeta: messageMetaStore(out), depth: 0, owned: new WeakSet() };
    this.run([msg], 0, st);
    const root = st.root;
    if (root === DELETE) return { deleted: true };
    const value = root === NOTHING || root === UNSET ? input : detach(root, st.owned);
    return { deleted: false, value, meta: out.metaObject() };
  }
}

/** Store a mapping result as message content: strings and bytes raw, anything else structured. */
function writeRoot(msg: Message, root: Value, st: RunState): void {
  if (typeof root === 'string') msg.setBytes(Buffer.from(root, 'utf8'));
  else if (root instanceof Uint8Array) msg.setBytes(root);
  else msg.setStructured(detach(root, st.owned));
}

/**
 * Make a result safe to hand over: containers this run created are kept, anything borrowed from
 * an input document (or a constant of the mapping) is copied so later in-place changes to the
 * output cannot reach the input.
 */
export function detach(v: Value, owned: WeakSet<object>): Value {
  if (Array.isArray(v)) {
    if (!owned.has(v)) return deepCopy(v);
    for (let i = 0; i < v.length; i++) v[i] = detach(v[i], owned);
    return v;
  }
  if (isObject(v)) {
    if (!owned.has(v)) return deepCopy(v);
    for (const k of Object.keys(v)) {
      const x = v[k];
      if (typeof x === 'object' && x !== null) safeSet(v, k, detach(x, owned));
    }
    return v;
  }
  return v;
}

export function deepCopy(v: Value): Value {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (v instanceof Timestamp || v instanceof Uint8Array) return v;
  if (isObject(v)) {
    const out: Record<string, Value> = {};
    for (const k of Object.keys(v)) safeSet(out, k, deepCopy(v[k]));
    return out;
  }
  return v;
}
