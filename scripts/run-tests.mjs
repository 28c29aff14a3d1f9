#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with node's test runner.
// Node 20's `node --test` takes no glob patterns, so the file list is built here.
// Pass path fragments to run a subset: `node scripts/run-tests.mjs bloblang file_input`.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
let files = walk('dist', []).sort();
if (filters.length > 0) files = files.filter((f) => filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
// A test that hangs must fail the run, not hold CI until its own deadline: each test gets
// 3 minutes, and the whole run 25 (a busy-looping file would not honour the per-test timer).
// --test-force-exit ends a file once its tests are done even if a client library left a
// handle open (the CLI exits explicitly too); such leaks are tracked as bugs, not hangs.
const res = spawnSync(process.execPath, ['--test', '--test-force-exit', '--test-concurrency=2', '--test-timeout=180000', ...files], {
  stdio: 'inherit',
  env: { ...process.env, TZ: 'UTC' },
  timeout: 25 * 60 * 1000,
  killSignal: 'SIGKILL',
});
if (res.error) console.error(`test run aborted: ${res.error.message}`);
process.exit(res.status ?? 1);
