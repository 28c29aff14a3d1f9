/**
 * Bloblang conformance CLI.
 *
 *   npx tsx scripts/conformance.ts                  summary by category + every failing case
 *   npx tsx scripts/conformance.ts "string"         only cases whose category or id contains "string"
 *   npx tsx scripts/conformance.ts --write          also regenerate test/conformance/bloblang-failures.md
 *   npx tsx scripts/conformance.ts --summary        counts only
 *   npx tsx scripts/conformance.ts --update-floor   raise test/conformance/bloblang-floor.json to the current count
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import {
  failuresMarkdown,
  formatFailure,
  formatSummary,
  loadCorpus,
  runCorpus,
  summarise,
} from '../test/conformance/runner.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const filter = args.find((a) => !a.startsWith('--'));

const results = runCorpus(loadCorpus(), filter);
const s = summarise(results);
if (!flags.has('--summary')) {
  for (const r of results) if (!r.strict) console.log(formatFailure(r));
}
console.log(formatSummary(s));

if (flags.has('--write')) {
  if (filter) {
    console.error('--write needs the full corpus: run it without a filter');
    process.exit(2);
  }
  writeFileSync(join(root, 'test/conformance/bloblang-failures.md'), failuresMarkdown(results));
  console.log('wrote test/conformance/bloblang-failures.md');
}
if (flags.has('--update-floor') && !filter) {
  const path = join(root, 'test/conformance/bloblang-floor.json');
  const floor = JSON.parse(readFileSync(path, 'utf8')) as { strict: number };
  if (s.strict > floor.strict) {
    floor.strict = s.strict;
    writeFileSync(path, `${JSON.stringify(floor, null, 2)}\n`);
    console.log(`floor raised to ${s.strict}`);
  }
}
