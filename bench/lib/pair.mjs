// Shared by the service workloads (Kafka, NATS, HTTP): run a Sluice side and a baseline side for a
// number of rounds, alternating which goes first, and reduce the runs to medians and per-round
// ratios in the same shape as the file workloads (see run.mjs), so one report renders them all.
import { median, round } from './stats.mjs';

/**
 * `sides` maps a side name to an async function (round index) → { msgsPerS, mbPerS?, peakRssMiB?,
 * p50Ms?, p99Ms?, error? }. `ratios` as in workloads.mjs ({ name, num, den, target }).
 */
export async function runPairs({ name, rounds, sides, ratios, log }) {
  const names = Object.keys(sides);
  const runs = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const n = names[(i + r) % names.length];
      let run;
      try {
        run = await sides[n].run(r);
      } catch (e) {
        run = { error: String(e?.message ?? e).slice(0, 400) };
      }
      runs[n].push(run);
      const lat = run.p99Ms !== undefined ? `, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms` : '';
      log(`  ${name} round ${r + 1} ${n}: ${run.error ? `FAILED: ${run.error}` : `${run.msgsPerS} msg/s${lat}`}`);
    }
  }
  const ok = (n) => runs[n].filter((x) => !x.error);
  const med = (n, k) => round(median(ok(n).map((x) => x[k])), k === 'msgsPerS' ? 0 : 2);
  const out = {};
  for (const n of names) {
    out[n] = {
      command: sides[n].what,
      msgsPerS: med(n, 'msgsPerS'),
      mbPerS: med(n, 'mbPerS'),
      peakRssMiB: med(n, 'peakRssMiB'),
      p50Ms: med(n, 'p50Ms'),
      p99Ms: med(n, 'p99Ms'),
      failures: runs[n].length - ok(n).length,
      runs: runs[n],
    };
  }
  const rs = ratios.map((q) => {
    const pairs = [];
    for (let r = 0; r < rounds; r++) {
      const a = runs[q.num][r];
      const b = runs[q.den][r];
      if (!a.error && !b.error && a[q.field ?? 'msgsPerS'] && b[q.field ?? 'msgsPerS']) pairs.push(a[q.field ?? 'msgsPerS'] / b[q.field ?? 'msgsPerS']);
    }
    const value = round(median(pairs), 3);
    const meets = q.target === undefined || value === undefined ? undefined : q.atMost ? value <= q.target : value >= q.target;
    return { name: q.name, value, perRound: pairs.map((p) => round(p, 3)), target: q.target, atMost: q.atMost, meetsTarget: meets };
  });
  return { sides: out, ratios: rs };
}

/** Poll `probe` every `everyMs` until it returns true; throws after `timeoutMs`. */
export async function waitUntil(probe, { timeoutMs = 300_000, everyMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
