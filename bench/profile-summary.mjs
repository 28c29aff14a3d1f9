#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the top functions by self time, with their
// inclusive time, and self time per source file, as Markdown.
//
//   node bench/profile-summary.mjs <file.cpuprofile> [--top 25] [--out summary.md] [--title "..."]
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where a call frame comes from, short: repo-relative path, `node:internal/...`, or a (pseudo) name. */
function location(cf) {
  let url = cf.url || '';
  if (url.startsWith('file://')) url = relative(root, fileURLToPath(url));
  if (!url) return '';
  return `${url}:${cf.lineNumber + 1}`;
}

export function summarise(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const key = (n) => `${n.callFrame.functionName || '(anonymous)'}\u0000${location(n.callFrame)}`;
  const self = new Map();
  const total = new Map();
  const files = new Map();
  let sum = 0;
  const samples = profile.samples;
  const deltas = profile.timeDeltas;
  for (let i = 0; i < samples.length; i++) {
    // timeDeltas[i] is the time before sample i; charge it to that sample (the usual convention).
    const dt = Math.max(0, deltas[i] ?? 0) / 1000;
    sum += dt;
    const leaf = byId.get(samples[i]);
    const k = key(leaf);
    self.set(k, (self.get(k) ?? 0) + dt);
    const file = (leaf.callFrame.url || leaf.callFrame.functionName || '?').replace(/^file:\/\//, '');
    const fk = file.startsWith('/') ? relative(root, file) : file;
    files.set(fk, (files.get(fk) ?? 0) + dt);
    const seen = new Set();
    for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
      const kk = key(byId.get(id));
      if (seen.has(kk)) continue; // recursion: count each function once per sample
      seen.add(kk);
      total.set(kk, (total.get(kk) ?? 0) + dt);
    }
  }
  const rows = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, ms]) => {
      const [fn, loc] = k.split('\u0000');
      return { fn, loc, selfMs: ms, selfPct: (100 * ms) / sum, totalPct: (100 * (total.get(k) ?? 0)) / sum };
    });
  const fileRows = [...files.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([file, ms]) => ({ file, selfMs: ms, selfPct: (100 * ms) / sum }));
  return { totalMs: sum, samples: samples.length, rows, fileRows };
}

export function toMarkdown(s, title = 'CPU profile') {
  const f = (x, d = 1) => x.toFixed(d);
  const out = [`# ${title}`, '', `${s.samples} samples, ${f(s.totalMs / 1000, 2)} s profiled.`, '', `## Top ${s.rows.length} functions by self time`, ''];
  out.push('| # | self ms | self % | total % | function | location |', '|---:|---:|---:|---:|---|---|');
  s.rows.forEach((r, i) => out.push(`| ${i + 1} | ${f(r.selfMs, 0)} | ${f(r.selfPct)} | ${f(r.totalPct)} | \`${r.fn}\` | ${r.loc || '–'} |`));
  out.push('', '## Self time by file', '', '| self ms | self % | file |', '|---:|---:|---|');
  for (const r of s.fileRows) out.push(`| ${f(r.selfMs, 0)} | ${f(r.selfPct)} | ${r.file} |`);
  out.push('');
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const opt = (n) => {
    const i = args.indexOf(`--${n}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const file = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  if (!file) {
    console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top 25] [--out file.md] [--title text]');
    process.exit(2);
  }
  const md = toMarkdown(summarise(JSON.parse(readFileSync(file, 'utf8')), Number(opt('top') ?? 25)), opt('title'));
  if (opt('out')) writeFileSync(opt('out'), md);
  console.log(md);
}
