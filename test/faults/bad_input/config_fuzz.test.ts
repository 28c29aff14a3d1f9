/**
 * RELIABILITY.md 3.1: a seeded mutation fuzzer over valid configs (`seeds/`). Each mutant gets
 * one to three of: a byte flip, a line deletion, an indentation change, a type swap of a value,
 * a typo in a key. Then it is loaded as `sluice lint` and `sluice run` load it (YAML, specs,
 * Bloblang checks). Pass: no exception (a crash is anything thrown instead of a positioned
 * diagnostic), no mutant over 2 s, and every error diagnostic carries a line and a column.
 *
 * 1,000 mutants by default; `FUZZ_FULL=1` runs 10,000. `FUZZ_SEED` picks another seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import '../../../src/components/index.js';
import { loadConfig } from '../../../src/config/load.js';
import { bloblangHooks } from '../../../src/config/bloblang_hooks.js';
import { defaultRegistry } from '../../../src/plugin/registry.js';
import { repoRoot } from '../../../src/testing/cli.js';
import { FUZZ_FULL, Rng, prototypeSnapshot } from './fuzz_rng.js';

const seedsDir = resolve(repoRoot, 'test/faults/bad_input/seeds');
const seeds = readdirSync(seedsDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(join(seedsDir, f), 'utf8') }));

const MUTANTS = FUZZ_FULL ? 10_000 : 1_000;
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const HANG_MS = 2000;

/** Characters that matter to YAML, Bloblang or env substitution, plus some that do not. */
const FLIP_CHARS = [...':[]{}#&*!|>\'"-,?%@`\t\n \\$', '${', '${!', '}}', '\u0000', '\uFEFF', 'é', 'x', '0', '9'];
const SWAP_VALUES = ['5', '-1', '0', '1.5', '1e400', '9223372036854775808', 'true', 'null', '~', '""', "''", '[]', '{}', '[1, 2]', '{a: 1}', 'ten', '10 seconds', '${BADIN_FUZZ_UNSET}', '${BADIN_FUZZ_UNSET:7}', '${{BADIN}}', '*nowhere', '&anchor x', '!!binary aGk=', '!tag x', '|', '>-', 'root = this.(', '"${! nope() }"'];

type Mutation = (text: string, rng: Rng) => string;

const lines = (t: string) => t.split('\n');

const MUTATIONS: Record<string, Mutation> = {
  byteFlip(t, rng) {
    if (t.length === 0) return rng.pick(FLIP_CHARS);
    const i = rng.int(t.length);
    return t.slice(0, i) + rng.pick(FLIP_CHARS) + t.slice(i + (rng.chance(0.7) ? 1 : 0));
  },
  lineDeletion(t, rng) {
    const ls = lines(t);
    ls.splice(rng.int(ls.length), 1 + (rng.chance(0.2) ? rng.int(3) : 0));
    return ls.join('\n');
  },
  indentation(t, rng) {
    const ls = lines(t);
    const i = rng.int(ls.length);
    const l = ls[i]!;
    const change = rng.pick([-4, -2, -1, 1, 2, 4]);
    ls[i] = change > 0 ? ' '.repeat(change) + l : l.replace(new RegExp(`^ {0,${-change}}`), '');
    return ls.join('\n');
  },
  typeSwap(t, rng) {
    const ls = lines(t);
    const candidates = ls.map((l, i) => [l, i] as const).filter(([l]) => /:\s*\S/.test(l) && !/^\s*#/.test(l));
    if (candidates.length === 0) return t;
    const [l, i] = rng.pick(candidates);
    const colon = l.indexOf(': ');
    if (colon < 0) return t;
    ls[i] = `${l.slice(0, colon + 2)}${rng.pick(SWAP_VALUES)}`;
    return ls.join('\n');
  },
  keyTypo(t, rng) {
    const ls = lines(t);
    const candidates = ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s*(- )?[a-z_]+:/.test(l));
    if (candidates.length === 0) return t;
    const [l, i] = rng.pick(candidates);
    const m = /^(\s*(?:- )?)([a-z_]+):/.exec(l)!;
    const key = m[2]!;
    const at = rng.int(key.length);
    const typo = rng.pick([
      key.slice(0, at) + key.slice(at + 1),
      key.slice(0, at) + rng.pick(['x', '_', 'e']) + key.slice(at),
      key.slice(0, at) + (key[at + 1] ?? '') + key[at] + key.slice(at + 2),
      key.toUpperCase(),
    ]);
    ls[i] = m[1] + typo + l.slice(m[0].length - 1);
    return ls.join('\n');
  },
};

test(`config mutation fuzzer: ${MUTANTS} mutants of ${seeds.length} valid configs, seed ${SEED}`, { timeout: FUZZ_FULL ? 1_800_000 : 120_000 }, () => {
  assert.ok(seeds.length >= 5, 'seed configs found');
  // The seeds themselves are valid, so every problem found below comes from a mutation.
  for (const s of seeds) {
    const r = loadConfig({ file: s.name, text: s.text }, { lookup: defaultRegistry, hooks: bloblangHooks, env: {} });
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], `${s.name} is valid`);
  }
  const rng = new Rng(SEED);
  const names = Object.keys(MUTATIONS);
  const counts: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  const crashes: string[] = [];
  const hangs: string[] = [];
  const unplaced: string[] = [];
  let errors = 0;
  let placed = 0;
  let rejected = 0;
  let slowest = 0;
  const protoBefore = prototypeSnapshot();
  for (let n = 0; n < MUTANTS; n++) {
    const seed = rng.pick(seeds);
    let text = seed.text;
    const applied: string[] = [];
    for (let k = 1 + rng.int(3); k > 0; k--) {
      const name = rng.pick(names);
      applied.push(name);
      counts[name]!++;
      text = MUTATIONS[name]!(text, rng);
    }
    const t0 = performance.now();
    let diags;
    try {
      diags = loadConfig({ file: 'mutant.yaml', text }, { lookup: defaultRegistry, hooks: bloblangHooks, env: {} }).diagnostics;
    } catch (err) {
      crashes.push(`#${n} ${seed.name} [${applied.join(', ')}]: ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ')}\n--- mutant ---\n${text}`);
      continue;
    }
    const ms = performance.now() - t0;
    slowest = Math.max(slowest, ms);
    if (ms > HANG_MS) hangs.push(`#${n} ${seed.name} [${applied.join(', ')}] took ${ms.toFixed(0)} ms`);
    const errs = diags.filter((d) => d.severity === 'error');
    if (errs.length > 0) rejected++;
    for (const d of errs) {
      errors++;
      if (d.position && d.position.line >= 1 && d.position.column >= 1) placed++;
      else unplaced.push(`#${n} ${d.code} ${d.message}`);
    }
  }
  console.log(
    `bad_input config fuzz: ${MUTANTS} mutants (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
      `rejected ${rejected}, crashes ${crashes.length}, hangs over ${HANG_MS} ms ${hangs.length} (slowest ${slowest.toFixed(0)} ms), ` +
      `errors with line and column ${placed}/${errors}`,
  );
  assert.equal(prototypeSnapshot(), protoBefore, 'Object.prototype unchanged');
  assert.deepEqual(crashes.slice(0, 3), [], `${crashes.length} crashes`);
  assert.deepEqual(hangs, []);
  assert.deepEqual(unplaced.slice(0, 10), [], `${unplaced.length} errors without a position`);
  assert.ok(rejected > MUTANTS / 4, `mutations do break configs (${rejected} rejected)`);
});
