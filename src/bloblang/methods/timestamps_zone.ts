/**
 * Time zones and calendar fields for Timestamp values. A Timestamp's `zone` is undefined (UTC),
 * a fixed offset such as "+02:00" / "-05:30", or an IANA name such as "America/New_York".
 * Wall-clock fields are computed from epoch nanoseconds so nanosecond precision is kept.
 */
import { IANAZone, DateTime } from 'luxon';
import { BloblangError, Timestamp } from '../value.js';

/** The process zone (Go's time.Local). Undefined when it is UTC. */
export const LOCAL_ZONE: string | undefined = (() => {
  const tz = process.env.TZ || Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC' || tz === 'Etc/Universal' || tz === 'Universal') return undefined;
  return IANAZone.isValidZone(tz) ? tz : undefined;
})();

const FIXED = /^([+-])(\d\d):(\d\d)(?::(\d\d))?$/;

/** Go's time.LoadLocation: "UTC"/"" → UTC, "Local" → process zone, else an IANA name. */
export function loadLocation(name: string): string | undefined {
  if (name === '' || name === 'UTC') return undefined;
  if (name === 'Local') return LOCAL_ZONE;
  if (IANAZone.isValidZone(name)) return name;
  throw new BloblangError(`unknown time zone ${name}`);
}

const zoneCache = new Map<string, IANAZone>();
function ianaZone(name: string): IANAZone {
  let z = zoneCache.get(name);
  if (!z) {
    z = IANAZone.create(name);
    zoneCache.set(name, z);
  }
  return z;
}

/** Offset from UTC in seconds of `zone` at the instant `epochMs`. */
export function offsetSecondsAt(zone: string | undefined, epochMs: number): number {
  if (zone === undefined || zone === 'UTC' || zone === 'Z') return 0;
  const m = FIXED.exec(zone);
  if (m) {
    const secs = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
    return m[1] === '-' ? -secs : secs;
  }
  const z = zone === 'Local' ? LOCAL_ZONE : zone;
  if (z === undefined) return 0;
  const iana = ianaZone(z);
  if (!iana.isValid) return 0;
  return Math.round(iana.offset(epochMs) * 60);
}

/** Zone abbreviation as Go's "MST" prints it: "UTC", "EST", or "" for fixed offsets. */
export function zoneAbbreviation(zone: string | undefined, epochMs: number): string {
  if (zone === undefined || zone === 'UTC' || zone === 'Z') return 'UTC';
  if (FIXED.test(zone)) return '';
  const z = zone === 'Local' ? LOCAL_ZONE : zone;
  if (z === undefined) return 'UTC';
  const name = ianaZone(z).offsetName(epochMs, { format: 'short', locale: 'en-US' }) ?? '';
  // ICU has no abbreviation for many zones and answers "GMT+1"; tzdata (Go) uses "+01" there.
  const gmt = /^GMT([+-])(\d{1,2})(?::(\d\d))?$/.exec(name);
  if (gmt) return `${gmt[1]}${gmt[2]!.padStart(2, '0')}${gmt[3] ?? ''}`;
  return name;
}

/** A fixed-offset zone string for `seconds` east of UTC ("+02:00"); undefined for 0. */
export function fixedZone(seconds: number): string | undefined {
  if (seconds === 0) return undefined;
  const sign = seconds < 0 ? '-' : '+';
  const abs = Math.abs(seconds);
  const hh = String(Math.floor(abs / 3600)).padStart(2, '0');
  const mm = String(Math.floor((abs % 3600) / 60)).padStart(2, '0');
  const ss = abs % 60;
  return `${sign}${hh}:${mm}${ss ? `:${String(ss).padStart(2, '0')}` : ''}`;
}

export interface WallClock {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  weekday: number; // 0 = Sunday
  yearDay: number; // 1-366
  offsetSeconds: number;
  epochMs: number;
}

const NS_PER_SEC = 1_000_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Break a timestamp into the wall-clock fields of its zone (or of `zoneOverride`). */
export function wallClock(t: Timestamp, zone: string | undefined = t.zone): WallClock {
  const secs = floorDiv(t.epochNs, NS_PER_SEC);
  const nanosecond = Number(t.epochNs - secs * NS_PER_SEC);
  const epochMs = Number(secs) * 1000 + Math.floor(nanosecond / 1e6);
  const offsetSeconds = offsetSecondsAt(zone, epochMs);
  const d = new Date((Number(secs) + offsetSeconds) * 1000);
  const year = d.getUTCFullYear();
  const startOfYear = Date.UTC(year, 0, 1);
  const dayStart = Date.UTC(year, d.getUTCMonth(), d.getUTCDate());
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanosecond,
    weekday: d.getUTCDay(),
    yearDay: Math.round((dayStart - startOfYear) / 86_400_000) + 1,
    offsetSeconds,
    epochMs,
  };
}

/**
 * Go's time.Date: wall-clock fields (which may overflow, e.g. month 14 or day 0, and are
 * normalised) in `zone` to a Timestamp.
 */
export function fromWallClock(
  zone: string | undefined,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nanosecond: number,
): Timestamp {
  // Normalise overflowing fields through the proleptic UTC calendar first.
  const extraSec = Math.floor(nanosecond / 1e9);
  const ns = nanosecond - extraSec * 1e9;
  const asUtc = new Date(0);
  asUtc.setUTCFullYear(year, month - 1, day);
  asUtc.setUTCHours(hour, minute, second + extraSec, 0);
  const utcMs = asUtc.getTime();
  let offset = 0;
  if (zone !== undefined && zone !== 'UTC') {
    if (FIXED.test(zone)) {
      offset = offsetSecondsAt(zone, utcMs);
    } else {
      const z = zone === 'Local' ? LOCAL_ZONE : zone;
      if (z !== undefined) {
        const dt = DateTime.fromObject(
          {
            year: asUtc.getUTCFullYear(),
            month: asUtc.getUTCMonth() + 1,
            day: asUtc.getUTCDate(),
            hour: asUtc.getUTCHours(),
            minute: asUtc.getUTCMinutes(),
            second: asUtc.getUTCSeconds(),
          },
          { zone: z },
        );
        offset = dt.isValid ? dt.offset * 60 : 0;
      }
    }
  }
  const epochSec = BigInt(Math.round(utcMs / 1000) - offset);
  return new Timestamp(epochSec * NS_PER_SEC + BigInt(ns), zone);
}
