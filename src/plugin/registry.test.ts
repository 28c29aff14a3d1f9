import { test } from 'node:test';
import assert from 'node:assert/strict';
import { field, objectConfig } from '../config/spec.js';
import { Registry, componentsInDefaults } from './registry.js';

const noInput = () => ({ connect: async () => {}, read: async () => null, close: async () => {} }) as never;

/** A registry where `name` is only named, and importing its "module" registers it. */
function lazyRegistry(): { reg: Registry; imports: Map<string, number> } {
  const reg = new Registry();
  const imports = new Map<string, number>();
  const lazyScanner = (name: string) =>
    reg.registerLazy('scanner', name, async () => {
      imports.set(name, (imports.get(name) ?? 0) + 1);
      reg.register('scanner', { name, summary: '', config: objectConfig([]) }, () => ({}) as never);
    });
  lazyScanner('lines');
  lazyScanner('csv');
  reg.registerLazy('input', 'reader', async () => {
    imports.set('reader', (imports.get('reader') ?? 0) + 1);
    reg.register('input', { name: 'reader', summary: '', config: objectConfig([field.component('scanner', 'scanner').default({ lines: {} })]) }, noInput);
  });
  return { reg, imports };
}

test('a lazily named component is listed but has no spec until loaded', async () => {
  const { reg, imports } = lazyRegistry();
  assert.deepEqual(reg.names('scanner'), ['csv', 'lines']);
  assert.equal(reg.spec('scanner', 'csv'), undefined);
  assert.ok(reg.loadable('scanner', 'csv'));
  const r = await reg.load('scanner', 'csv');
  assert.equal(r?.spec.name, 'csv');
  assert.equal(reg.spec('scanner', 'csv')?.kind, 'scanner');
  assert.equal(reg.loadable('scanner', 'csv'), false);
  assert.equal(imports.get('lines'), undefined, 'only the asked-for module is imported');
});

test('loading a component also loads the components its defaults name', async () => {
  const { reg, imports } = lazyRegistry();
  await reg.load('input', 'reader');
  assert.ok(reg.get('scanner', 'lines'), 'the default scanner is ready for the engine');
  assert.equal(imports.get('csv'), undefined);
});

test('concurrent loads import a module once; an unknown name resolves to undefined', async () => {
  const { reg, imports } = lazyRegistry();
  const [a, b] = await Promise.all([reg.load('scanner', 'lines'), reg.load('scanner', 'lines')]);
  assert.equal(a, b);
  assert.equal(imports.get('lines'), 1);
  assert.equal(await reg.load('scanner', 'nope'), undefined);
});

test('a module that does not register its component fails the load, which can be retried', async () => {
  const reg = new Registry();
  let attempts = 0;
  reg.registerLazy('processor', 'broken', async () => {
    attempts++;
    if (attempts === 2) reg.register('processor', { name: 'broken', summary: '', config: objectConfig([]) }, () => ({}) as never);
  });
  await assert.rejects(reg.load('processor', 'broken'), /did not register it/);
  assert.equal((await reg.load('processor', 'broken'))?.spec.name, 'broken');
});

test('all() refuses while components are only named; loadAll() loads every one', async () => {
  const { reg } = lazyRegistry();
  assert.throws(() => reg.all('scanner'), /not loaded yet.*loadAll/);
  await reg.loadAll();
  assert.deepEqual(
    reg.all('scanner').map((s) => s.name),
    ['csv', 'lines'],
  );
  assert.deepEqual(
    reg.all('input').map((s) => s.name),
    ['reader'],
  );
});

test('a registered component wins over a lazily named one of the same name, in either order', async () => {
  const { reg, imports } = lazyRegistry();
  reg.register('scanner', { name: 'csv', summary: 'plugin', config: objectConfig([]) }, () => ({}) as never);
  reg.registerLazy('scanner', 'csv', async () => assert.fail('must not import'));
  assert.equal((await reg.load('scanner', 'csv'))?.spec.summary, 'plugin');
  assert.equal(imports.get('csv'), undefined);
  assert.deepEqual(reg.names('scanner'), ['csv', 'lines']);
});

test('componentsInDefaults finds component defaults in nested objects and lists', () => {
  const spec = objectConfig([
    field.component('scanner', 'scanner').default({ lines: {} }),
    field.object('nested', '', [field.component('scanner', 'into').default({ label: 'x', to_the_end: {} })]),
    field.processors().default([{ mapping: 'root = this' }, { log: {} }]),
    field.string('codec').default('lines'),
  ]);
  assert.deepEqual(componentsInDefaults(spec), [
    ['scanner', 'lines'],
    ['scanner', 'to_the_end'],
    ['processor', 'mapping'],
    ['processor', 'log'],
  ]);
});
