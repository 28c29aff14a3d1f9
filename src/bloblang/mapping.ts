/**
 * A compiled mapping and the ways Sluice runs it: as a `mapping` processor (new document),
 * a `mutation` processor (in place), a query (value of root) or against a bare value.
 */
import { Message } from '../core/message.js';
import type { CompiledProgram } from './compiler.js';
import { UNSET, deepCopy, messageMetaStore, newOwnedSet, safeSet, type Ctx, type OwnedSet, type RunState } from './runtime.js';
import { DELETE, NOTHING, isObject, type Value } from './value.js';

export { deepCopy };

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
    // Content not parsed yet will be parsed by this run alone: a mapping that qualifies may
    // then edit that document in place, and the input forgets it afterwards.
    const inPlace = this.prog.inPlace && !input.hasStructuredValue();
    const st: RunState = { root: NOTHING, outMeta: messageMetaStore(out), depth: 0, owned: newOwnedSet(), inPlace };
    let ctx: Ctx;
    if (inPlace) {
      try {
        ctx = this.run(batch, index, st);
      } finally {
        input.forgetStructured();
      }
    } else {
      ctx = this.run(batch, index, st);
    }
    const root = st.root;
    if (root === DELETE) return null;
    if (root === NOTHING || root === UNSET) return out;
    // `root = this` leaves the content as it was: no copy and no re-serialisation.
    if (!inPlace && ctx.self !== UNSET && root === ctx.self && input.hasStructuredValue()) return out;
    writeRoot(out, root);
    // The output may share containers with the input's document (`root = this` then edits):
    // neither side may now change its document in place without copying it first.
    input.markStructuredShared();
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
      owned: newOwnedSet(),
      inPlace: false,
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
    writeRoot(msg, root);
    return true;
  }

  queryPart(batch: readonly Message[], index: number): unknown {
    const input = batch[index];
    if (!input) throw new RangeError(`message index ${index} out of range`);
    const out = input.copy();
    const st: RunState = { root: NOTHING, outMeta: messageMetaStore(out), depth: 0, owned: newOwnedSet(), inPlace: false };
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
    const st: RunState = { root: NOTHING, outMeta: messageMetaStore(out), depth: 0, owned: newOwnedSet(), inPlace: false };
    this.run([msg], 0, st);
    const root = st.root;
    if (root === DELETE) return { deleted: true };
    const value = root === NOTHING || root === UNSET ? input : detach(root, st.owned);
    return { deleted: false, value, meta: out.metaObject() };
  }
}

/**
 * Store a mapping result as message content: strings and bytes raw, anything else structured.
 * The result may hold containers borrowed from an input document or a constant of the mapping;
 * rather than copying those now, the message copies its value before any in-place change.
 */
function writeRoot(msg: Message, root: Value): void {
  if (typeof root === 'string') msg.setBytes(Buffer.from(root, 'utf8'));
  else if (root instanceof Uint8Array) msg.setBytes(root);
  else msg.setStructuredShared(root);
}

/**
 * Make a result safe to hand over: containers this run created are kept, anything borrowed from
 * an input document (or a constant of the mapping) is copied so later in-place changes to the
 * output cannot reach the input.
 */
export function detach(v: Value, owned: OwnedSet): Value {
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
