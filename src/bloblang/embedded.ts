/**
 * Running a Bloblang mapping from inside another one: the `bloblang` method (parsing category)
 * compiles its argument with this and executes it against the target value.
 */
import { compileProgram } from './compiler.js';
import { offsetToLineCol, ParseError, parseProgram } from './parser.js';
import { UNSET, safeSet, type Ctx, type RunState } from './runtime.js';
import { BloblangError, DELETE, NOTHING, type Value } from './value.js';
import type { ExecContext } from './registry.js';

/**
 * Compile `src` once. The returned function runs it with `this` bound to `input`, metadata
 * empty, and returns the new root (DELETE when deleted, NOTHING when root was never assigned).
 * Parse errors throw BloblangError with Benthos's `line X char Y: ...` text.
 */
export function compileEmbedded(src: string): (input: Value, ctx: ExecContext) => Value {
  let prog;
  try {
    prog = compileProgram(parseProgram(src));
  } catch (err) {
    if (err instanceof ParseError) {
      const { line, column } = offsetToLineCol(src, err.pos);
      throw new BloblangError(`line ${line} char ${column}: ${err.message}`);
    }
    throw err;
  }
  const compiled = prog;
  return (input, outer) => {
    const meta: Record<string, unknown> = {};
    const st: RunState = {
      root: NOTHING,
      outMeta: {
        get: (k) => meta[k],
        set: (k, v) => safeSet(meta, k, v),
        delete: (k) => delete meta[k],
        clear: () => Object.keys(meta).forEach((k) => delete meta[k]),
        object: () => ({ ...meta }),
      },
      depth: 0,
      owned: new WeakSet(),
    };
    const ctx: Ctx = { batch: outer.batch, index: outer.index, vars: {}, self: input, named: null, st, maps: compiled.maps };
    for (const s of compiled.stmts) s(ctx);
    const root = st.root;
    return root === UNSET ? NOTHING : root;
  };
}

export { DELETE, NOTHING };
