import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getMethod, type ExecContext } from '../registry.js';
import { parseError, run, runJson } from './arrays_testkit.test.js';

const ctx = { batch: [], index: 0, vars: {} } as unknown as ExecContext;

const T = '{"t":"2020-08-14T11:50:26.371Z"}';

test('ts_format: Go layout elements', () => {
  assert.equal(run('root = this.t.ts_format("Mon Jan _2 15:04:05 2006")', T), 'Fri Aug 14 11:50:26 2020');
  assert.equal(run('root = this.t.ts_format("Monday January 2 06")', T), 'Friday August 14 20');
  assert.equal(run('root = this.t.ts_format("3:04PM")', T), '11:50AM');
  assert.equal(run('root = this.t.ts_format("03:04:05.000 pm")', T), '11:50:26.371 am');
  assert.equal(run('root = this.t.ts_format("2006-01-02T15:04:05.000000Z07:00")', T), '2020-08-14T11:50:26.371000Z');
  assert.equal(run('root = this.t.ts_format("002 __2")', T), '227 227');
  assert.equal(run('root = this.t.ts_format("15:04 MST Z0700 -07:00", "America/New_York")', T), '07:50 EDT -0400 -04:00');
  assert.equal(run('root = this.t.ts_format("2006-01-02 15:04:05.999999999")', '{"t":"2020-08-14T11:50:26Z"}'), '2020-08-14 11:50:26');
});

test('ts_parse: zones, fractions and Go errors', () => {
  assert.equal(run('root = this.t.ts_parse("02 Jan 06 15:04 -0700")', '{"t":"14 Aug 20 11:50 +0200"}'), '"2020-08-14T11:50:00+02:00"');
  assert.equal(run('root = this.t.ts_parse("2006-01-02 15:04:05")', '{"t":"2020-01-01 00:00:00.123"}'), '"2020-01-01T00:00:00.123Z"');
  assert.match(run('root = this.t.ts_parse("2006-01-02")', '{"t":"2021-02-30"}'), /parsing time "2021-02-30": day out of range/);
  assert.match(run('root = this.t.ts_parse("2006")', '{"t":"2020x"}'), /parsing time "2020x": extra text: "x"/);
  assert.match(run('root = this.t.ts_parse("2006-01-02")', '{"t":5}'), /expected string value, got number/);
});

test('nanosecond precision survives parse → format → unix', () => {
  const ns = '{"t":"2020-08-14T11:45:26.123456789+01:00"}';
  assert.equal(run('root = this.t.ts_parse("2006-01-02T15:04:05.999999999Z07:00").ts_format()', ns), '2020-08-14T11:45:26.123456789+01:00');
  // Beyond 2^53 the result is a bigint, so no precision is lost.
  assert.equal(getMethod('ts_unix_nano')!.build({})('2020-08-14T11:45:26.123456789+01:00', ctx), 1597401926123456789n);
});

test('unix conversions floor towards negative infinity', () => {
  assert.deepEqual(runJson('root = [this.t.ts_unix(), this.t.ts_unix_milli()]', '{"t":"1969-12-31T23:59:59.5Z"}'), [-1, -500]);
  assert.deepEqual(runJson('root = this.t.ts_unix_nano()', '{"t":1.5}'), 1500000000);
});

test('ts_round rounds half up; ts_sub is signed', () => {
  assert.equal(run('root = this.t.ts_round("1m".parse_duration())', '{"t":"2020-08-14T05:54:30Z"}'), '"2020-08-14T05:55:00Z"');
  assert.deepEqual(runJson('root = this.a.ts_sub(this.b)', '{"a":"2020-01-01T00:00:00Z","b":"2020-01-01T00:00:01Z"}'), -1000000000);
});

test('ts_tz: IANA names, Local, and unknown zones', () => {
  assert.equal(run('root = this.t.ts_tz("Asia/Kolkata")', T), '"2020-08-14T17:20:26.371+05:30"');
  assert.equal(run('root = this.t.ts_tz("Local")', T), '"2020-08-14T11:50:26.371Z"');
  assert.match(parseError('root = this.t.ts_tz("Mars/Base")'), /unknown time zone Mars\/Base/);
});

test('ts_strftime / ts_strptime', () => {
  assert.equal(run('root = this.t.ts_strftime("%a %d %b %Y %H:%M:%S %z %Z %j %p %I %e")', '{"t":"2020-08-04T11:50:26Z"}'), 'Tue 04 Aug 2020 11:50:26 +0000 UTC 217 AM 11  4');
  assert.equal(run('root = this.t.ts_strptime("%Y-%m-%d %H:%M:%S %z")', '{"t":"2020-08-14 11:50:26 +0200"}'), '"2020-08-14T11:50:26+02:00"');
  assert.equal(run('root = this.t.ts_strptime("%d/%m/%y %I:%M %p")', '{"t":"14/08/20 01:05 PM"}'), '"2020-08-14T13:05:00Z"');
});

test('ISO 8601 periods: calendar arithmetic like Go AddDate', () => {
  assert.equal(run('root = this.t.ts_add_iso8601("P1M")', '{"t":"2020-01-31T00:00:00Z"}'), '"2020-03-02T00:00:00Z"');
  assert.equal(run('root = this.t.ts_add_iso8601("P1W")', '{"t":"2020-01-31T00:00:00Z"}'), '"2020-02-07T00:00:00Z"');
  assert.deepEqual(runJson('root = "P1W".parse_duration_iso8601()'), 604800000000000);
  assert.match(run('root = "1D".parse_duration_iso8601()'), /expected 'P' period mark at the start/);
});

test('parse_duration follows time.ParseDuration', () => {
  assert.deepEqual(runJson('root = ["1h30m".parse_duration(), "-1.5h".parse_duration(), ".5s".parse_duration(), "1µs".parse_duration()]'), [
    5400000000000, -5400000000000, 500000000, 1000,
  ]);
  assert.match(run('root = "1".parse_duration()'), /time: missing unit in duration "1"/);
  assert.match(run('root = "".parse_duration()'), /time: invalid duration ""/);
});

test('deprecated aliases', () => {
  assert.equal(run('root = this.t.parse_timestamp("2006-01-02")', '{"t":"2022-06-06"}'), '2022-06-06T00:00:00Z');
  assert.equal(run('root = this.t.format_timestamp("2006")', T), '2020');
  assert.deepEqual(runJson('root = this.t.format_timestamp_unix()', T), 1597405826);
});
