/**
 * Durations as exact nanosecond counts (bigint): Go's time.ParseDuration ("1h30m", "50us") and
 * ISO 8601 periods ("P3Y6M4DT12H30M5S") for parse_duration_iso8601 and ts_add_iso8601.
 */
import { BloblangError } from '../value.js';

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n,
  'μs': 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_INT64 = (1n << 63n) - 1n;

/** Go's time.ParseDuration, in nanoseconds. */
export function parseGoDuration(text: string): bigint {
  const quoted = JSON.stringify(text);
  const invalid = () => new BloblangError(`time: invalid duration ${quoted}`);
  let s = text;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    const whole = m[1] ?? '';
    const frac = m[2];
    if (whole === '' && (frac === undefined || frac === '')) throw invalid();
    s = s.slice(m[0].length);
    const u = /^[^\d.]+/.exec(s);
    if (!u) throw new BloblangError(`time: missing unit in duration ${quoted}`);
    const unit = UNIT_NS[u[0]];
    if (unit === undefined) throw new BloblangError(`time: unknown unit ${JSON.stringify(u[0])} in duration ${quoted}`);
    s = s.slice(u[0].length);
    let v = BigInt(whole || '0') * unit;
    if (frac) {
      // Fractions are truncated to whole nanoseconds, as Go does.
      v += (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    }
    total += v;
    if (total > MAX_INT64 + (neg ? 1n : 0n)) throw invalid();
  }
  return neg ? -total : total;
}

/** An ISO 8601 period split into calendar parts (may be fractional) and clock parts. */
export interface Period {
  negative: boolean;
  years: string;
  months: string;
  weeks: string;
  days: string;
  hours: string;
  minutes: string;
  seconds: string;
}

const PERIOD_RE = /^([+-])?P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

export function parsePeriod(text: string): Period {
  const upper = text.toUpperCase();
  const m = PERIOD_RE.exec(upper);
  // "P" alone, or a dangling "T", carry no fields.
  if (!m || /^[+-]?PT?$/.test(upper) || upper.endsWith('T')) {
    const why = upper.replace(/^[+-]/, '').startsWith('P') ? 'invalid period' : "expected 'P' period mark at the start";
    throw new BloblangError(`${JSON.stringify(text)}: ${why}`);
  }
  const n = (i: number) => (m[i] ?? '0').replace(',', '.');
  return {
    negative: m[1] === '-',
    years: n(2),
    months: n(3),
    weeks: n(4),
    days: n(5),
    hours: n(6),
    minutes: n(7),
    seconds: n(8),
  };
}

/** decimal string × whole seconds per unit → nanoseconds (truncated). */
function decimalToNs(dec: string, secondsPerUnit: bigint): bigint {
  const [whole, frac = ''] = dec.split('.');
  const scaled = BigInt((whole ?? '0') + frac);
  return (scaled * secondsPerUnit * 1_000_000_000n) / 10n ** BigInt(frac.length);
}

const SECONDS_PER_DAY = 86_400n;
/** rickb777/period's approximations: a year is 365.2425 days, a month a twelfth of that. */
const SECONDS_PER_YEAR = 31_556_952n;
const SECONDS_PER_MONTH = 2_629_746n;

/** The clock part (hours, minutes, seconds) in nanoseconds. */
export function periodClockNs(p: Period): bigint {
  return decimalToNs(p.hours, 3600n) + decimalToNs(p.minutes, 60n) + decimalToNs(p.seconds, 1n);
}

/** rickb777/period DurationApprox, in nanoseconds. */
export function periodApproxNs(p: Period): bigint {
  const total =
    decimalToNs(p.years, SECONDS_PER_YEAR) +
    decimalToNs(p.months, SECONDS_PER_MONTH) +
    decimalToNs(p.weeks, 7n * SECONDS_PER_DAY) +
    decimalToNs(p.days, SECONDS_PER_DAY) +
    periodClockNs(p);
  return p.negative ? -total : total;
}

export function isWhole(dec: string): boolean {
  return !dec.includes('.') || /\.0*$/.test(dec);
}
