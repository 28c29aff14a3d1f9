/** `sluice list` and the JSON Schema generated from the specs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse as parseYaml } from 'yaml';
import { Ajv, type ValidateFunction } from 'ajv';
import '../../src/components/index.js';
import { runCli } from '../../src/testing/cli.js';
import { configJsonSchema, type JsonSchema } from '../../src/config/json_schema.js';
import { field, objectConfig } from '../../src/config/spec.js';
import { Registry, defaultRegistry } from '../../src/plugin/registry.js';
import { listCommand, normaliseKind } from '../../src/cli/list.js';
import { loadConfig } from '../../src/config/load.js';
import { bloblangHooks } from '../../src/config/bloblang_hooks.js';

async function capture(fn: (out: (t: string) => void, err: (t: string) => void) => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await fn(
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

test('text format: Benthos-style sections, each entry on "  - name" lines', async () => {
  const r = await runCli(['list']);
  assert.equal(r.code, 0, r.stderr);
  const sections = r.stdout.split('\n\n');
  const titles = sections.map((s) => s.split('\n')[0]);
  // Benthos's order; kinds with nothing registered (buffers, metrics, tracers) are left out.
  for (const t of ['Inputs:', 'Processors:', 'Outputs:', 'Caches:', 'Rate Limits:', 'Scanners:', 'Bloblang Functions:', 'Bloblang Methods:']) {
    assert.ok(titles.includes(t), `missing section ${t}`);
  }
  assert.ok(titles.indexOf('Inputs:') < titles.indexOf('Processors:') && titles.indexOf('Processors:') < titles.indexOf('Outputs:'));
  const inputs = sections.find((s) => s.startsWith('Inputs:'))!.split('\n');
  assert.ok(inputs.includes('  - generate') && inputs.includes('  - stdin'));
  const fns = sections.find((s) => s.startsWith('Bloblang Functions:'))!.split('\n');
  assert.ok(fns.includes('  - uuid_v4') && fns.includes('  - counter'));
  const methods = sections.find((s) => s.startsWith('Bloblang Methods:'))!.split('\n');
  assert.ok(methods.includes('  - uppercase'));
});

test('only the kinds asked for, in any spelling', async () => {
  const r = await capture((o, e) => listCommand({ kinds: ['scanner', 'rate_limits'], format: 'text' }, o, e));
  assert.equal(r.code, 0);
  assert.equal(r.out, `Rate Limits:\n${defaultRegistry.names('rate_limit').map((n) => `  - ${n}\n`).join('')}\nScanners:\n${defaultRegistry.names('scanner').map((n) => `  - ${n}\n`).join('')}`);
  assert.equal(normaliseKind('input'), 'inputs');
  assert.equal(normaliseKind('bloblang-functions'), 'bloblang-functions');
  assert.equal(normaliseKind('rate-limit'), 'rate-limits');
  assert.equal(normaliseKind('widgets'), undefined);
});

test('json format: one object of the kinds asked for', async () => {
  const r = await runCli(['list', '--format', 'json', 'inputs', 'outputs']);
  assert.equal(r.code, 0, r.stderr);
  const obj = JSON.parse(r.stdout) as Record<string, string[]>;
  assert.deepEqual(Object.keys(obj), ['inputs', 'outputs']);
  assert.deepEqual(obj.inputs, defaultRegistry.names('input'));
  assert.ok(obj.outputs!.includes('stdout'));
});

test('unknown kinds and formats are refused with exit 1', async () => {
  const a = await capture((o, e) => listCommand({ kinds: ['widgets'], format: 'text' }, o, e));
  assert.equal(a.code, 1);
  assert.match(a.err, /unknown component kind "widgets"/);
  const b = await runCli(['list', '--format', 'xml']);
  assert.equal(b.code, 1);
  assert.match(b.stderr, /xml/);
});

// --- JSON Schema -------------------------------------------------------------------------------

function compile(schema: JsonSchema): ValidateFunction {
  return new Ajv({ strict: true, allErrors: true }).compile(schema);
}

test('jsonschema: the printed schema is draft-07 and compiles with ajv (strict)', async () => {
  const r = await runCli(['list', '--format', 'jsonschema']);
  assert.equal(r.code, 0, r.stderr);
  // Well over a pipe buffer: all of it must arrive (the CLI exits right after writing).
  assert.ok(r.stdout.length > 65536);
  const schema = JSON.parse(r.stdout) as JsonSchema;
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  compile(schema);
});

const validate = compile(configJsonSchema(defaultRegistry));
function valid(yaml: string): boolean {
  return validate(parseYaml(yaml)) as boolean;
}

test('jsonschema: example configs validate', () => {
  const examples = [
    '',
    'input:\n  stdin: {}\noutput:\n  stdout: {}\n',
    // `key:` with nothing after it is an empty object, as the parser accepts.
    'input:\n  stdin:\noutput:\n  drop:\n',
    'input:\n  label: gen\n  generate:\n    count: 3\n    interval: ""\n    mapping: root = counter()\n  processors:\n    - mapping: root = this\n' +
      'pipeline:\n  threads: 2\n  processors:\n    - mutation: root.x = 1\n    - label: two\n      mapping: |\n        root = this\n' +
      'output:\n  stdout:\n    codec: lines\nlogger:\n  level: DEBUG\n  format: json\nshutdown_timeout: 1m30s\n',
    // An env reference where a number is expected is substituted when the config is read.
    'input:\n  generate:\n    count: ${COUNT:5}\n    mapping: root = 1\nhttp:\n  enabled: ${HTTP_ENABLED}\n',
    'input:\n  stdin:\n    scanner:\n      lines:\n        max_buffer_size: 1024\n',
    'processor_resources:\n  - label: tidy\n    mapping: root = this\n',
  ];
  for (const ex of examples) assert.ok(valid(ex), `${ex}\n${JSON.stringify(validate.errors, null, 1)}`);
});

test('jsonschema agrees with the parser: every spec example that lints clean validates', () => {
  let count = 0;
  for (const kind of ['input', 'processor', 'output', 'cache', 'rate_limit', 'scanner'] as const) {
    for (const spec of defaultRegistry.all(kind)) {
      for (const ex of spec.examples ?? []) {
        // Examples may use components this build does not have, or env variables: skip those.
        const lint = loadConfig({ file: 'example.yaml', text: ex.config }, { lookup: defaultRegistry, hooks: bloblangHooks, env: {} });
        if (lint.diagnostics.length > 0) continue;
        count++;
        assert.ok(valid(ex.config), `${kind} ${spec.name} example "${ex.title}":\n${JSON.stringify(validate.errors, null, 1)}`);
      }
    }
  }
  assert.ok(count > 0);
});

test('jsonschema: broken configs do not validate', () => {
  const broken = [
    'input:\n  generate:\n    mapping: root = 1\n    cuont: 3\n', // unknown field
    'input:\n  generate:\n    mapping: root = 1\n    count: five\n', // string for int
    'input:\n  stdoot: {}\n', // unknown component type
    'input:\n  stdin: {}\n  generate:\n    mapping: root = 1\n', // two types
    'input:\n  generate:\n    count: 1\n', // missing required mapping
    'http:\n  - enabled\n', // list for object
    'pipeline:\n  processors:\n    mapping: root = this\n', // object for list
    'logger:\n  format: jsn\n', // not one of the options
    'shutdown_timeout: 30 sec\n', // bad duration
    'input:\n  label: My-Input\n  stdin: {}\n', // bad label
    'output:\n  stdout: {}\n  processors:\n    - nope: {}\n', // unknown processor
    'inptu:\n  stdin: {}\n', // unknown section
  ];
  for (const b of broken) assert.equal(valid(b), false, `should not validate:\n${b}`);
});

test('jsonschema: components are anyOf {label, <type>} objects with defaults, descriptions and enums', () => {
  const reg = new Registry();
  reg.register(
    'output',
    {
      name: 'widget',
      summary: 'A test output.',
      config: objectConfig([
        field.string('mode', 'How to widget.').options('fast', 'slow').default('fast'),
        field.int('size', 'Widget size.'),
        field.stringList('tags', 'Tags.').optional(),
      ]),
    },
    () => ({}) as never,
  );
  const schema = configJsonSchema(reg) as { definitions: Record<string, JsonSchema>; properties: Record<string, JsonSchema> };
  const out = schema.definitions.output as { anyOf: JsonSchema[] };
  assert.equal(out.anyOf.length, 1);
  const alt = out.anyOf[0] as { properties: Record<string, JsonSchema>; required: string[]; additionalProperties: boolean };
  assert.deepEqual(Object.keys(alt.properties), ['label', 'widget', 'processors']);
  assert.deepEqual(alt.required, ['widget']);
  assert.equal(alt.additionalProperties, false);
  const widget = alt.properties.widget as { properties: Record<string, JsonSchema>; required: string[]; description: string };
  assert.equal(widget.description, 'A test output.');
  assert.deepEqual(widget.required, ['size']);
  assert.deepEqual(widget.properties.mode, { type: 'string', enum: ['fast', 'slow'], description: 'How to widget.', default: 'fast' });
  assert.deepEqual(schema.properties.output, { allOf: [{ $ref: '#/definitions/output' }], description: 'The output to write to. Defaults to stdout.' });
  // No inputs registered: an input cannot validate at all.
  const v = compile(schema);
  assert.equal(v({ input: { stdin: {} } }), false);
  assert.equal(v({ output: { widget: { size: 3 } } }), true);
  assert.equal(v({ output: { widget: { size: 3, mode: 'medium' } } }), false);
});
