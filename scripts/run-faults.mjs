#!/usr/bin/env node
// The fault suite (RELIABILITY.md §2): runs the compiled fault tests (dist/**/*.fault.js, which
// the default runner, picking *.test.js, leaves alone), then prints the §4 dashboard from the
// figures the tests recorded, and with --save writes it to docs/fault-report.md.
//
//   npm run test:faults                       smoke tier (10,000 messages, 1 kill per test)
//   FAULT_TIER=full npm run test:faults       the plan's numbers (100,000 messages, 3–5 kills)
//   npm run test:faults -- f01 f17            only files whose path contains f01 or f17
//   npm run test:faults -- --save             also write docs/fault-report.md
//   FAULT_SEED=123 ...                        replay the seeded fault points of a run
//
// Fault tests run one file at a time: they kill processes and measure resume and shutdown
// times, which concurrent files on a 2-core machine would distort.
import { readdirSync, statSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir, hostname, cpus, totalmem } from 'node:os';
import { spawnSync } from 'node:child_process';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.fault.js')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const save = args.includes('--save');
const filters = args.filter((a) => !a.startsWith('--'));
const tier = (process.env.FAULT_TIER ?? 'smoke').toLowerCase();
let files = existsSync('dist') ? walk('dist', []).sort() : [];
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no fault test files found (build first: npm run build)');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'sluice-fault-report-'));
const reportFile = join(dir, 'figures.jsonl');
writeFileSync(reportFile, '');
const started = Date.now();
console.log(`fault suite: tier ${tier}, ${files.length} file(s)`);
const perTestMs = tier === 'smoke' ? 10 * 60_000 : 60 * 60_000;
const res = spawnSync(process.execPath, ['--test', '--test-force-exit', '--test-concurrency=1', `--test-timeout=${perTestMs}`, ...files], {
  stdio: 'inherit',
  env: { ...process.env, TZ: 'UTC', FAULT_TIER: tier, FAULT_REPORT_FILE: reportFile },
  timeout: tier === 'smoke' ? 30 * 60_000 : 6 * 60 * 60_000,
  killSignal: 'SIGKILL',
});
if (res.error) console.error(`fault run aborted: ${res.error.message}`);
const durationS = (Date.now() - started) / 1000;
const testsPassed = res.status === 0;

const { buildDashboard, renderText, renderMarkdown } = await import('../dist/src/testing/faults/report.js');
const records = readFileSync(reportFile, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l));
const lines = buildDashboard(records);
console.log('\n=== Fault dashboard (RELIABILITY.md §4) ===');
console.log(renderText(lines));
console.log(`tier ${tier}; ${durationS.toFixed(0)} s; tests ${testsPassed ? 'passed' : 'FAILED'}`);
if (save) {
  const meta = {
    date: new Date().toISOString(),
    tier,
    machine: `${hostname()}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`,
    durationS,
    testsPassed,
  };
  writeFileSync('docs/fault-report.md', renderMarkdown(lines, meta));
  console.log('wrote docs/fault-report.md');
}
rmSync(dir, { recursive: true, force: true });
const failedFigures = lines.filter((l) => !l.pass).length;
process.exit(testsPassed && failedFigures === 0 ? 0 : 1);
