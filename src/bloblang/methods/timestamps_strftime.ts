/**
 * strftime / strptime formats for ts_strftime and ts_strptime, following itchyny/timefmt-go
 * (what Benthos uses): the usual C directives plus `%f` (microseconds). Formats are compiled
 * once into a list of parts.
 */
import { BloblangError, Timestamp } from '../value.js';
import { LONG_DAYS, LONG_MONTHS, SHORT_DAYS, SHORT_MONTHS, fracToNanos } from './timestamps_golayout.js';
import { fixedZone, fromWallClock, wallClock, zoneAbbreviation, type WallClock } from './timestamps_zone.js';

type Part = { lit: string } | { dir: string };

/** Composite directives expand to simpler ones. */
const COMPOSITE: Record<string, string> = {
  c: '%a %b %e %H:%M:%S %Y',
  D: '%m/%d/%y',
  x: '%m/%d/%y',
  F: '%Y-%m-%d',
  R: '%H:%M',
  r: '%I:%M:%S %p',
  T: '%H:%M:%S',
  X: '%H:%M:%S',
  v: '%e-%b-%Y',
};

export function compileStrftime(format: string): Part[] {
  const parts: Part[] = [];
  let lit = '';
  const flush = () => {
    if (lit) parts.push({ lit });
    lit = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i + 1 >= format.length) {
      lit += c;
      continue;
    }
    let d = format[++i]!;
    if (d === ':' && format[i + 1] === 'z') {
      d = ':z';
      i++;
    }
    if (d === '%') lit += '%';
    else if (d === 'n') lit += '\n';
    else if (d === 't') lit += '\t';
    else if (COMPOSITE[d] !== undefined) {
      flush();
      parts.push(...compileStrftime(COMPOSITE[d]!));
    } else {
      flush();
      parts.push({ dir: d });
    }
  }
  flush();
  return parts;
}

function pad(n: number, width: number, ch = '0'): string {
  const s = String(Math.abs(n)).padStart(width, ch);
  return n < 0 ? `-${s}` : s;
}

/** ISO 8601 week number and week-based year. */
function isoWeek(w: WallClock): { week: number; year: number } {
  const date = Date.UTC(w.year, w.month - 1, w.day);
  const dayNum = (w.weekday + 6) % 7; // Monday = 0
  const thursday = new Date(date - dayNum * 86_400_000 + 3 * 86_400_000);
  const year = thursday.getUTCFullYear();
  const firstThursday = new Date(Date.UTC(year, 0, 4));
  const firstMonday = firstThursday.getTime() - ((firstThursday.getUTCDay() + 6) % 7) * 86_400_000;
  return { week: Math.floor((date - firstMonday) / (7 * 86_400_000)) + 1, year };
}

function offsetText(offset: number, colon: boolean): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 3600), 2)}${colon ? ':' : ''}${pad(Math.floor((abs % 3600) / 60), 2)}`;
}

export function formatStrftime(t: Timestamp, parts: readonly Part[]): string {
  const w = wallClock(t);
  let out = '';
  for (const p of parts) {
    if ('lit' in p) {
      out += p.lit;
      continue;
    }
    switch (p.dir) {
      case 'Y':
        out += pad(w.year, 4);
        break;
      case 'y':
        out += pad(((w.year % 100) + 100) % 100, 2);
        break;
      case 'C':
        out += pad(Math.floor(w.year / 100), 2);
        break;
      case 'G':
        out += pad(isoWeek(w).year, 4);
        break;
      case 'g':
        out += pad(isoWeek(w).year % 100, 2);
        break;
      case 'm':
        out += pad(w.month, 2);
        break;
      case 'B':
        out += LONG_MONTHS[w.month - 1];
        break;
      case 'b':
      case 'h':
        out += SHORT_MONTHS[w.month - 1];
        break;
      case 'A':
        out += LONG_DAYS[w.weekday];
        break;
      case 'a':
        out += SHORT_DAYS[w.weekday];
        break;
      case 'u':
        out += String(w.weekday === 0 ? 7 : w.weekday);
        break;
      case 'w':
        out += String(w.weekday);
        break;
      case 'd':
        out += pad(w.day, 2);
        break;
      case 'e':
        out += pad(w.day, 2, ' ');
        break;
      case 'j':
        out += pad(w.yearDay, 3);
        break;
      case 'U':
        out += pad(Math.floor((w.yearDay + 6 - w.weekday) / 7), 2);
        break;
      case 'W':
        out += pad(Math.floor((w.yearDay + 6 - ((w.weekday + 6) % 7)) / 7), 2);
        break;
      case 'V':
        out += pad(isoWeek(w).week, 2);
        break;
      case 'H':
        out += pad(w.hour, 2);
        break;
      case 'k':
        out += pad(w.hour, 2, ' ');
        break;
      case 'I':
        out += pad(w.hour % 12 === 0 ? 12 : w.hour % 12, 2);
        break;
      case 'l':
        out += pad(w.hour % 12 === 0 ? 12 : w.hour % 12, 2, ' ');
        break;
      case 'p':
        out += w.hour < 12 ? 'AM' : 'PM';
        break;
      case 'P':
        out += w.hour < 12 ? 'am' : 'pm';
        break;
      case 'M':
        out += pad(w.minute, 2);
        break;
      case 'S':
        out += pad(w.second, 2);
        break;
      case 'f':
        out += pad(Math.floor(w.nanosecond / 1000), 6);
        break;
      case 's':
        out += String((t.epochNs - BigInt(w.nanosecond)) / 1_000_000_000n);
        break;
      case 'z':
        out += offsetText(w.offsetSeconds, false);
        break;
      case ':z':
        out += offsetText(w.offsetSeconds, true);
        break;
      case 'Z': {
        const name = zoneAbbreviation(t.zone, w.epochMs);
        out += name !== '' ? name : offsetText(w.offsetSeconds, false);
        break;
      }
      default:
        out += `%${p.dir}`;
    }
  }
  return out;
}

function lookup(table: readonly string[], s: string): [number, number] | undefined {
  for (let i = 0; i < table.length; i++) {
    const name = table[i]!;
    if (s.slice(0, name.length).toLowerCase() === name.toLowerCase()) return [i, name.length];
  }
  return undefined;
}

/** strptime: parse `source` with compiled parts. Unzoned results are UTC. */
export function parseStrptime(source: string, format: string, parts: readonly Part[]): Timestamp {
  let pos = 0;
  let year = 1900;
  let month = 1;
  let day = 1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nsec = 0;
  let pm: boolean | undefined;
  let offset: number | undefined;
  let epoch: bigint | undefined;
  let yday = -1;
  const fail = (what: string): never => {
    throw new BloblangError(`failed to parse ${JSON.stringify(source)} with ${JSON.stringify(format)}: ${what}`);
  };
  const num = (maxDigits: number, label: string, allowSpace = false): number => {
    if (allowSpace) while (source[pos] === ' ') pos++;
    let sign = 1;
    if (source[pos] === '-' || source[pos] === '+') {
      if (source[pos] === '-') sign = -1;
      pos++;
    }
    const start = pos;
    while (pos < source.length && pos - start < maxDigits && source[pos]! >= '0' && source[pos]! <= '9') pos++;
    if (pos === start) fail(`cannot parse ${label}`);
    return sign * Number(source.slice(start, pos));
  };
  for (const p of parts) {
    if ('lit' in p) {
      for (const ch of p.lit) {
        if (ch === ' ') {
          while (source[pos] === ' ') pos++;
          continue;
        }
        if (source[pos] !== ch) fail(`expected ${JSON.stringify(ch)}`);
        pos++;
      }
      continue;
    }
    switch (p.dir) {
      case 'Y':
        year = num(4, '%Y');
        break;
      case 'y': {
        const y = num(2, '%y');
        year = y >= 69 ? 1900 + y : 2000 + y;
        break;
      }
      case 'C':
        year = num(2, '%C') * 100 + (year % 100);
        break;
      case 'm':
        month = num(2, '%m');
        break;
      case 'B':
      case 'b':
      case 'h': {
        const r = lookup(LONG_MONTHS, source.slice(pos)) ?? lookup(SHORT_MONTHS, source.slice(pos)) ?? fail(`cannot parse %${p.dir}`);
        month = r[0] + 1;
        pos += r[1];
        break;
      }
      case 'A':
      case 'a': {
        const r = lookup(LONG_DAYS, source.slice(pos)) ?? lookup(SHORT_DAYS, source.slice(pos)) ?? fail(`cannot parse %${p.dir}`);
        pos += r[1];
        break;
      }
      case 'u':
      case 'w':
        num(1, `%${p.dir}`);
        break;
      case 'd':
        day = num(2, '%d');
        break;
      case 'e':
        day = num(2, '%e', true);
        break;
      case 'j':
        yday = num(3, '%j');
        break;
      case 'U':
      case 'W':
      case 'V':
      case 'G':
      case 'g':
        num(p.dir === 'G' ? 4 : 2, `%${p.dir}`);
        break;
      case 'H':
        hour = num(2, '%H');
        break;
      case 'k':
        hour = num(2, '%k', true);
        break;
      case 'I':
        hour = num(2, '%I');
        break;
      case 'l':
        hour = num(2, '%l', true);
        break;
      case 'p':
      case 'P': {
        const s = source.slice(pos, pos + 2).toUpperCase();
        if (s === 'AM') pm = false;
        else if (s === 'PM') pm = true;
        else fail(`cannot parse %${p.dir}`);
        pos += 2;
        break;
      }
      case 'M':
        minute = num(2, '%M');
        break;
      case 'S':
        second = num(2, '%S');
        break;
      case 'f': {
        const start = pos;
        while (pos < source.length && source[pos]! >= '0' && source[pos]! <= '9') pos++;
        if (pos === start) fail('cannot parse %f');
        nsec = fracToNanos(source.slice(start, pos));
        break;
      }
      case 's': {
        const m = /^-?\d+/.exec(source.slice(pos)) ?? fail('cannot parse %s');
        epoch = BigInt(m[0]);
        pos += m[0].length;
        break;
      }
      case 'z':
      case ':z': {
        if (source[pos] === 'Z') {
          offset = 0;
          pos++;
          break;
        }
        const m = /^([+-])(\d\d):?(\d\d)?/.exec(source.slice(pos)) ?? fail(`cannot parse %${p.dir}`);
        const secs = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60;
        offset = m[1] === '-' ? -secs : secs;
        pos += m[0].length;
        break;
      }
      case 'Z': {
        const m = /^[A-Za-z][A-Za-z0-9_/+-]*/.exec(source.slice(pos)) ?? fail('cannot parse %Z');
        if (m[0] === 'UTC' || m[0] === 'GMT' || m[0] === 'Z') offset = 0;
        pos += m[0].length;
        break;
      }
      default:
        fail(`unsupported directive %${p.dir}`);
    }
  }
  if (pos < source.length) fail(`unconverted string: ${JSON.stringify(source.slice(pos))}`);
  if (epoch !== undefined) return new Timestamp(epoch * 1_000_000_000n + BigInt(nsec));
  if (pm === true && hour < 12) hour += 12;
  else if (pm === false && hour === 12) hour = 0;
  if (yday > 0) {
    month = 1;
    day = yday;
  }
  const t = fromWallClock(undefined, year, month, day, hour, minute, second, nsec);
  if (offset === undefined || offset === 0) return t;
  return new Timestamp(t.epochNs - BigInt(offset) * 1_000_000_000n, fixedZone(offset));
}
