#!/usr/bin/env node
// Writes docs/components/<kind>s/<name>.md for every built-in component from its spec, plus an
// index, so the docs never drift from what the parser accepts. Runs on the compiled code:
//   npm run build && node scripts/gen-docs.mjs [outDir]
// Files are only rewritten when their content changes.
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const dist = new URL('../dist/src/', import.meta.url);
await import(new URL('components/index.js', dist).href);
const { defaultRegistry } = await import(new URL('plugin/registry.js', dist).href);
const { componentMarkdown } = await import(new URL('config/docs.js', dist).href);

const outDir = process.argv[2] ?? 'docs/components';
const KINDS = [
  ['input', 'inputs', 'Inputs'],
  ['processor', 'processors', 'Processors'],
  ['output', 'outputs', 'Outputs'],
  ['cache', 'caches', 'Caches'],
  ['rate_limit', 'rate_limits', 'Rate limits'],
  ['scanner', 'scanners', 'Scanners'],
];

let written = 0;
function write(path, text) {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  writeFileSync(path, text);
  written++;
}

const index = ['# Components', '', 'Generated from the component specs by `scripts/gen-docs.mjs`: do not edit.', ''];
for (const [kind, dir, title] of KINDS) {
  const specs = defaultRegistry.all(kind);
  if (specs.length === 0) continue;
  mkdirSync(join(outDir, dir), { recursive: true });
  index.push(`## ${title}`, '');
  for (const spec of specs) {
    write(join(outDir, dir, `${spec.name}.md`), componentMarkdown(spec, defaultRegistry));
    index.push(`- [${spec.name}](${dir}/${spec.name}.md): ${spec.summary}`);
  }
  index.push('');
}
write(join(outDir, 'README.md'), `${index.join('\n').trimEnd()}\n`);
console.log(`gen-docs: ${written} file(s) written under ${outDir}`);
