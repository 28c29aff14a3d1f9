/**
 * Go reference-time layouts ("2006-01-02T15:04:05.999999999Z07:00", "Mon Jan _2 15:04:05 MST
 * 2006", ...) for ts_format / ts_parse. A layout is tokenised once (compileLayout) and then used
 * for any number of formats or parses. Behaviour follows Go's time.Format and time.Parse.
 */
import { BloblangError, Timestamp } from '../value.js';
import { fixedZone, fromWallClock, wallClock, zoneAbbreviation, LOCAL_ZONE } from './timestamps_zone.js';

type Std =
  | 'LongMonth'
  | 'Month'
  | 'NumMonth'
  | 'ZeroMonth'
  | 'LongWeekDay'
  | 'WeekDay'
  | 'Day'
  | 'UnderDay'
  | 'ZeroDay'
  | 'UnderYearDay'
  | 'ZeroYearDay'
  | 'Hour'
  | 'Hour12'
  | 'ZeroHour12'
  | 'Minute'
  | 'ZeroMinute'
  | 'Second'
  | 'ZeroSecond'
  | 'LongYear'
  | 'Year'
  | 'PM'
  | 'pm'
  | 'TZ'
  | 'ISO8601TZ'
  | 'ISO8601SecondsTZ'
  | 'ISO8601ShortTZ'
  | 'ISO8601ColonTZ'
  | 'ISO8601ColonSecondsTZ'
  | 'NumTZ'
  | 'NumSecondsTZ'
  | 'NumShortTZ'
  | 'NumColonTZ'
  | 'NumColonSecondsTZ'
  | 'FracSecond0'
  | 'FracSecond9';

export type LayoutToken =
  | { kind: 'lit'; text: string }
  | { kind: 'std'; std: Std; text: string; digits?: number; sep?: string };

export const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const SHORT_MONTHS = LONG_MONTHS.map((m) => m.slice(0, 3));
export const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
export const SHORT_DAYS = LONG_DAYS.map((d) => d.slice(0, 3));

/** Offset layouts after the leading '-' or 'Z', longest first, with their Std name suffix. */
const TZ_CHUNKS: [string, string][] = [
  ['070000', 'SecondsTZ'],
  ['07:00:00', 'ColonSecondsTZ'],
  ['0700', 'TZ'],
  ['07:00', 'ColonTZ'],
  ['07', 'ShortTZ'],
];

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** Go's nextStdChunk: the standard element starting at `i`, if any, and its length. */
function stdAt(layout: string, i: number): { std: Std; len: number; digits?: number; sep?: string } | undefined {
  const rest = layout.slice(i);
  switch (layout[i]) {
    case 'J':
      if (rest.startsWith('January')) return { std: 'LongMonth', len: 7 };
      if (rest.startsWith('Jan')) return { std: 'Month', len: 3 };
      return undefined;
    case 'M':
      if (rest.startsWith('Monday')) return { std: 'LongWeekDay', len: 6 };
      if (rest.startsWith('Mon')) return { std: 'WeekDay', len: 3 };
      if (rest.startsWith('MST')) return { std: 'TZ', len: 3 };
      return undefined;
    case '0': {
      if (rest.startsWith('002')) return { std: 'ZeroYearDay', len: 3 };
      const c = layout[i + 1];
      if (c !== undefined && c >= '1' && c <= '6') {
        const std = (['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'] as Std[])[Number(c) - 1]!;
        return { std, len: 2 };
      }
      return undefined;
    }
    case '1':
      if (rest.startsWith('15')) return { std: 'Hour', len: 2 };
      return { std: 'NumMonth', len: 1 };
    case '2':
      if (rest.startsWith('2006')) return { std: 'LongYear', len: 4 };
      return { std: 'Day', len: 1 };
    case '_':
      // "_2006" is a literal underscore followed by a long year; handled by the caller.
      if (rest.startsWith('_2') && !rest.startsWith('_2006')) return { std: 'UnderDay', len: 2 };
      if (rest.startsWith('__2')) return { std: 'UnderYearDay', len: 3 };
      return undefined;
    case '3':
      return { std: 'Hour12', len: 1 };
    case '4':
      return { std: 'Minute', len: 1 };
    case '5':
      return { std: 'Second', len: 1 };
    case 'P':
      return rest.startsWith('PM') ? { std: 'PM', len: 2 } : undefined;
    case 'p':
      return rest.startsWith('pm') ? { std: 'pm', len: 2 } : undefined;
    case '-':
    case 'Z': {
      const prefix = layout[i] === '-' ? 'Num' : 'ISO8601';
      for (const [chunk, suffix] of TZ_CHUNKS) {
        if (rest.startsWith(layout[i] + chunk)) return { std: `${prefix}${suffix}` as Std, len: chunk.length + 1 };
      }
      return undefined;
    }
    case '.':
    case ',': {
      const ch = layout[i + 1];
      if (ch === '0' || ch === '9') {
        let j = i + 1;
        while (j < layout.length && layout[j] === ch) j++;
        if (!isDigitAt(layout, j)) {
          return { std: ch === '0' ? 'FracSecond0' : 'FracSecond9', len: j - i, digits: j - i - 1, sep: layout[i] };
        }
      }
      return undefined;
    }
  }
  return undefined;
}

/** Tokenise a Go layout once. */
export function compileLayout(layout: string): LayoutToken[] {
  const tokens: LayoutToken[] = [];
  let lit = '';
  for (let i = 0; i < layout.length; ) {
    const found = stdAt(layout, i);
    if (found) {
      if (lit) tokens.push({ kind: 'lit', text: lit });
      lit = '';
      tokens.push({ kind: 'std', std: found.std, text: layout.slice(i, i + found.len), digits: found.digits, sep: found.sep });
      i += found.len;
    } else {
      lit += layout[i];
      i++;
    }
  }
  if (lit) tokens.push({ kind: 'lit', text: lit });
  return tokens;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? `-${s}` : s;
}

function formatOffset(offset: number, colon: boolean, withSeconds: boolean, short: boolean): string {
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = pad(Math.floor(abs / 3600), 2);
  const mm = pad(Math.floor((abs % 3600) / 60), 2);
  const ss = pad(abs % 60, 2);
  if (short) return `${sign}${hh}`;
  const sep = colon ? ':' : '';
  return withSeconds ? `${sign}${hh}${sep}${mm}${sep}${ss}` : `${sign}${hh}${sep}${mm}`;
}

/** Go's time.Format with a compiled layout, in the timestamp's zone. */
export function formatLayout(t: Timestamp, tokens: readonly LayoutToken[]): string {
  const w = wallClock(t);
  let out = '';
  for (const tok of tokens) {
    if (tok.kind === 'lit') {
      out += tok.text;
      continue;
    }
    switch (tok.std) {
      case 'Year':
        out += pad(((w.year % 100) + 100) % 100, 2);
        break;
      case 'LongYear':
        out += pad(w.year, 4);
        break;
      case 'Month':
        out += SHORT_MONTHS[w.month - 1];
        break;
      case 'LongMonth':
        out += LONG_MONTHS[w.month - 1];
        break;
      case 'NumMonth':
        out += String(w.month);
        break;
      case 'ZeroMonth':
        out += pad(w.month, 2);
        break;
      case 'WeekDay':
        out += SHORT_DAYS[w.weekday];
        break;
      case 'LongWeekDay':
        out += LONG_DAYS[w.weekday];
        break;
      case 'Day':
        out += String(w.day);
        break;
      case 'UnderDay':
        out += w.day < 10 ? ` ${w.day}` : String(w.day);
        break;
      case 'ZeroDay':
        out += pad(w.day, 2);
        break;
      case 'UnderYearDay':
        out += String(w.yearDay).padStart(3, ' ');
        break;
      case 'ZeroYearDay':
        out += pad(w.yearDay, 3);
        break;
      case 'Hour':
        out += pad(w.hour, 2);
        break;
      case 'Hour12':
        out += String(w.hour % 12 === 0 ? 12 : w.hour % 12);
        break;
      case 'ZeroHour12':
        out += pad(w.hour % 12 === 0 ? 12 : w.hour % 12, 2);
        break;
      case 'Minute':
        out += String(w.minute);
        break;
      case 'ZeroMinute':
        out += pad(w.minute, 2);
        break;
      case 'Second':
        out += String(w.second);
        break;
      case 'ZeroSecond':
        out += pad(w.second, 2);
        break;
      case 'PM':
        out += w.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += w.hour >= 12 ? 'pm' : 'am';
        break;
      case 'ISO8601TZ':
      case 'ISO8601SecondsTZ':
      case 'ISO8601ShortTZ':
      case 'ISO8601ColonTZ':
      case 'ISO8601ColonSecondsTZ':
      case 'NumTZ':
      case 'NumSecondsTZ':
      case 'NumShortTZ':
      case 'NumColonTZ':
      case 'NumColonSecondsTZ': {
        const s = tok.std;
        if (s.startsWith('ISO') && w.offsetSeconds === 0) {
          out += 'Z';
          break;
        }
        out += formatOffset(w.offsetSeconds, s.includes('Colon'), s.includes('Seconds'), s.includes('Short'));
        break;
      }
      case 'TZ': {
        const name = zoneAbbreviation(t.zone, w.epochMs);
        out += name !== '' ? name : formatOffset(w.offsetSeconds, false, false, false);
        break;
      }
      case 'FracSecond0':
      case 'FracSecond9': {
        let digits = pad(w.nanosecond, 9).slice(0, tok.digits);
        if (tok.std === 'FracSecond9') {
          digits = digits.replace(/0+$/, '');
          if (digits === '') break;
        }
        out += tok.sep + digits;
        break;
      }
    }
  }
  return out;
}

//------------------------------------------------------------------------------
// Parsing

class ParseFail extends Error {
  constructor(
    readonly valueElem: string,
    readonly layoutElem: string,
    readonly custom?: string,
  ) {
    super('parse failure');
  }
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

/** Go's getnum: one or two digits (exactly two when `fixed`). */
function getNum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) {
    if (fixed) return undefined;
    return [s.charCodeAt(0) - 48, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48), s.slice(2)];
}

function getNum3(s: string, fixed: boolean): [number, string] | undefined {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigitAt(s, i); i++) n = n * 10 + s.charCodeAt(i) - 48;
  if (i === 0 || (fixed && i !== 3)) return undefined;
  return [n, s.slice(i)];
}

function lookupName(table: readonly string[], s: string): [number, string] | undefined {
  for (let i = 0; i < table.length; i++) {
    const name = table[i]!;
    if (s.length >= name.length && s.slice(0, name.length).toLowerCase() === name.toLowerCase()) return [i, s.slice(name.length)];
  }
  return undefined;
}

/** Go's skip: literal text must match, except that runs of spaces match runs of spaces. */
function skipLiteral(value: string, prefix: string): string | undefined {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') return undefined;
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return undefined;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

/** Go's parseTimeZone: length of a zone abbreviation at the start of `s`, or 0. */
function timeZoneLength(s: string): number {
  if (s.length < 3) return 0;
  if (s.startsWith('ChST') || s.startsWith('MeST')) return 4;
  if (s.startsWith('GMT')) {
    const m = /^GMT([+-]\d{1,2})?/.exec(s)!;
    return m[0].length;
  }
  if (s[0] === '+' || s[0] === '-') {
    const m = /^[+-]\d\d(\d\d)?/.exec(s);
    return m ? m[0].length : 0;
  }
  let n = 0;
  while (n < s.length && s[n]! >= 'A' && s[n]! <= 'Z') n++;
  switch (n) {
    case 0:
    case 1:
    case 2:
      return 0;
    case 5:
      return s[4] === 'T' ? 5 : 0;
    case 4:
      return s[3] === 'T' || s.startsWith('WITA') ? 4 : 0;
    case 3:
      return 3;
    default:
      return 0;
  }
}

function daysIn(month: number, year: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Go's time.Parse with a compiled layout. Unzoned results are UTC. */
export function parseLayout(layoutText: string, tokens: readonly LayoutToken[], input: string): Timestamp {
  let value = input;
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let nsec = 0;
  let pmSet = false;
  let amSet = false;
  let utc = false;
  let zoneOffset: number | undefined;
  let zoneName = '';
  const rangeError = (what: string) => new BloblangError(`parsing time ${goQuote(input)}: ${what} out of range`);

  try {
    for (let ti = 0; ti < tokens.length; ti++) {
      const tok = tokens[ti]!;
      if (tok.kind === 'lit') {
        const rest = skipLiteral(value, tok.text);
        if (rest === undefined) throw new ParseFail(value, tok.text);
        value = rest;
        continue;
      }
      const hold = value;
      const fail = (): never => {
        throw new ParseFail(hold, tok.text);
      };
      switch (tok.std) {
        case 'Year': {
          if (value.length < 2 || !isDigitAt(value, 0) || !isDigitAt(value, 1)) fail();
          const y = Number(value.slice(0, 2));
          value = value.slice(2);
          year = y >= 69 ? y + 1900 : y + 2000;
          break;
        }
        case 'LongYear': {
          if (value.length < 4 || !/^\d{4}/.test(value)) fail();
          year = Number(value.slice(0, 4));
          value = value.slice(4);
          break;
        }
        case 'Month':
        case 'LongMonth': {
          const r = lookupName(tok.std === 'Month' ? SHORT_MONTHS : LONG_MONTHS, value) ?? fail();
          month = r[0] + 1;
          value = r[1];
          break;
        }
        case 'NumMonth':
        case 'ZeroMonth': {
          const r = getNum(value, tok.std === 'ZeroMonth') ?? fail();
          if (r[0] <= 0 || r[0] > 12) throw rangeError('month');
          month = r[0];
          value = r[1];
          break;
        }
        case 'WeekDay':
        case 'LongWeekDay': {
          const r = lookupName(tok.std === 'WeekDay' ? SHORT_DAYS : LONG_DAYS, value) ?? fail();
          value = r[1];
          break;
        }
        case 'Day':
        case 'UnderDay':
        case 'ZeroDay': {
          if (tok.std === 'UnderDay' && value[0] === ' ') value = value.slice(1);
          const r = getNum(value, tok.std === 'ZeroDay') ?? fail();
          day = r[0];
          value = r[1];
          break;
        }
        case 'UnderYearDay':
        case 'ZeroYearDay': {
          for (let i = 0; i < 2; i++) if (tok.std === 'UnderYearDay' && value[0] === ' ') value = value.slice(1);
          const r = getNum3(value, tok.std === 'ZeroYearDay') ?? fail();
          if (r[0] < 1 || r[0] > 366) throw rangeError('day-of-year');
          yday = r[0];
          value = r[1];
          break;
        }
        case 'Hour': {
          const r = getNum(value, false) ?? fail();
          if (r[0] < 0 || r[0] >= 24) throw rangeError('hour');
          hour = r[0];
          value = r[1];
          break;
        }
        case 'Hour12':
        case 'ZeroHour12': {
          const r = getNum(value, tok.std === 'ZeroHour12') ?? fail();
          if (r[0] < 0 || r[0] > 12) throw rangeError('hour');
          hour = r[0];
          value = r[1];
          break;
        }
        case 'Minute':
        case 'ZeroMinute': {
          const r = getNum(value, tok.std === 'ZeroMinute') ?? fail();
          if (r[0] < 0 || r[0] >= 60) throw rangeError('minute');
          minute = r[0];
          value = r[1];
          break;
        }
        case 'Second':
        case 'ZeroSecond': {
          const r = getNum(value, tok.std === 'ZeroSecond') ?? fail();
          if (r[0] < 0 || r[0] >= 60) throw rangeError('second');
          second = r[0];
          value = r[1];
          // A fractional second in the value that the layout does not mention is accepted.
          const next = tokens[ti + 1];
          const nextIsFrac = next?.kind === 'std' && (next.std === 'FracSecond0' || next.std === 'FracSecond9');
          if (!nextIsFrac && value.length >= 2 && (value[0] === '.' || value[0] === ',') && isDigitAt(value, 1)) {
            let n = 1;
            while (n < value.length && isDigitAt(value, n)) n++;
            nsec = fracToNanos(value.slice(1, n));
            value = value.slice(n);
          }
          break;
        }
        case 'PM':
        case 'pm': {
          const p = value.slice(0, 2);
          const [am, pm] = tok.std === 'PM' ? ['AM', 'PM'] : ['am', 'pm'];
          if (p === pm) pmSet = true;
          else if (p === am) amSet = true;
          else fail();
          value = value.slice(2);
          break;
        }
        case 'ISO8601TZ':
        case 'ISO8601SecondsTZ':
        case 'ISO8601ShortTZ':
        case 'ISO8601ColonTZ':
        case 'ISO8601ColonSecondsTZ':
        case 'NumTZ':
        case 'NumSecondsTZ':
        case 'NumShortTZ':
        case 'NumColonTZ':
        case 'NumColonSecondsTZ': {
          if (tok.std.startsWith('ISO') && value[0] === 'Z') {
            value = value.slice(1);
            utc = true;
            break;
          }
          const colon = tok.std.includes('Colon');
          const withSeconds = tok.std.includes('Seconds');
          const short = tok.std.includes('Short');
          const re = short
            ? /^([+-])(\d\d)/
            : colon
              ? withSeconds
                ? /^([+-])(\d\d):(\d\d):(\d\d)/
                : /^([+-])(\d\d):(\d\d)/
              : withSeconds
                ? /^([+-])(\d\d)(\d\d)(\d\d)/
                : /^([+-])(\d\d)(\d\d)/;
          const m = re.exec(value) ?? fail();
          const hh = Number(m[2]);
          const mm = Number(m[3] ?? 0);
          const ss = Number(m[4] ?? 0);
          if (hh > 24 || mm > 60 || ss > 60) throw rangeError('time zone offset');
          const off = hh * 3600 + mm * 60 + ss;
          zoneOffset = m[1] === '-' ? -off : off;
          value = value.slice(m[0].length);
          break;
        }
        case 'TZ': {
          if (value.startsWith('UTC')) {
            value = value.slice(3);
            utc = true;
            break;
          }
          const n = timeZoneLength(value);
          if (n === 0) fail();
          zoneName = value.slice(0, n);
          value = value.slice(n);
          break;
        }
        case 'FracSecond0': {
          const ndigit = 1 + tok.digits!;
          if (value.length < ndigit || (value[0] !== '.' && value[0] !== ',')) fail();
          const digits = value.slice(1, ndigit);
          if (!/^\d*$/.test(digits)) fail();
          nsec = fracToNanos(digits);
          value = value.slice(ndigit);
          break;
        }
        case 'FracSecond9': {
          if (value.length < 2 || (value[0] !== '.' && value[0] !== ',') || !isDigitAt(value, 1)) break;
          let i = 1;
          while (i < 10 && isDigitAt(value, i)) i++;
          nsec = fracToNanos(value.slice(1, i));
          value = value.slice(i);
          break;
        }
      }
    }
  } catch (e) {
    if (e instanceof ParseFail) {
      throw new BloblangError(
        `parsing time ${goQuote(input)} as ${goQuote(layoutText)}: cannot parse ${goQuote(e.valueElem)} as ${goQuote(e.layoutElem)}`,
      );
    }
    throw e;
  }
  if (value.length > 0) throw new BloblangError(`parsing time ${goQuote(input)}: extra text: ${goQuote(value)}`);

  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    const leap = daysIn(2, year) === 29;
    if (yday > (leap ? 366 : 365)) throw rangeError('day-of-year');
    const d = new Date(Date.UTC(year, 0, yday));
    const m = d.getUTCMonth() + 1;
    const dd = d.getUTCDate();
    if (month >= 0 && month !== m) throw rangeError('day-of-year');
    if (day >= 0 && day !== dd) throw rangeError('day-of-year');
    month = m;
    day = dd;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) throw rangeError('day');

  if (utc) return fromWallClock(undefined, year, month, day, hour, minute, second, nsec);
  if (zoneOffset !== undefined) {
    const t = fromWallClock(undefined, year, month, day, hour, minute, second, nsec);
    const shifted = new Timestamp(t.epochNs - BigInt(zoneOffset) * 1_000_000_000n);
    // Go reuses the local zone when it has this offset at that instant.
    const local = LOCAL_ZONE === undefined ? 0 : undefined;
    const zone = zoneOffset === local ? undefined : fixedZone(zoneOffset);
    return new Timestamp(shifted.epochNs, zone);
  }
  if (zoneName !== '') {
    // Unknown abbreviations get a zero offset (GMT+h its offset), like Go with a UTC Local.
    let offset = 0;
    const gmt = /^GMT([+-]\d+)$/.exec(zoneName);
    if (gmt) offset = Number(gmt[1]) * 3600;
    const t = fromWallClock(undefined, year, month, day, hour, minute, second, nsec);
    return new Timestamp(t.epochNs - BigInt(offset) * 1_000_000_000n, fixedZone(offset));
  }
  return fromWallClock(undefined, year, month, day, hour, minute, second, nsec);
}

/** ".123" style digits to nanoseconds (at most 9 significant digits, truncated). */
export function fracToNanos(digits: string): number {
  return Number(digits.slice(0, 9).padEnd(9, '0'));
}
