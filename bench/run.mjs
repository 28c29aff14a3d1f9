#!/usr/bin/env node
// `npm run bench [-- --quick] [-- --rounds N] [-- --only a,b]`: runs every workload against Sluice (the
// real CLI on compiled dist) and a plain-Node baseline in the same run, alternating their order each
// round, and writes bench/results/latest.{json,md}. Ratios are medians of per-round pairs, so a
// loaded machine slows both sides of a pair alike and the ratio stays meaningful.
import { existsSync, mkdirSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { dataPath, generate } from './gen-data.mjs';
import { WORKLOADS } from './workloads.mjs';
import { runToDevNull, measureFootprint } from './lib/measure.mjs';
import { median, round } from './lib/stats.mjs';
import { renderMarkdown } from './lib/report.mjs';

const bench = dirname(fileURLToPath(import.meta.url));
const root = join(bench, '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

const quick = flag('quick');
const count = Number(opt('count') ?? (quick ? 100_000 : 1_000_000));
const rounds = Number(opt('rounds') ?? (quick ? 2 : 3));
const only = opt('only')?.split(',');
const log = (s) => process.stderr.write(`${s}\n`);

if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))) {
  log('bench: dist/ is missing: run `npm run build` first (the benchmark runs the compiled CLI)');
  process.exit(1);
}

async function ensureData() {
  const path = dataPath(count);
  if (!existsSync(path)) {
    log(`generating ${count} documents into ${path} ...`);
    await generate({ count, out: path });
  }
  const sample = join(bench, 'data', 'sample-1000.ndjson');
  if (!existsSync(sample)) await generate({ count: 1000, out: sample });
  return { path, bytes: statSync(path).size, sample };
}

/** Run a variant on the small sample and return its stdout lines without blank ones (batch separators). */
function sampleOutput(v, sample) {
  const r = spawnSync(v.cmd, v.args(sample), { env: { ...process.env, ...v.env(sample) }, maxBuffer: 64 << 20, encoding: 'utf8' });
  if (r.status !== 0) return { error: `exit ${r.status}: ${(r.stderr || '').slice(0, 400)}` };
  return { lines: r.stdout.split('\n').filter((l) => l !== '') };
}

/** Both sides must produce the same documents, or the comparison means nothing. */
const sampleCache = new Map();
function verify(w, sample) {
  const outs = Object.entries(w.variants).map(([k, v]) => {
    if (!sampleCache.has(v.what)) sampleCache.set(v.what, sampleOutput(v, sample));
    return [k, sampleCache.get(v.what)];
  });
  for (const [k, o] of outs) if (o.error) return `${k} failed on the sample: ${o.error}`;
  const [refName, ref] = outs[0];
  for (const [k, o] of outs.slice(1)) {
    if (o.lines.length !== ref.lines.length) return `${k} wrote ${o.lines.length} lines, ${refName} ${ref.lines.length}`;
    const i = o.lines.findIndex((l, j) => l !== ref.lines[j]);
    if (i >= 0) return `line ${i + 1} differs: ${refName}: ${ref.lines[i].slice(0, 160)} | ${k}: ${o.lines[i].slice(0, 160)}`;
  }
  return undefined;
}

const rotate = (xs, n) => xs.map((_, i) => xs[(i + n) % xs.length]);
const MiB = (kib) => (kib === undefined ? undefined : kib / 1024);

async function runThroughput(w, data) {
  const names = Object.keys(w.variants);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (const n of rotate(names, r)) {
      const v = w.variants[n];
      const res = await runToDevNull(v.cmd, v.args(data.path), { env: v.env(data.path) });
      const s = res.wallMs / 1000;
      const run = { wallS: round(s, 3), msgsPerS: round(count / s, 0), mbPerS: round(data.bytes / 1e6 / s, 2), peakRssMiB: round(MiB(res.peakRssKiB), 1), code: res.code };
      if (res.code !== 0) run.stderr = res.stderr.slice(0, 400);
      runs[n].push(run);
      log(`  ${w.name} round ${r + 1} ${n}: ${run.msgsPerS} msg/s, ${run.mbPerS} MB/s, peak ${run.peakRssMiB} MiB${res.code !== 0 ? ` (exit ${res.code})` : ''}`);
    }
  }
  const sides = Object.fromEntries(
    names.map((n) => {
      const ok = runs[n].filter((x) => x.code === 0);
      return [n, { command: w.variants[n].what, msgsPerS: median(ok.map((x) => x.msgsPerS)), mbPerS: median(ok.map((x) => x.mbPerS)), peakRssMiB: median(ok.map((x) => x.peakRssMiB)), failures: runs[n].length - ok.length, runs: runs[n] }];
    }),
  );
  const ratios = w.ratios.map((q) => {
    const pairs = [];
    for (let r = 0; r < rounds; r++) {
      const a = runs[q.num][r];
      const b = runs[q.den][r];
      if (a.code === 0 && b.code === 0) pairs.push(a.msgsPerS / b.msgsPerS);
    }
    const value = round(median(pairs), 3);
    return { name: q.name, value, perRound: pairs.map((p) => round(p, 3)), target: q.target, meetsTarget: q.target === undefined || value === undefined ? undefined : value >= q.target };
  });
  return { sides, ratios };
}

async function runFootprint(w) {
  const names = Object.keys(w.variants);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  const fpRounds = Math.max(1, rounds - 1);
  for (let r = 0; r < fpRounds; r++) {
    for (const n of rotate(names, r)) {
      const v = w.variants[n];
      const res = await measureFootprint(v.cmd, v.args(''), { env: v.env('') });
      const run = { idleRssMiB: round(MiB(res.idleRssKiB), 1), peakRssMiB: round(MiB(res.peakRssKiB), 1), firstMessageS: round(res.firstMessageMs / 1000, 3) };
      if (res.firstMessageMs === undefined) run.stderr = res.stderr.slice(0, 400);
      runs[n].push(run);
      log(`  footprint round ${r + 1} ${n}: idle ${run.idleRssMiB} MiB, first message after ${run.firstMessageS} s`);
    }
  }
  const sides = Object.fromEntries(
    names.map((n) => [n, { command: w.variants[n].what, idleRssMiB: median(runs[n].map((x) => x.idleRssMiB)), peakRssMiB: median(runs[n].map((x) => x.peakRssMiB)), firstMessageS: median(runs[n].map((x) => x.firstMessageS)), runs: runs[n] }]),
  );
  const s = sides.sluice;
  return {
    sides,
    ratios: [{ name: 'idle RSS sluice/baseline', value: round(s.idleRssMiB / sides.baseline.idleRssMiB, 2) }],
    targets: {
      idleRssMiB: { value: s.idleRssMiB, target: w.targets.idleRssMiB, meetsTarget: s.idleRssMiB <= w.targets.idleRssMiB },
      firstMessageS: { value: s.firstMessageS, target: w.targets.firstMessageS, meetsTarget: s.firstMessageS <= w.targets.firstMessageS },
    },
  };
}

// A full run refreshes the results table in both pages (between the markers).
const DOCS = [join(root, 'docs', 'benchmarks.md'), join(root, 'README.md')];
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';
function updateDocs(md) {
  const body = md.replace(/^# .*\n\n/, ''); // the page has its own title
  for (const page of DOCS) {
    if (!existsSync(page)) continue;
    const doc = readFileSync(page, 'utf8');
    const a = doc.indexOf(START);
    const b = doc.indexOf(END);
    if (a < 0 || b < a) continue;
    writeFileSync(page, `${doc.slice(0, a + START.length)}\n${body}\n${doc.slice(b)}`);
  }
}

async function main() {
  const started = Date.now();
  const data = await ensureData();
  const loadStart = os.loadavg();
  log(`bench: ${count} messages (${(data.bytes / 1e6).toFixed(1)} MB), ${rounds} round(s), load average ${loadStart.map((x) => x.toFixed(2)).join(' ')}`);
  const results = [];
  for (const w of WORKLOADS) {
    if (only && !only.includes(w.name)) continue;
    if (w.kind === 'stub') {
      console.log(`${w.name}: not yet`);
      results.push({ name: w.name, summary: w.summary, status: 'not yet' });
      continue;
    }
    log(`${w.name}: ${w.summary}`);
    if (w.kind === 'service') {
      try {
        const mod = await import(new URL(w.module, import.meta.url).href);
        const r = await mod.run({ count, rounds, data, log, quick });
        results.push({ name: w.name, summary: w.summary, status: 'ok', ...r });
      } catch (e) {
        log(`  ${w.name} failed: ${e?.stack ?? e}`);
        results.push({ name: w.name, summary: w.summary, status: `failed: ${String(e?.message ?? e).slice(0, 200)}` });
      }
      continue;
    }
    const mismatch = w.kind === 'throughput' ? verify(w, data.sample) : undefined;
    if (mismatch) log(`  WARNING: outputs differ on the 1000-document sample: ${mismatch}`);
    const r = w.kind === 'throughput' ? await runThroughput(w, data) : await runFootprint(w);
    results.push({ name: w.name, summary: w.summary, status: 'ok', verified: w.kind === 'throughput' ? !mismatch : undefined, mismatch, ...r });
  }
  const loadEnd = os.loadavg();
  const cpus = os.cpus();
  const report = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    messages: count,
    bytes: data.bytes,
    rounds,
    machine: { cores: cpus.length, cpu: cpus[0]?.model, memoryGiB: round(os.totalmem() / 2 ** 30, 1), platform: `${os.platform()} ${os.release()}` },
    node: process.version,
    loadAverage: { start: loadStart.map((x) => round(x, 2)), end: loadEnd.map((x) => round(x, 2)) },
    durationS: round((Date.now() - started) / 1000, 1),
    workloads: results,
  };
  const out = join(bench, 'results');
  mkdirSync(out, { recursive: true });
  const md = renderMarkdown(report);
  if (!flag('no-save')) {
    writeFileSync(join(out, 'latest.json'), JSON.stringify(report, null, 2) + '\n');
    writeFileSync(join(out, 'latest.md'), md);
    // A full run also refreshes the table in docs/benchmarks.md (between the markers).
    if (!quick && !only) updateDocs(md);
  }
  console.log(md);
}

if (flag('render')) {
  // Re-render latest.json (e.g. after changing the report layout) without running anything.
  const report = JSON.parse(readFileSync(join(bench, 'results', 'latest.json'), 'utf8'));
  const md = renderMarkdown(report);
  writeFileSync(join(bench, 'results', 'latest.md'), md);
  if (report.mode === 'full') updateDocs(md);
  console.log(md);
} else {
  await main();
}
