/**
 * RELIABILITY.md 3.1, the valid side of environment substitution (`${FOO:}`, `${FOO:bar}`,
 * `${{FOO}}`, values full of YAML syntax that must not change the config's structure), and
 * resource labels that only the stream's construction can check (caches, rate limits): a
 * startup error naming the label, exit code 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '../../../src/components/index.js';
import { loadConfig } from '../../../src/config/load.js';
import { bloblangHooks } from '../../../src/config/bloblang_hooks.js';
import { defaultRegistry } from '../../../src/plugin/registry.js';
import { runCommand } from '../../../src/cli/run.js';

function load(text: string, env: Record<string, string | undefined>) {
  return loadConfig({ file: 'env.yaml', text }, { lookup: defaultRegistry, hooks: bloblangHooks, env });
}

/** The generate input's mapping as parsed, for a config whose mapping is `value`. */
function mappingOf(value: string, env: Record<string, string | undefined>): { mapping?: string; errors: string[] } {
  const r = load(`input:\n  generate:\n    count: 1\n    mapping: ${value}\noutput:\n  drop: {}\n`, env);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  const conf = r.config?.input?.config as { mapping?: string } | undefined;
  return { mapping: conf?.mapping, errors };
}

test('${FOO:} is allowed and empty; ${FOO:bar} uses bar when FOO is empty or unset; ${{FOO}} stays literal', () => {
  assert.deepEqual(mappingOf("'root = \"${BADIN_E:}\"'", {}), { mapping: 'root = ""', errors: [] });
  assert.deepEqual(mappingOf("'root = \"${BADIN_E:bar}\"'", {}), { mapping: 'root = "bar"', errors: [] });
  assert.deepEqual(mappingOf("'root = \"${BADIN_E:bar}\"'", { BADIN_E: '' }), { mapping: 'root = "bar"', errors: [] });
  assert.deepEqual(mappingOf("'root = \"${BADIN_E:bar}\"'", { BADIN_E: 'set' }), { mapping: 'root = "set"', errors: [] });
  assert.deepEqual(mappingOf("'root = \"${{BADIN_E}}\"'", { BADIN_E: 'set' }), { mapping: 'root = "${BADIN_E}"', errors: [] });
  // Unset without a default: an error naming the variable, never a value.
  const missing = mappingOf("'root = \"${BADIN_SECRET_MISSING}\"'", { OTHER: 'hunter2' });
  assert.equal(missing.errors.length, 1);
  assert.match(missing.errors[0]!, /BADIN_SECRET_MISSING/);
  assert.doesNotMatch(missing.errors[0]!, /hunter2/);
});

test('environment values full of YAML syntax never change the structure of the config', () => {
  const plain = load('output:\n  file:\n    path: /tmp/plain\n', {});
  const plainKeys = Object.keys(plain.config!.output!.config as object).sort();
  for (const value of ['a, b]', 'x # y', 'key: v', 'line one\nline two: 2\n- item', '{"a": [1', '&anchor *alias', '"quoted', "'single", '| block', '---']) {
    const env = { BADIN_V: value };
    const r = load(`http:\n  address: "\${BADIN_V}"\ninput:\n  generate:\n    count: 1\n    mapping: 'root = {"v": env("BADIN_V")}'\noutput:\n  file:\n    path: /tmp/\${BADIN_V}\n`, env);
    assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], JSON.stringify(value));
    assert.equal(r.config!.http.address, value, 'the string field holds the value as is');
    assert.equal((r.config!.output!.config as { path: string }).path, `/tmp/${value}`);
    assert.deepEqual(Object.keys(r.config!.output!.config as object).sort(), plainKeys, 'no field appeared');
    // In a number field the value is one (wrong) scalar, not new YAML.
    const n = load(`input:\n  generate:\n    count: \${BADIN_V}\n    mapping: root = 1\n`, env);
    const errs = n.diagnostics.filter((d) => d.severity === 'error');
    assert.equal(errs.length, 1, JSON.stringify(value));
    assert.equal(errs[0]!.message, `field count: expected an integer, got the string "${value}"`);
  }
});

async function runRefused(text: string): Promise<{ code: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'badin-labels-'));
  const path = join(dir, 'config.yaml');
  writeFileSync(path, text);
  const chunks: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((c: string | Uint8Array) => (chunks.push(String(c)), true)) as typeof process.stderr.write;
  try {
    const code = await runCommand({ config: path });
    return { code, stderr: chunks.join('') };
  } finally {
    process.stderr.write = write;
  }
}

test('unknown cache and rate limit labels stop startup with an error naming the label', async () => {
  const gen = 'http:\n  enabled: false\ninput:\n  generate:\n    count: 1\n    mapping: root = 1\n';
  for (const [text, label] of [
    [`${gen}pipeline:\n  processors:\n    - cache:\n        resource: badin_no_cache\n        operator: get\n        key: k\noutput:\n  drop: {}\n`, 'badin_no_cache'],
    [`${gen}pipeline:\n  processors:\n    - rate_limit:\n        resource: badin_no_limit\noutput:\n  drop: {}\n`, 'badin_no_limit'],
    [`${gen}pipeline:\n  processors:\n    - dedupe:\n        cache: badin_no_dedupe_cache\n        key: k\noutput:\n  drop: {}\n`, 'badin_no_dedupe_cache'],
  ] as const) {
    const t0 = performance.now();
    const r = await runRefused(text);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`["']${label}["']`), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    assert.ok(performance.now() - t0 < 1000, `${label}: ${(performance.now() - t0).toFixed(0)} ms`);
  }
});
