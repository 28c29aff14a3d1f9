/**
 * RELIABILITY.md 3.2, fuzzing: seeded grammar-based generation of Bloblang mappings (every
 * registered function and method, lambdas, operators, if/match, maps and apply, metadata,
 * variables, odd literals), a quarter of them then damaged by a few random edits. Each is
 * compiled and, when it compiles, run on a few documents; every fourth also yields a query
 * compiled and rendered as an interpolation (`${! ... }`).
 *
 * Pass: nothing thrown by compiling (errors come back as diagnostics), nothing but Bloblang
 * errors thrown by running, no JavaScript internals (TypeError, RangeError, ...) surfacing as a
 * mapping's error message, no mapping over 1 s, Object.prototype untouched.
 *
 * 20,000 mappings by default; `FUZZ_FULL=1` runs 1,000,000 (or `FUZZ_MAPPINGS`). `FUZZ_SEED`
 * picks another seed.
 */
import { test } from 'node:test';
import { writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { parseMapping, parseInterpolation, BloblangError } from '../../../src/bloblang/index.js';
import { Message } from '../../../src/core/message.js';
import { listFunctions, listMethods, type ParamDef } from '../../../src/bloblang/registry.js';
import { FUZZ_FULL, Rng, prototypeSnapshot } from './fuzz_rng.js';

const COUNT = Number(process.env.FUZZ_MAPPINGS ?? (FUZZ_FULL ? 1_000_000 : 20_000));
const SEED = Number(process.env.FUZZ_SEED ?? 5);
const HANG_MS = 1000;
const TRACE = process.env.FUZZ_TRACE;

/**
 * Left out: the password hashes, slow by design (a cost parameter from the fuzzer can ask for
 * minutes of work), and reading files (a generated path could name a device).
 */
const EXCLUDED = new Set(['compare_argon2', 'compare_bcrypt', 'file', 'file_rel']);
const FUNCTIONS = listFunctions().filter((f) => !EXCLUDED.has(f.name));
const METHODS = listMethods().filter((m) => !EXCLUDED.has(m.name));

/** Messages that mean JavaScript itself failed inside a function or method: a bug, not bad data. */
const INTERNAL = /Cannot read propert|is not a function|is not iterable|is not defined|Maximum call stack|Cannot convert|undefined is not|null is not|Invalid array length|Cannot mix BigInt|Cannot create property/;

const STRINGS = ['', 'a', 'foo bar', '1.5', '{"a":1}', '[1,2]', 'é\u0000\u001f', '2024-01-02T03:04:05Z', 'aGVsbG8=', '%s %d', '(a+)+$', '\\\\', '${!x}', 'true', '-9223372036854775808'];
const NUMBERS = ['0', '1', '-1', '2.5', '1e308', '9007199254740993', '9223372036854775807', '-9223372036854775808', '18446744073709551615', '0.000001', '3'];
const FIELDS = ['a', 'b', 'n', 's', 'arr', 'obj', 'nested', 'missing', '"quoted key"', '__proto__', 'constructor', '0'];

class Gen {
  constructor(private readonly rng: Rng) {}

  str(): string {
    return JSON.stringify(this.rng.pick(STRINGS));
  }

  literal(depth: number): string {
    const r = this.rng;
    switch (r.int(7)) {
      case 0:
        return r.pick(NUMBERS);
      case 1:
        return this.str();
      case 2:
        return r.pick(['true', 'false', 'null']);
      case 3:
        return `[${Array.from({ length: r.int(4) }, () => this.expr(depth + 1)).join(', ')}]`;
      case 4:
        return `{${Array.from({ length: r.int(3) }, () => `${this.str()}: ${this.expr(depth + 1)}`).join(', ')}}`;
      case 5:
        return `"""${r.pick(STRINGS)}"""`;
      default:
        return r.pick(NUMBERS);
    }
  }

  path(): string {
    const r = this.rng;
    const base = r.pick(['this', 'this', 'root', '$v', '$w', '@m', '@', 'x']);
    const n = base.startsWith('@') ? 0 : r.int(3);
    return base + Array.from({ length: n }, () => `.${r.pick(FIELDS)}`).join('');
  }

  /** Mostly the arguments a definition asks for (a lambda where it takes a query), sometimes any. */
  args(depth: number, params: ParamDef[]): string {
    const r = this.rng;
    const required = params.filter((p) => !p.optional && p.default === undefined).length;
    const count = r.chance(0.85) ? Math.min(params.length, required + (r.chance(0.3) ? 1 : 0)) : r.int(4);
    const useNames = params.length > 0 && r.chance(0.2);
    const items = Array.from({ length: count }, (_, i) => {
      const p = params[i];
      const lambda = p?.type === 'query' ? r.chance(0.7) : r.chance(0.05);
      const value = lambda ? `${r.pick(['x', 'el', 'v'])} -> ${this.expr(depth + 1)}` : this.expr(depth + 1);
      return useNames ? `${p?.name ?? r.pick(params).name}: ${value}` : value;
    });
    return `(${items.join(', ')})`;
  }

  call(depth: number): string {
    const f = this.rng.pick(FUNCTIONS);
    return f.name + this.args(depth, f.params);
  }

  method(target: string, depth: number): string {
    const m = this.rng.pick(METHODS);
    return `${target}.${m.name}${this.args(depth, m.params)}`;
  }

  expr(depth = 0): string {
    const r = this.rng;
    if (depth > 4) return r.chance(0.5) ? this.literal(99) : this.path();
    switch (r.int(12)) {
      case 0:
      case 1:
        return this.literal(depth);
      case 2:
      case 3:
        return this.path();
      case 4:
        return this.call(depth);
      case 5:
      case 6:
        return this.method(r.chance(0.5) ? this.path() : this.expr(depth + 1), depth);
      case 7:
        return `${this.expr(depth + 1)} ${r.pick(['+', '-', '*', '/', '%', '==', '!=', '>', '>=', '<', '<=', '&&', '||', '|'])} ${this.expr(depth + 1)}`;
      case 8:
        return `${r.pick(['!', '-'])}${this.expr(depth + 1)}`;
      case 9:
        return `if ${this.expr(depth + 1)} { ${this.expr(depth + 1)} }${r.chance(0.5) ? ` else { ${this.expr(depth + 1)} }` : ''}`;
      case 10:
        return `match ${r.chance(0.5) ? this.expr(depth + 1) : ''} {\n${Array.from({ length: 1 + r.int(3) }, () => `  ${r.chance(0.3) ? '_' : this.expr(depth + 1)} => ${this.expr(depth + 1)}`).join('\n')}\n}`;
      default: {
        const t = `(${this.expr(depth + 1)})`;
        return r.pick([t, `${t}[${r.int(5) - 2}]`, `${t}[${r.int(3)}:${r.int(4)}]`, `${t}.${r.pick(['catch', 'or'])}(${this.expr(depth + 1)})`, `${t}.(${r.pick(['x -> x', 'this'])})`]);
      }
    }
  }

  statement(depth = 0): string {
    const r = this.rng;
    switch (r.int(8)) {
      case 0:
        return `let ${r.pick(['v', 'w'])} = ${this.expr()}`;
      case 1:
        return `meta ${r.pick(['m', '"k"', '__proto__'])} = ${this.expr()}`;
      case 2:
        return depth < 2 ? `if ${this.expr()} {\n${this.statement(depth + 1)}\n} else {\n${this.statement(depth + 1)}\n}` : `root = ${this.expr()}`;
      case 3:
        return `root = ${this.expr()}`;
      default:
        return `root${Array.from({ length: r.int(3) }, () => `.${r.pick(FIELDS)}`).join('')} = ${this.expr()}`;
    }
  }

  mapping(): string {
    const r = this.rng;
    const parts: string[] = [];
    if (r.chance(0.15)) parts.push(`map ${r.pick(['m1', 'm2'])} {\n${this.statement(1)}\n${r.chance(0.3) ? 'root.r = this.apply("m1")\n' : ''}}`);
    for (let n = 1 + r.int(4); n > 0; n--) parts.push(this.statement());
    if (r.chance(0.1)) parts.push(`root = this.apply("${r.pick(['m1', 'm2'])}")`);
    return parts.join('\n');
  }

  /** A few random edits: the parser's error paths get exercised too. */
  damage(src: string): string {
    const r = this.rng;
    let s = src;
    for (let n = 1 + r.int(3); n > 0; n--) {
      const i = r.int(s.length + 1);
      switch (r.int(3)) {
        case 0:
          s = s.slice(0, i) + r.pick(['(', ')', '{', '}', '[', ']', '"', '"""', '->', '=>', '.', ',', ':', '=', '\n', '#', '\\', '$', '@', 'if ', 'else', '!']) + s.slice(i);
          break;
        case 1:
          s = s.slice(0, i) + s.slice(i + 1 + r.int(5));
          break;
        default:
          s = s.slice(0, i);
      }
    }
    return s;
  }
}

const DOCS: unknown[] = [
  { a: 1, b: 'two', n: 3, s: 'foo bar', arr: [1, 2, 3], obj: { x: 1 }, nested: { a: { b: [] } } },
  { a: null, s: '', arr: [], obj: {}, n: -1.5 },
  'not json at all',
  [1, 'a', null],
];

test(`grammar-based mapping fuzzer: ${COUNT} mappings, seed ${SEED}`, { timeout: FUZZ_FULL ? 12 * 3_600_000 : 120_000 }, () => {
  const rng = new Rng(SEED);
  const gen = new Gen(rng);
  const protoBefore = prototypeSnapshot();
  let compiled = 0;
  let parseErrors = 0;
  let runs = 0;
  let runErrors = 0;
  let interpolations = 0;
  let slowest = 0;
  const uncaught: string[] = [];
  const internal: string[] = [];
  const hangs: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    let src = gen.mapping();
    if (rng.chance(0.25)) src = gen.damage(src);
    // FUZZ_TRACE=file: the mapping about to run, for finding one that takes the process down.
    if (TRACE) writeFileSync(TRACE, `#${i}\n${src}`);
    const t0 = performance.now();
    let r;
    try {
      r = parseMapping(src);
    } catch (err) {
      uncaught.push(`#${i} compile threw ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}\n${src}`);
      continue;
    }
    if (!r.mapping) {
      parseErrors++;
      if (!r.diagnostics[0]?.position) uncaught.push(`#${i} a parse error without a position: ${r.diagnostics[0]?.message}`);
    } else {
      compiled++;
      for (const doc of DOCS) {
        runs++;
        try {
          r.mapping.execValue(doc, { m: 'meta', k: 1 });
        } catch (err) {
          if (!(err instanceof BloblangError)) uncaught.push(`#${i} run threw ${(err as Error)?.stack?.split('\n').slice(0, 3).join(' | ')}\n${src}`);
          else if (INTERNAL.test(err.message)) internal.push(`#${i} ${err.message}\n${src}`);
          runErrors++;
        }
      }
    }
    // Every fourth: one generated query as an interpolation (`${! ... }`), compiled and rendered.
    if (i % 4 === 0) {
      const interp = `id-\${! ${rng.chance(0.25) ? gen.damage(gen.expr()) : gen.expr()} }-end`;
      interpolations++;
      try {
        const ri = parseInterpolation(interp);
        if (ri.interp) ri.interp.render([Message.fromString(JSON.stringify(DOCS[0]))], 0);
      } catch (err) {
        if (!(err instanceof BloblangError)) uncaught.push(`#${i} interpolation threw ${(err as Error)?.stack?.split('\n').slice(0, 3).join(' | ')}\n${interp}`);
        else if (INTERNAL.test(err.message)) internal.push(`#${i} ${err.message}\n${interp}`);
      }
    }
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    if (ms > HANG_MS) hangs.push(`#${i} took ${ms.toFixed(0)} ms:\n${src}`);
  }
  console.log(
    `bad_input mapping fuzz: ${COUNT} mappings (and ${interpolations} interpolations), compiled ${compiled}, parse errors ${parseErrors}, runs ${runs} (errors ${runErrors}), ` +
      `uncaught ${uncaught.length}, internal errors ${internal.length}, hangs over ${HANG_MS} ms ${hangs.length} (slowest ${slowest.toFixed(0)} ms)`,
  );
  assert.equal(prototypeSnapshot(), protoBefore, 'Object.prototype unchanged');
  assert.deepEqual(uncaught.slice(0, 5), [], `${uncaught.length} uncaught`);
  assert.deepEqual(internal.slice(0, 5), [], `${internal.length} JavaScript errors surfaced as mapping errors`);
  assert.deepEqual(hangs.slice(0, 5), [], `${hangs.length} hangs`);
  assert.ok(compiled > COUNT / 5 && parseErrors > COUNT / 10, 'the generator reaches both the compiler and the parser errors');
});
