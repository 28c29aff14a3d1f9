/**
 * Interpolated strings: `foo-${! this.id }-${! meta("kafka_key") }`. Each `${! ... }` holds a
 * Bloblang query; `${{! ... }` escapes to a literal `${! ... }`. Parsed and compiled once.
 */
import type { Message } from '../core/message.js';
import { serialiseValue } from '../core/message.js';
import { compileProgram, type Fn } from './compiler.js';
import { ParseError, parseQueryAt } from './parser.js';
import { UNSET, messageMetaStore, newOwnedSet, type Ctx, type RunState } from './runtime.js';
import { DELETE, NOTHING, type Value } from './value.js';

export interface Interpolation {
  readonly isStatic: boolean;
  render(batch: readonly Message[], index: number): string;
  renderBytes(batch: readonly Message[], index: number): Buffer;
}

type Part = string | Fn;

export function compileInterpolation(src: string): Interpolation {
  const parts: Part[] = [];
  let text = '';
  let i = 0;
  while (i < src.length) {
    if (src.startsWith('${{!', i)) {
      text += '${!';
      i += 4;
      continue;
    }
    if (src.startsWith('${!', i)) {
      const { expr, end } = parseQueryAt(src, i + 3);
      if (src[end] !== '}') throw new ParseError(end, "expected '}'");
      if (text) parts.push(text);
      text = '';
      // Compile the lone query through the program compiler (no maps).
      const prog = compileProgram({
        maps: new Map(),
        stmts: [{ k: 'assign', target: { kind: 'root', path: [] }, expr, pos: i, line: 1 }],
      });
      const stmt = prog.stmts[0]!;
      parts.push((ctx: Ctx) => {
        stmt(ctx);
        return ctx.st.root;
      });
      i = end + 1;
      continue;
    }
    text += src[i];
    i++;
  }
  if (text) parts.push(text);
  return new CompiledInterpolation(parts);
}

class CompiledInterpolation implements Interpolation {
  readonly isStatic: boolean;
  private readonly staticText: string;

  constructor(private readonly parts: Part[]) {
    this.isStatic = parts.every((p) => typeof p === 'string');
    this.staticText = this.isStatic ? (parts as string[]).join('') : '';
  }

  render(batch: readonly Message[], index: number): string {
    if (this.isStatic) return this.staticText;
    let out = '';
    for (const p of this.parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      out += renderValue(evalPart(p, batch, index));
    }
    return out;
  }

  renderBytes(batch: readonly Message[], index: number): Buffer {
    // A single query yielding bytes keeps them exact (no UTF-8 round trip).
    if (this.parts.length === 1 && typeof this.parts[0] !== 'string') {
      const v = evalPart(this.parts[0]!, batch, index);
      if (v instanceof Uint8Array) return Buffer.from(v);
      return Buffer.from(renderValue(v), 'utf8');
    }
    return Buffer.from(this.render(batch, index), 'utf8');
  }
}

function evalPart(fn: Fn, batch: readonly Message[], index: number): Value {
  const msg = batch[index];
  const st: RunState = {
    root: NOTHING,
    outMeta: msg ? messageMetaStore(msg) : emptyMeta(),
    depth: 0,
    owned: newOwnedSet(),
    inPlace: false,
  };
  const ctx: Ctx = { batch, index, vars: {}, self: UNSET, named: null, st, maps: new Map() };
  try {
    return fn(ctx);
  } catch {
    // Benthos renders a failed query as null rather than failing the whole string.
    return null;
  }
}

function renderValue(v: Value): string {
  if (v === NOTHING || v === DELETE || v === undefined) return 'null';
  return serialiseValue(v);
}

function emptyMeta(): RunState['outMeta'] {
  return { get: () => undefined, set: () => {}, delete: () => {}, clear: () => {}, object: () => ({}) };
}
