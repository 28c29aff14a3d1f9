// Bloblang methods: type coercion. Each definition registers itself on import.
import { registerMethod } from '../registry.js';
import { BloblangError, Timestamp, isObject, typeError, typeName, type Value } from '../value.js';
import { parseGoFloat } from './numbers_parse.js';
import { utf8String, valueToBytes, valueToString } from './coercion_values.js';

const category = 'Type Coercion';

registerMethod({
  name: 'array',
  category,
  description: 'Return an array containing the target value. If the value is already an array it is unchanged.',
  params: [],
  examples: [
    { mapping: 'root.my_array = this.name.array()', results: [['{"name":"foobar bazson"}', '{"my_array":["foobar bazson"]}']] },
  ],
  build: () => (v) => (Array.isArray(v) ? v : [v]),
});

/** strconv.ParseBool's accepted spellings. */
const boolWords: Record<string, boolean> = {
  '1': true, t: true, T: true, TRUE: true, true: true, True: true,
  '0': false, f: false, F: false, FALSE: false, false: false, False: false,
};

/** Benthos's IToBool: bools, numbers (non-zero is true) and ParseBool strings. */
export function toBool(v: Value): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string' || v instanceof Uint8Array) {
    const s = typeof v === 'string' ? v : utf8String(v);
    if (Object.prototype.hasOwnProperty.call(boolWords, s)) return boolWords[s];
  }
  throw typeError('bool', v);
}

registerMethod({
  name: 'bool',
  category,
  description:
    'Attempt to parse a value into a boolean. An optional argument can be provided, in which case if the value cannot be parsed the argument will be returned instead. If the value is a number then any non-zero value will resolve to `true`, if the value is a string then any of the following values are considered valid: `1, t, T, TRUE, true, True, 0, f, F, FALSE`.',
  params: [{ name: 'default', type: 'bool', optional: true, description: 'An optional value to yield if the target cannot be parsed as a boolean.' }],
  examples: [{ mapping: 'root.foo = this.thing.bool()\nroot.bar = this.thing.bool(true)', results: [] }],
  build: (args) => {
    const fallback = args.default;
    if (fallback !== undefined && fallback !== null && typeof fallback !== 'boolean') {
      throw typeError('bool', fallback);
    }
    return (v) => {
      if (fallback === undefined || fallback === null) return toBool(v);
      try {
        return toBool(v);
      } catch {
        return fallback;
      }
    };
  },
});

registerMethod({
  name: 'bytes',
  category,
  description: 'Marshal a value into a byte array. If the value is already a byte array it is unchanged.',
  params: [],
  examples: [
    { mapping: 'root.first_byte = this.name.bytes().index(0)', results: [['{"name":"foobar bazson"}', '{"first_byte":102}']] },
  ],
  build: () => (v) => valueToBytes(v),
});

registerMethod({
  name: 'not_empty',
  category,
  description:
    'Ensures that the given string, array or object value is not empty, and if so returns it, otherwise an error is returned.',
  params: [],
  examples: [
    {
      mapping: 'root.a = this.a.not_empty()',
      results: [
        ['{"a":"foo"}', '{"a":"foo"}'],
        ['{"a":""}', 'Error("failed assignment (line 1): field `this.a`: string value is empty")'],
        ['{"a":["foo","bar"]}', '{"a":["foo","bar"]}'],
        ['{"a":[]}', 'Error("failed assignment (line 1): field `this.a`: array value is empty")'],
        ['{"a":{"b":"foo","c":"bar"}}', '{"a":{"b":"foo","c":"bar"}}'],
        ['{"a":{}}', 'Error("failed assignment (line 1): field `this.a`: object value is empty")'],
      ],
    },
  ],
  build: () => (v) => {
    let empty: boolean;
    if (typeof v === 'string' || v instanceof Uint8Array || Array.isArray(v)) empty = v.length === 0;
    else if (isObject(v)) empty = Object.keys(v).length === 0;
    else throw typeError('string, bytes, array or object', v);
    if (empty) throw new BloblangError(`${typeName(v)} value is empty`);
    return v;
  },
});

registerMethod({
  name: 'not_null',
  category,
  description: 'Ensures that the given value is not `null`, and if so returns it, otherwise an error is returned.',
  params: [],
  examples: [
    {
      mapping: 'root.a = this.a.not_null()',
      results: [
        ['{"a":"foobar","b":"barbaz"}', '{"a":"foobar"}'],
        ['{"b":"barbaz"}', 'Error("failed assignment (line 1): field `this.a`: value is null")'],
      ],
    },
  ],
  build: () => (v) => {
    if (v === null || v === undefined) throw new BloblangError('value is null');
    return v;
  },
});

/** Benthos's IToNumber: numbers as they are (float64), strings/bytes parsed with ParseFloat. */
export function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return parseGoFloat(v, 64);
  if (v instanceof Uint8Array) return parseGoFloat(utf8String(v), 64);
  throw typeError('number', v);
}

registerMethod({
  name: 'number',
  category,
  description:
    'Attempt to parse a value into a number. An optional argument can be provided, in which case if the value cannot be parsed into a number the argument will be returned instead.',
  params: [{ name: 'default', type: 'float', optional: true, description: 'An optional value to yield if the target cannot be parsed as a number.' }],
  examples: [{ mapping: 'root.foo = this.thing.number() + 10\nroot.bar = this.thing.number(5) * 10', results: [] }],
  build: (args) => {
    const raw = args.default;
    let fallback: number | undefined;
    if (raw !== undefined && raw !== null) {
      if (typeof raw !== 'number' && typeof raw !== 'bigint') throw typeError('number', raw);
      fallback = Number(raw);
    }
    return (v) => {
      if (fallback === undefined) return toNumber(v);
      try {
        return toNumber(v);
      } catch {
        return fallback;
      }
    };
  },
});

registerMethod({
  name: 'string',
  category,
  description: 'Marshal a value into a string. If the value is already a string it is unchanged.',
  params: [],
  examples: [
    { mapping: 'root.nested_json = this.string()', results: [['{"foo":"bar"}', '{"nested_json":"{\\"foo\\":\\"bar\\"}"}']] },
    { mapping: 'root.id = this.id.string()', results: [['{"id":228930314431312345}', '{"id":"228930314431312345"}']] },
  ],
  build: () => (v) => valueToString(v),
});

registerMethod({
  name: 'type',
  category,
  description:
    'Returns the type of a value as a string, providing one of the following values: `string`, `bytes`, `number`, `bool`, `timestamp`, `array`, `object` or `null`.',
  params: [],
  examples: [
    {
      mapping: 'root.bar_type = this.bar.type()\nroot.foo_type = this.foo.type()',
      results: [['{"bar":10,"foo":"is a string"}', '{"bar_type":"number","foo_type":"string"}']],
    },
    {
      mapping: 'root.type = this.type()',
      results: [
        ['"foobar"', '{"type":"string"}'],
        ['666', '{"type":"number"}'],
        ['false', '{"type":"bool"}'],
        ['["foo", "bar"]', '{"type":"array"}'],
        ['{"foo": "bar"}', '{"type":"object"}'],
        ['null', '{"type":"null"}'],
      ],
    },
    { mapping: 'root.type = content().type()', results: [['foobar', '{"type":"bytes"}']] },
    { mapping: 'root.type = this.ts_parse("2006-01-02").type()', results: [['"2022-06-06"', '{"type":"timestamp"}']] },
  ],
  build: () => (v) => (v instanceof Timestamp ? 'timestamp' : typeName(v)),
});

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** Benthos's IGetTimestamp: timestamps as they are, numbers as Unix seconds, strings as RFC 3339. */
export function toTimestamp(v: Value): Timestamp {
  if (v instanceof Timestamp) return v;
  if (typeof v === 'bigint') return new Timestamp(v * 1_000_000_000n);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw typeError('number or string', v);
    const whole = Math.trunc(v);
    return new Timestamp(BigInt(whole) * 1_000_000_000n + BigInt(Math.trunc((v - whole) * 1e9)));
  }
  if (typeof v === 'string' || v instanceof Uint8Array) {
    const s = typeof v === 'string' ? v : utf8String(v);
    const m = rfc3339.exec(s);
    if (!m) throw new BloblangError(`parsing time "${s}" as "2006-01-02T15:04:05.999999999Z07:00": cannot parse "${s}" as RFC 3339`);
    const [, y, mo, d, h, mi, sec, frac = '', zone] = m;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec));
    let ns = BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0') || '0');
    let zoneName: string | undefined;
    if (zone !== 'Z' && zone !== 'z') {
      const sign = zone[0] === '-' ? -1n : 1n;
      const offsetMin = BigInt(Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
      ns -= sign * offsetMin * 60_000_000_000n;
      zoneName = zone;
    }
    return new Timestamp(ns, zoneName);
  }
  throw typeError('number or string', v);
}

registerMethod({
  name: 'timestamp',
  category,
  description:
    'Attempt to parse a value into a timestamp. An optional argument can be provided, in which case if the value cannot be parsed into a timestamp the argument will be returned instead.',
  params: [{ name: 'default', type: 'timestamp', optional: true, description: 'An optional value to yield if the target cannot be parsed as a timestamp.' }],
  examples: [{ mapping: 'root.foo = this.ts.timestamp()\nroot.bar = this.none.timestamp(1234567890.timestamp())', results: [] }],
  build: (args) => {
    const fallback = args.default;
    return (v) => {
      if (fallback === undefined || fallback === null) return toTimestamp(v);
      try {
        return toTimestamp(v);
      } catch {
        return fallback;
      }
    };
  },
});
