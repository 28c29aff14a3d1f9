import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import '../components/manifest.js';
import { bloblangHooks } from '../config/bloblang_hooks.js';
import { loadConfig, type ParsedYaml, type SourceFile } from '../config/load.js';
import { objectConfig } from '../config/spec.js';
import { defaultRegistry, Registry } from './registry.js';
import { loadConfigWithComponents } from './load_config.js';

const load = (text: string, extra: { sets?: string[]; resources?: Array<{ file: string; text: string }> } = {}) =>
  loadConfigWithComponents({ file: 'c.yaml', text }, { registry: defaultRegistry, hooks: bloblangHooks, env: {}, ...extra });
const errors = (r: { diagnostics: Array<{ severity: string; message: string }> }) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

const NESTED = `
input:
  broker:
    inputs:
      - generate: {mapping: 'root = "a"', count: 1, interval: ""}
      - file: {paths: [./x.txt]}
pipeline:
  processors:
    - switch:
        - check: this.a == 1
          processors:
            - rate_limit: {resource: lim}
        - processors:
            - mapping: root = this
output:
  drop: {}
rate_limit_resources:
  - label: lim
    local: {count: 5}
`;

test('components nested at any depth are loaded and parsed; defaults they name are loaded too', async () => {
  const r = await load(NESTED);
  assert.deepEqual(errors(r), []);
  assert.equal(r.config?.input?.type, 'broker');
  const inputs = (r.config?.input?.config as { inputs: Array<{ type: string; config: { scanner?: { type: string } } }> }).inputs;
  assert.deepEqual(
    inputs.map((i) => i.type),
    ['generate', 'file'],
  );
  assert.equal(inputs[1]!.config.scanner?.type, 'lines', "the file input's default scanner was parsed");
  for (const [kind, name] of [
    ['input', 'broker'],
    ['input', 'generate'],
    ['input', 'file'],
    ['scanner', 'lines'],
    ['processor', 'switch'],
    ['processor', 'rate_limit'],
    ['processor', 'mapping'],
    ['output', 'drop'],
    ['rate_limit', 'local'],
  ] as const) {
    assert.ok(defaultRegistry.get(kind, name), `${kind} ${name} loaded`);
  }
});

test('components the config does not name stay unloaded, and so do their libraries', async () => {
  const r = await load('input:\n  generate: {mapping: "root = 1", count: 1, interval: ""}\noutput:\n  stdout: {}\n');
  assert.deepEqual(errors(r), []);
  for (const [kind, name] of [
    ['input', 'kafka'],
    ['output', 'redis_streams'],
    ['processor', 'sql_raw'],
    ['cache', 'redis'],
  ] as const) {
    assert.equal(defaultRegistry.get(kind, name), undefined, `${kind} ${name} not loaded`);
    assert.ok(defaultRegistry.names(kind).includes(name), `${kind} ${name} still listed`);
  }
  const cached = Object.keys(createRequire(import.meta.url).cache);
  for (const lib of ['kafkajs', 'ioredis', 'pg', 'mysql2', 'amqplib', 'mqtt']) {
    assert.ok(!cached.some((p) => p.includes(`/node_modules/${lib}/`)), `${lib} not loaded`);
  }
});

test('the stream defaults stdin and stdout are loaded for a config without input or output', async () => {
  const r = await load('pipeline:\n  processors: []\n');
  assert.deepEqual(errors(r), []);
  assert.ok(defaultRegistry.get('input', 'stdin'));
  assert.ok(defaultRegistry.get('output', 'stdout'));
  assert.ok(defaultRegistry.get('scanner', 'lines'), "stdin's default scanner");
});

test('--set overrides and resource files name components too', async () => {
  const r = await load('input:\n  generate: {mapping: "root = 1", count: 1, interval: ""}\n', {
    sets: ['output.reject=no thanks'],
    resources: [{ file: 'res.yaml', text: 'processor_resources:\n  - label: shout\n    bloblang: root = content().uppercase()\n' }],
  });
  assert.deepEqual(errors(r), []);
  assert.equal(r.config?.output?.type, 'reject');
  assert.equal(r.config?.processor_resources[0]?.type, 'bloblang');
});

test('an unknown type still gets its suggestion from every component name', async () => {
  const r = await load('input:\n  generat: {}\n');
  const e = r.diagnostics.find((d) => d.code === 'E_UNKNOWN_TYPE');
  assert.match(e?.message ?? '', /unknown input type "generat".*generate/);
  assert.deepEqual(e?.position, { file: 'c.yaml', line: 2, column: 3 });
});

test('a component whose module fails to import is an error naming it, not a crash', async () => {
  const reg = new Registry();
  reg.registerLazy('input', 'flaky', async () => {
    throw new Error('native binding missing');
  });
  reg.registerLazy('output', 'sink', async () => reg.register('output', { name: 'sink', summary: '', config: objectConfig([]) }, () => ({}) as never));
  const r = await loadConfigWithComponents({ file: 'c.yaml', text: 'input:\n  flaky: {}\noutput:\n  sink: {}\n' }, { registry: reg, env: {} });
  assert.equal(r.config, undefined);
  assert.ok(errors(r).includes('the input flaky cannot be loaded: native binding missing'), errors(r).join('\n'));
});

test('passes share the parsed YAML: a source is read once per load, keyed by the SourceFile object', async () => {
  await defaultRegistry.load('input', 'generate');
  await defaultRegistry.load('input', 'stdin');
  const yamlCache = new WeakMap<SourceFile, ParsedYaml>();
  const src = { file: 'c.yaml', text: 'input:\n  generate: {mapping: "root = 1", count: 1, interval: ""}\n' };
  const first = loadConfig(src, { lookup: defaultRegistry, env: {}, yamlCache });
  assert.equal(first.config?.input?.type, 'generate');
  assert.ok(yamlCache.has(src));
  src.text = 'input:\n  stdin: {}\n';
  assert.equal(loadConfig(src, { lookup: defaultRegistry, env: {}, yamlCache }).config?.input?.type, first.config?.input?.type);
  assert.equal(loadConfig({ ...src }, { lookup: defaultRegistry, env: {}, yamlCache }).config?.input?.type, 'stdin');
});
