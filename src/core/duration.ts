/**
 * Go's time.ParseDuration, which Benthos configs use for every duration field ("1s", "1h30m",
 * "500ms", "1.5s"). Units: ns, us, µs, ms, s, m, h. Returns milliseconds (may be fractional).
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

export function parseDuration(text: string): number {
  const s = text.trim();
  if (s === '0') return 0;
  let i = 0;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    i = 1;
  }
  if (i >= s.length) throw new Error(`invalid duration "${text}"`);
  let total = 0;
  while (i < s.length) {
    const numStart = i;
    while (i < s.length && ((s[i]! >= '0' && s[i]! <= '9') || s[i] === '.')) i++;
    const numText = s.slice(numStart, i);
    if (numText === '' || numText === '.') throw new Error(`invalid duration "${text}"`);
    const unitStart = i;
    while (i < s.length && !((s[i]! >= '0' && s[i]! <= '9') || s[i] === '.')) i++;
    const unit = s.slice(unitStart, i);
    if (unit === '') throw new Error(`missing unit in duration "${text}"`);
    const scale = UNIT_MS[unit];
    if (scale === undefined) throw new Error(`unknown unit "${unit}" in duration "${text}"`);
    total += Number(numText) * scale;
  }
  return sign * total;
}

/** Format milliseconds the way Go prints a duration (e.g. 1m30s, 500ms). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let rest = Math.abs(ms);
  let out = '';
  if (rest < 1000) {
    out = rest >= 1 ? `${trim(rest)}ms` : rest >= 1e-3 ? `${trim(rest * 1e3)}µs` : `${trim(rest * 1e6)}ns`;
  } else {
    const h = Math.floor(rest / 3_600_000);
    rest -= h * 3_600_000;
    const m = Math.floor(rest / 60_000);
    rest -= m * 60_000;
    if (h > 0) out += `${h}h`;
    if (h > 0 || m > 0) out += `${m}m`;
    out += `${trim(rest / 1000)}s`;
  }
  return neg ? `-${out}` : out;
}

function trim(n: number): string {
  return String(Number(n.toFixed(9)));
}
