/**
 * Every function and method of the Bento reference is either registered or listed, with a
 * reason, in docs/bloblang-coverage.md; the list cannot go stale in either direction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import '../../src/bloblang/builtins.js';
import { listFunctions, listMethods } from '../../src/bloblang/registry.js';
import { repoRoot } from '../../src/testing/cli.js';

const refDir = resolve(repoRoot, '../shared/reference/bento-docs/guides/bloblang');
const documented = (file: string): string[] => [...readFileSync(resolve(refDir, file), 'utf8').matchAll(/^### `([a-z0-9_]+)`/gm)].map((m) => m[1]!);

/** Names listed in the coverage doc; `geoip_*` style entries expand against the reference. */
function listed(all: string[]): Set<string> {
  const text = readFileSync(resolve(repoRoot, 'docs/bloblang-coverage.md'), 'utf8');
  const out = new Set<string>();
  for (const m of text.matchAll(/`([a-z0-9_]+)(\*?)`/g)) {
    if (m[2]) {
      for (const n of all) if (n.startsWith(m[1]!)) out.add(n);
    } else out.add(m[1]!);
  }
  return out;
}

test('every documented function and method is implemented or listed as missing with a reason', { skip: !existsSync(refDir) && 'the Bento reference docs are not beside the repo' }, () => {
  const fns = documented('functions.md');
  const methods = documented('methods.md');
  const have = new Set([...listFunctions().map((d) => d.name), ...listMethods().map((d) => d.name)]);
  const missingList = listed([...fns, ...methods]);
  const unaccounted = [...fns, ...methods].filter((n) => !have.has(n) && !missingList.has(n));
  assert.deepEqual(unaccounted, [], 'implement these or list them in docs/bloblang-coverage.md');
  const stale = [...missingList].filter((n) => have.has(n) && [...fns, ...methods].includes(n));
  assert.deepEqual(stale, [], 'implemented now: remove them from docs/bloblang-coverage.md');
});
