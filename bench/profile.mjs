#!/usr/bin/env node
// Profiles the `mapping` workload: runs the real CLI under `node --cpu-prof` on the benchmark data and
// writes the top-25 self-time summary to bench/results/mapping-profile.md.
//
//   node bench/profile.mjs [--count 100000] [--workload mapping]
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { dataPath, generate } from './gen-data.mjs';
import { summarise, toMarkdown } from './profile-summary.mjs';

const bench = dirname(fileURLToPath(import.meta.url));
const root = join(bench, '..');
const args = process.argv.slice(2);
const opt = (n, d) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 ? args[i + 1] : d;
};
const count = Number(opt('count', 100000));
const workload = opt('workload', 'mapping');
const data = dataPath(count);
if (!existsSync(data)) await generate({ count, out: data });

const dir = join(bench, 'results', 'profiles');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const t0 = Date.now();
const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(root, 'bin', 'sluice.js'), 'run', join(bench, 'configs', `${workload}.yaml`)], {
  env: { ...process.env, BENCH_DATA: data },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const wallS = (Date.now() - t0) / 1000;
if (r.status !== 0) {
  console.error(`sluice exited with ${r.status}`);
  process.exit(1);
}
const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
const s = summarise(JSON.parse(readFileSync(file, 'utf8')), 25);
const header = [
  `Command: \`BENCH_DATA=bench/data/docs-${count}.ndjson node --cpu-prof bin/sluice.js run bench/configs/${workload}.yaml\` (${count} messages, ${wallS.toFixed(1)} s wall).`,
  `Date ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' / ')} (the machine was shared; self-time shares are what matter).`,
  `Regenerate with \`node bench/profile.mjs\`; the raw profile is left in \`bench/results/profiles/\` (gitignored) for Chrome DevTools.`,
  '',
].join('\n');
const md = toMarkdown(s, `CPU profile: \`${workload}\` workload`).replace(/\n\n/, `\n\n${header}\n`);
writeFileSync(join(bench, 'results', `${workload}-profile.md`), md);
console.log(md);
