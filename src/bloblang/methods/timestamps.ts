// Bloblang methods: timestamps ("timestamp manipulation"). Each definition registers itself on
// import. This module also installs the zone-aware RFC 3339 formatter used by Timestamp.toJSON.
import { registerMethod, type Args, type MethodDef } from '../registry.js';
import { Timestamp, setTimestampFormatter, typeError, type Value } from '../value.js';
import { intArg, noArgs, optionalStringArg, stringArg, wrapError } from './arrays_args.js';
import { isWhole, parseGoDuration, parsePeriod, periodApproxNs, periodClockNs, type Period } from './timestamps_duration.js';
import { compileLayout, formatLayout, parseLayout } from './timestamps_golayout.js';
import { compileStrftime, formatStrftime, parseStrptime } from './timestamps_strftime.js';
import { RFC3339_NANO, floorDiv, formatRfc3339Nano, intValue, toTimestamp } from './timestamps_value.js';
import { fromWallClock, loadLocation, wallClock } from './timestamps_zone.js';

setTimestampFormatter(formatRfc3339Nano);

const CATEGORY = 'timestamp manipulation';
const NS = 1_000_000_000n;
/** Seconds from 0001-01-01 (Go's zero time, which Round measures from) to the Unix epoch. */
const GO_EPOCH_OFFSET_NS = 62_135_596_800n * NS;

function stringTarget(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('utf8');
  throw typeError('string', v);
}

/** Register `def`, and a deprecated alias with the same behaviour when asked. */
function register(def: MethodDef, deprecatedAlias?: string, aliasBuild?: MethodDef['build']): void {
  registerMethod(def);
  if (deprecatedAlias) {
    registerMethod({ ...def, name: deprecatedAlias, deprecated: true, examples: undefined, build: aliasBuild ?? def.build });
  }
}

function optionalZone(args: Args): { zone: string | undefined } | undefined {
  const tz = optionalStringArg(args, 'tz');
  if (tz === undefined) return undefined;
  try {
    return { zone: loadLocation(tz) };
  } catch (e) {
    throw wrapError('failed to parse timezone location name', e);
  }
}

function inZone(t: Timestamp, zone: { zone: string | undefined } | undefined): Timestamp {
  return zone ? new Timestamp(t.epochNs, zone.zone) : t;
}

register(
  {
    name: 'ts_format',
    category: CATEGORY,
    description:
      'Attempts to format a timestamp value as a string according to a specified format, or RFC 3339 by default. Timestamp values can either be a numerical unix time in seconds (with up to nanosecond precision via decimals), or a string in RFC 3339 format. The output format is defined by showing how the reference time, defined to be Mon Jan 2 15:04:05 -0700 MST 2006, would be displayed if it were the value.',
    params: [
      { name: 'format', type: 'string', optional: true, default: RFC3339_NANO, description: 'The output format to use.' },
      {
        name: 'tz',
        type: 'string',
        optional: true,
        description: 'An optional timezone to use, otherwise the timezone of the input string is used, or in the case of unix timestamps the local timezone is used.',
      },
    ],
    examples: [
      {
        mapping: 'root.something_at = this.created_at.ts_format(format: "2006-Jan-02 15:04:05", tz: "UTC")',
        results: [
          ['{"created_at":1597405526}', '{"something_at":"2020-Aug-14 11:45:26"}'],
          ['{"created_at":"2020-08-14T11:50:26.371Z"}', '{"something_at":"2020-Aug-14 11:50:26"}'],
        ],
      },
      {
        mapping: 'root.something_at = this.created_at.ts_format("2006-Jan-02 15:04:05.999999", "UTC")',
        results: [
          ['{"created_at":1597405526.123456}', '{"something_at":"2020-Aug-14 11:45:26.123456"}'],
          ['{"created_at":"2020-08-14T11:50:26.371Z"}', '{"something_at":"2020-Aug-14 11:50:26.371"}'],
        ],
      },
    ],
    build(args) {
      const tokens = compileLayout(optionalStringArg(args, 'format') ?? RFC3339_NANO);
      const zone = optionalZone(args);
      return (target) => formatLayout(inZone(toTimestamp(target), zone), tokens);
    },
  },
  'format_timestamp',
);

register(
  {
    name: 'ts_strftime',
    category: CATEGORY,
    description:
      'Attempts to format a timestamp value as a string according to a specified strftime-compatible format. Timestamp values can either be a numerical unix time in seconds (with up to nanosecond precision via decimals), or a string in RFC 3339 format. The `%f` directive gives zero-padded microseconds.',
    params: [
      { name: 'format', type: 'string', description: 'The output format to use.' },
      { name: 'tz', type: 'string', optional: true, description: 'An optional timezone to use, otherwise the timezone of the input string is used.' },
    ],
    examples: [
      {
        mapping: 'root.something_at = this.created_at.ts_strftime("%Y-%b-%d %H:%M:%S", "UTC")',
        results: [
          ['{"created_at":1597405526}', '{"something_at":"2020-Aug-14 11:45:26"}'],
          ['{"created_at":"2020-08-14T11:50:26.371Z"}', '{"something_at":"2020-Aug-14 11:50:26"}'],
        ],
      },
      {
        mapping: 'root.something_at = this.created_at.ts_strftime("%Y-%b-%d %H:%M:%S.%f", "UTC")',
        results: [
          ['{"created_at":1597405526}', '{"something_at":"2020-Aug-14 11:45:26.000000"}'],
          ['{"created_at":"2020-08-14T11:50:26.371Z"}', '{"something_at":"2020-Aug-14 11:50:26.371000"}'],
        ],
      },
    ],
    build(args) {
      const parts = compileStrftime(stringArg(args, 'format'));
      const zone = optionalZone(args);
      return (target) => formatStrftime(inZone(toTimestamp(target), zone), parts);
    },
  },
  'format_timestamp_strftime',
);

function tsParseBuild(asString: boolean): MethodDef['build'] {
  return (args) => {
    const layout = stringArg(args, 'format');
    const tokens = compileLayout(layout);
    return (target) => {
      const t = parseLayout(layout, tokens, stringTarget(target));
      return asString ? formatRfc3339Nano(t) : t;
    };
  };
}

register(
  {
    name: 'ts_parse',
    category: CATEGORY,
    description:
      'Attempts to parse a string as a timestamp following a specified format and outputs a timestamp, which can then be fed into methods such as `ts_format`. The input format is defined by showing how the reference time, defined to be Mon Jan 2 15:04:05 -0700 MST 2006, would be displayed if it were the value.',
    params: [{ name: 'format', type: 'string', description: 'The format of the target string.' }],
    examples: [
      {
        mapping: 'root.doc.timestamp = this.doc.timestamp.ts_parse("2006-Jan-02")',
        results: [['{"doc":{"timestamp":"2020-Aug-14"}}', '{"doc":{"timestamp":"2020-08-14T00:00:00Z"}}']],
      },
    ],
    build: tsParseBuild(false),
  },
  'parse_timestamp',
  tsParseBuild(true),
);

function tsStrptimeBuild(asString: boolean): MethodDef['build'] {
  return (args) => {
    const format = stringArg(args, 'format');
    const parts = compileStrftime(format);
    return (target) => {
      const t = parseStrptime(stringTarget(target), format, parts);
      return asString ? formatRfc3339Nano(t) : t;
    };
  };
}

register(
  {
    name: 'ts_strptime',
    category: CATEGORY,
    description:
      'Attempts to parse a string as a timestamp following a specified strptime-compatible format and outputs a timestamp, which can then be fed into `ts_format`. The `%f` directive reads fractional seconds.',
    params: [{ name: 'format', type: 'string', description: 'The format of the target string.' }],
    examples: [
      {
        mapping: 'root.doc.timestamp = this.doc.timestamp.ts_strptime("%Y-%b-%d")',
        results: [['{"doc":{"timestamp":"2020-Aug-14"}}', '{"doc":{"timestamp":"2020-08-14T00:00:00Z"}}']],
      },
      {
        mapping: 'root.doc.timestamp = this.doc.timestamp.ts_strptime("%Y-%b-%d %H:%M:%S.%f")',
        results: [['{"doc":{"timestamp":"2020-Aug-14 11:50:26.371000"}}', '{"doc":{"timestamp":"2020-08-14T11:50:26.371Z"}}']],
      },
    ],
    build: tsStrptimeBuild(false),
  },
  'parse_timestamp_strptime',
  tsStrptimeBuild(true),
);

const UNIX_VARIANTS: [string, string, bigint, string, string][] = [
  ['ts_unix', 'format_timestamp_unix', NS, '', '1257894000'],
  ['ts_unix_milli', 'format_timestamp_unix_milli', 1_000_000n, ' with millisecond precision', '1257894000000'],
  ['ts_unix_micro', 'format_timestamp_unix_micro', 1_000n, ' with microsecond precision', '1257894000000000'],
  ['ts_unix_nano', 'format_timestamp_unix_nano', 1n, ' with nanosecond precision', '1257894000000000000'],
];

for (const [name, alias, divisor, precision, example] of UNIX_VARIANTS) {
  register(
    {
      name,
      category: CATEGORY,
      description: `Attempts to format a timestamp value as a unix timestamp${precision}. Timestamp values can either be a numerical unix time in seconds (with up to nanosecond precision via decimals), or a string in RFC 3339 format. The \`ts_parse\` method can be used in order to parse different timestamp formats.`,
      params: [],
      examples: [
        {
          mapping: `root.created_at_unix = this.created_at.${name}()`,
          results: [['{"created_at":"2009-11-10T23:00:00Z"}', `{"created_at_unix":${example}}`]],
        },
      ],
      build(args) {
        noArgs(args);
        return (target) => intValue(floorDiv(toTimestamp(target).epochNs, divisor));
      },
    },
    alias,
  );
}

registerMethod({
  name: 'ts_tz',
  category: CATEGORY,
  description:
    'Returns the result of converting a timestamp to a specified timezone. Timestamp values can either be a numerical unix time in seconds (with up to nanosecond precision via decimals), or a string in RFC 3339 format.',
  params: [
    {
      name: 'tz',
      type: 'string',
      description:
        'The timezone to change to. If set to "UTC" then the timezone will be UTC. If set to "Local" then the local timezone will be used. Otherwise, the argument is taken to be a location name corresponding to a file in the IANA Time Zone database, such as "America/New_York".',
    },
  ],
  examples: [
    {
      mapping: 'root.created_at_utc = this.created_at.ts_tz("UTC")',
      results: [['{"created_at":"2021-02-03T17:05:06+01:00"}', '{"created_at_utc":"2021-02-03T16:05:06Z"}']],
    },
  ],
  build(args) {
    const zone = optionalZone({ tz: stringArg(args, 'tz') })!;
    return (target) => inZone(toTimestamp(target), zone);
  },
});

registerMethod({
  name: 'ts_round',
  category: CATEGORY,
  description:
    'Returns the result of rounding a timestamp to the nearest multiple of the argument duration (nanoseconds). The rounding behavior for halfway values is to round up. Timestamp values can either be a numerical unix time in seconds (with up to nanosecond precision via decimals), or a string in RFC 3339 format.',
  params: [{ name: 'duration', type: 'int', description: 'A duration measured in nanoseconds to round by.' }],
  examples: [
    {
      mapping: 'root.created_at_hour = this.created_at.ts_round("1h".parse_duration())',
      results: [['{"created_at":"2020-08-14T05:54:23Z"}', '{"created_at_hour":"2020-08-14T06:00:00Z"}']],
    },
  ],
  build(args) {
    const raw = args.duration;
    const d = typeof raw === 'bigint' ? raw : BigInt(intArg(args, 'duration'));
    return (target) => {
      const t = toTimestamp(target);
      if (d <= 0n) return t;
      // Go rounds relative to its zero time (year 1), which matters for durations that do not
      // divide a day evenly.
      const abs = t.epochNs + GO_EPOCH_OFFSET_NS;
      const r = ((abs % d) + d) % d;
      const rounded = r + r < d ? t.epochNs - r : t.epochNs + (d - r);
      return new Timestamp(rounded, t.zone);
    };
  },
});

registerMethod({
  name: 'ts_sub',
  category: CATEGORY,
  description:
    'Returns the difference in nanoseconds between the target timestamp (t1) and the timestamp provided as a parameter (t2). The `ts_parse` method can be used in order to parse different timestamp formats.',
  params: [{ name: 't2', type: 'timestamp', description: 'The second timestamp to be subtracted from the method target.' }],
  examples: [
    {
      mapping: 'root.between = this.started_at.ts_sub("2020-08-14T05:54:23Z").abs()',
      results: [['{"started_at":"2020-08-13T05:54:23Z"}', '{"between":86400000000000}']],
    },
  ],
  build(args) {
    const t2 = toTimestamp(args.t2);
    return (target) => {
      const diff = toTimestamp(target).epochNs - t2.epochNs;
      // Go saturates time.Duration at the int64 bounds.
      const max = (1n << 63n) - 1n;
      const clamped = diff > max ? max : diff < -max - 1n ? -max - 1n : diff;
      return intValue(clamped);
    };
  },
});

/** rickb777/period AddTo: calendar-exact for whole Y/M/D, otherwise an approximate duration. */
function addPeriod(t: Timestamp, p: Period, sign: 1n | -1n): Timestamp {
  const neg = (p.negative ? -1n : 1n) * sign;
  if (isWhole(p.years) && isWhole(p.months) && isWhole(p.weeks) && isWhole(p.days)) {
    const n = Number(neg);
    const w = wallClock(t);
    const moved = fromWallClock(
      t.zone,
      w.year + n * Math.trunc(Number(p.years)),
      w.month + n * Math.trunc(Number(p.months)),
      w.day + n * (Math.trunc(Number(p.days)) + 7 * Math.trunc(Number(p.weeks))),
      w.hour,
      w.minute,
      w.second,
      w.nanosecond,
    );
    return new Timestamp(moved.epochNs + neg * periodClockNs(p), t.zone);
  }
  const approx = periodApproxNs({ ...p, negative: false });
  return new Timestamp(t.epochNs + neg * approx, t.zone);
}

for (const [name, sign, verb] of [
  ['ts_add_iso8601', 1n, 'add it to'],
  ['ts_sub_iso8601', -1n, 'subtract it from'],
] as const) {
  registerMethod({
    name,
    category: CATEGORY,
    description: `Parse parameter string as ISO 8601 period and ${verb} value with high precision for units larger than an hour.`,
    params: [{ name: 'duration', type: 'string', description: 'Duration in ISO 8601 format' }],
    examples:
      sign === 1n
        ? [{ mapping: 'root.next_year = this.created_at.ts_add_iso8601("P1Y")', results: [['{"created_at":"2020-08-14T05:54:23Z"}', '{"next_year":"2021-08-14T05:54:23Z"}']] }]
        : [{ mapping: 'root.last_year = this.created_at.ts_sub_iso8601("P1Y")', results: [['{"created_at":"2020-08-14T05:54:23Z"}', '{"last_year":"2019-08-14T05:54:23Z"}']] }],
    build(args) {
      const period = parsePeriod(stringArg(args, 'duration'));
      return (target) => addPeriod(toTimestamp(target), period, sign);
    },
  });
}

registerMethod({
  name: 'parse_duration',
  category: CATEGORY,
  description:
    'Attempts to parse a string as a duration and returns an integer of nanoseconds. A duration string is a possibly signed sequence of decimal numbers, each with an optional fraction and a unit suffix, such as "300ms", "-1.5h" or "2h45m". Valid time units are "ns", "us" (or "µs"), "ms", "s", "m", "h".',
  params: [],
  examples: [
    { mapping: 'root.delay_for_ns = this.delay_for.parse_duration()', results: [['{"delay_for":"50us"}', '{"delay_for_ns":50000}']] },
    { mapping: 'root.delay_for_s = this.delay_for.parse_duration() / 1000000000', results: [['{"delay_for":"2h"}', '{"delay_for_s":7200}']] },
  ],
  build(args) {
    noArgs(args);
    return (target) => intValue(parseGoDuration(stringTarget(target)));
  },
});

registerMethod({
  name: 'parse_duration_iso8601',
  category: CATEGORY,
  description:
    'Attempts to parse a string using ISO-8601 rules as a duration and returns an integer of nanoseconds. A duration string is represented by the format "P[n]Y[n]M[n]DT[n]H[n]M[n]S" or "P[n]W". Years and months are approximated (a year is 365.2425 days).',
  params: [],
  examples: [
    {
      mapping: 'root.delay_for_ns = this.delay_for.parse_duration_iso8601()',
      results: [['{"delay_for":"P3Y6M4DT12H30M5S"}', '{"delay_for_ns":110839937000000000}']],
    },
    {
      mapping: 'root.delay_for_s = this.delay_for.parse_duration_iso8601() / 1000000000',
      results: [['{"delay_for":"PT2.5S"}', '{"delay_for_s":2.5}']],
    },
  ],
  build(args) {
    noArgs(args);
    return (target) => {
      const text = stringTarget(target);
      return intValue(periodApproxNs(parsePeriod(text)));
    };
  },
});

