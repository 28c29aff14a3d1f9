/**
 * Bloblang conformance: every case of the docs corpus must keep passing at least as many cases
 * as recorded in bloblang-floor.json. Details of failures: `npx tsx scripts/conformance.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { formatSummary, loadCorpus, runCorpus, summarise } from './runner.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The floor file lives in the source tree; compiled tests run from dist/test/conformance. */
function floorPath(): string {
  for (const p of [join(here, 'bloblang-floor.json'), join(here, '../../../test/conformance/bloblang-floor.json')]) {
    if (existsSync(p)) return p;
  }
  throw new Error('bloblang-floor.json not found');
}

test('bloblang docs examples conformance does not regress', () => {
  const results = runCorpus(loadCorpus());
  const s = summarise(results);
  console.log(formatSummary(s));
  const floor = JSON.parse(readFileSync(floorPath(), 'utf8')) as { strict: number };
  assert.ok(
    s.strict >= floor.strict,
    `conformance dropped: ${s.strict} strict passes < floor ${floor.strict} (run npx tsx scripts/conformance.ts)`,
  );
});
