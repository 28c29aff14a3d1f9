// Renders a benchmark report (see run.mjs) as the Markdown table kept in bench/results/latest.md.
const fmt = (x, digits = 0) => (x === undefined || x === null ? '–' : Number(x).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const check = (ok) => (ok === undefined ? '' : ok ? ' ✓' : ' ✗');

export function renderMarkdown(r) {
  const lines = [];
  lines.push(`# Sluice benchmark results (${r.mode})`);
  lines.push('');
  lines.push(`- date: ${r.date}`);
  lines.push(`- machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memoryGiB} GiB, ${r.machine.platform}`);
  lines.push(`- node: ${r.node}`);
  lines.push(`- load average (1/5/15 min): ${r.loadAverage.start.join(' / ')} at start, ${r.loadAverage.end.join(' / ')} at end${r.loadAverage.start[0] > r.machine.cores * 0.5 ? ' — **the machine was loaded: compare ratios, not absolute figures**' : ''}`);
  lines.push(`- data: ${fmt(r.messages)} NDJSON documents, ${fmt(r.bytes / 1e6, 1)} MB; ${r.rounds} round(s), sides alternating; figures are medians; ratio = median of per-round ratios`);
  lines.push(`- run took ${r.durationS} s`);
  lines.push('');
  lines.push('| workload | side | msg/s | MB/s | peak RSS (MiB) | ratio (target) |');
  lines.push('|---|---|---:|---:|---:|---|');
  for (const w of r.workloads) {
    if (w.status !== 'ok') {
      lines.push(`| ${w.name} | – | – | – | – | ${w.status} |`);
      continue;
    }
    if (w.targets) continue; // footprint has its own table
    const ratioText = w.ratios.map((q) => `${q.name} **${fmt(q.value, 2)}**${q.target !== undefined ? ` (${q.atMost ? '≤' : '≥'} ${q.target})${check(q.meetsTarget)}` : ''}`).join('<br>');
    let first = true;
    for (const [side, s] of Object.entries(w.sides)) {
      const latency = s.p99Ms !== undefined ? `<br>p50 ${fmt(s.p50Ms, 2)} ms, p99 ${fmt(s.p99Ms, 2)} ms` : '';
      lines.push(`| ${first ? w.name : ''} | ${side}${s.failures ? ` (${s.failures} failed)` : ''}${latency} | ${fmt(s.msgsPerS)} | ${fmt(s.mbPerS, 1)} | ${fmt(s.peakRssMiB, 0)} | ${first ? ratioText : ''} |`);
      first = false;
    }
    if (w.verified === false) lines.push(`| | ⚠ outputs differ: ${w.mismatch.replace(/\|/g, '\\|').slice(0, 200)} | | | | |`);
  }
  const fp = r.workloads.find((w) => w.targets && w.status === 'ok');
  if (fp) {
    lines.push('');
    lines.push('| footprint | idle RSS after 2 s (MiB) | time to first message (s) |');
    lines.push('|---|---:|---:|');
    for (const [side, s] of Object.entries(fp.sides)) lines.push(`| ${side} | ${fmt(s.idleRssMiB, 1)} | ${fmt(s.firstMessageS, 3)} |`);
    const t = fp.targets;
    lines.push(`| target (sluice) | ≤ ${t.idleRssMiB.target}${check(t.idleRssMiB.meetsTarget)} | ≤ ${t.firstMessageS.target}${check(t.firstMessageS.meetsTarget)} |`);
  }
  lines.push('');
  return lines.join('\n');
}
