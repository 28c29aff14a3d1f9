/**
 * Methods that work on strings and bytes as well as arrays and objects: contains, length,
 * slice, reverse, split and split_by. Strings are indexed by UTF-8 byte, as Go indexes them.
 */
import { registerMethod, type QueryFn } from '../registry.js';
import { BloblangError, isObject, typeError, type Value } from '../value.js';
import { valuesEqual } from './objects_util.js';
import { argText, asBuffer, utf8Bytes, utf8String, valueToBytes, valueToString } from './coercion_values.js';

const category = 'String Manipulation';

registerMethod({
  name: 'contains',
  category,
  description:
    'Checks whether a string contains a substring, an array contains an element matching the argument, or an object contains a value matching the argument, and returns a boolean result. Numerical comparisons are made irrespective of the representation type (float versus integer).',
  params: [{ name: 'value', type: 'any', description: 'A value to test against elements of the target.' }],
  examples: [
    {
      mapping: 'root.has_foo = this.thing.contains("foo")',
      results: [['{"thing":"this foo that"}', '{"has_foo":true}'], ['{"thing":"this bar that"}', '{"has_foo":false}']],
    },
    {
      mapping: 'root.has_foo = this.thing.contains("foo")',
      results: [['{"thing":["this","foo","that"]}', '{"has_foo":true}'], ['{"thing":["this","bar","that"]}', '{"has_foo":false}']],
    },
    {
      mapping: 'root.has_bar = this.thing.contains(20)',
      results: [['{"thing":[10.3,20.0,"huh",3]}', '{"has_bar":true}'], ['{"thing":[2,3,40,67]}', '{"has_bar":false}']],
    },
  ],
  build: (args) => {
    const needle = args.value;
    const needleText = valueToString(needle);
    const needleBytes = Buffer.from(valueToBytes(needle));
    return (v) => {
      if (typeof v === 'string') return v.includes(needleText);
      if (v instanceof Uint8Array) return asBuffer(v).includes(needleBytes);
      if (Array.isArray(v)) return v.some((e) => valuesEqual(e, needle));
      if (isObject(v)) return Object.keys(v).some((k) => valuesEqual(v[k], needle));
      throw typeError('string, array or object', v);
    };
  },
});

registerMethod({
  name: 'length',
  category,
  description: 'Returns the length of a string (in bytes), of an array, or of an object (number of keys).',
  params: [],
  examples: [
    { mapping: 'root.foo_len = this.foo.length()', results: [['{"foo":"hello world"}', '{"foo_len":11}']] },
    {
      mapping: 'root.foo_len = this.foo.length()',
      results: [['{"foo":["first","second"]}', '{"foo_len":2}'], ['{"foo":{"first":"bar","second":"baz"}}', '{"foo_len":2}']],
    },
  ],
  build: () => (v) => {
    if (typeof v === 'string') return Buffer.byteLength(v, 'utf8');
    if (v instanceof Uint8Array || Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    throw typeError('string, bytes, array or object', v);
  },
});

function intParam(raw: unknown, name: string): number {
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  throw new BloblangError(`field ${name}: ${typeError('integer', raw).message}`);
}

/** Resolve Go-style slice bounds with negative offsets from the end; undefined when empty. */
function bounds(len: number, low: number, high: number | undefined): [number, number] | undefined {
  let start = low < 0 ? len + low : low;
  let end = high === undefined ? len : high < 0 ? len + high : high;
  start = Math.max(0, start);
  end = Math.min(len, Math.max(0, end));
  return start >= end ? undefined : [start, end];
}

registerMethod({
  name: 'slice',
  category,
  description:
    'Extract a slice from a string, bytes or an array by specifying two indices, a low and high bound, which selects a half-open range that includes the first element, but excludes the last one. If the second index is omitted then it defaults to the length of the input sequence. Negative indexes count from the end.',
  params: [
    { name: 'low', type: 'int', description: 'The low bound, which is the first element of the selection, or if negative selects from the end.' },
    { name: 'high', type: 'int', optional: true, description: 'An optional high bound.' },
  ],
  examples: [
    { mapping: 'root.beginning = this.value.slice(0, 2)\nroot.end = this.value.slice(4)', results: [['{"value":"foo bar"}', '{"beginning":"fo","end":"bar"}']] },
    { mapping: 'root.last_chunk = this.value.slice(-4)\nroot.the_rest = this.value.slice(0, -4)', results: [['{"value":"foo bar"}', '{"last_chunk":" bar","the_rest":"foo"}']] },
    {
      mapping: 'root.beginning = this.value.slice(0, 2)\nroot.end = this.value.slice(4)',
      results: [['{"value":["foo","bar","baz","buz","bev"]}', '{"beginning":["foo","bar"],"end":["bev"]}']],
    },
    {
      mapping: 'root.last_chunk = this.value.slice(-2)\nroot.the_rest = this.value.slice(0, -2)',
      results: [['{"value":["foo","bar","baz","buz","bev"]}', '{"last_chunk":["buz","bev"],"the_rest":["foo","bar","baz"]}']],
    },
  ],
  build: (args) => {
    const low = intParam(args.low, 'low');
    const high = args.high === undefined || args.high === null ? undefined : intParam(args.high, 'high');
    return (v) => {
      if (typeof v === 'string') {
        // Fast path for ASCII, where bytes and UTF-16 units coincide.
        const ascii = !/[^\x00-\x7f]/.test(v);
        const len = ascii ? v.length : Buffer.byteLength(v, 'utf8');
        const b = bounds(len, low, high);
        if (!b) return '';
        return ascii ? v.slice(b[0], b[1]) : utf8String(utf8Bytes(v).subarray(b[0], b[1]));
      }
      if (v instanceof Uint8Array || Array.isArray(v)) {
        const b = bounds(v.length, low, high);
        if (!b) return v instanceof Uint8Array ? new Uint8Array(0) : [];
        return v.slice(b[0], b[1]);
      }
      throw typeError('array or string', v);
    };
  },
});

registerMethod({
  name: 'reverse',
  category,
  description: 'Returns the target string (by character) or array in reverse order; bytes are reversed byte by byte.',
  params: [],
  examples: [
    { mapping: 'root.reversed = this.thing.reverse()', results: [['{"thing":"backwards"}', '{"reversed":"sdrawkcab"}']] },
    { mapping: 'root = content().reverse()', results: [['{"thing":"backwards"}', '}"sdrawkcab":"gniht"{']] },
  ],
  build: () => (v) => {
    if (typeof v === 'string') return [...v].reverse().join('');
    if (v instanceof Uint8Array) return Uint8Array.from(v).reverse();
    if (Array.isArray(v)) return [...v].reverse();
    throw typeError('string or array', v);
  },
});

function splitText(s: string, delim: string): string[] {
  // Go's strings.Split with an empty separator splits into UTF-8 sequences (characters).
  return delim === '' ? [...s] : s.split(delim);
}

registerMethod({
  name: 'split',
  category,
  description:
    'Splits a string into segments by splitting on all occurrences of a delimiter string, or an array into segments by splitting on all elements equal to the delimiter. Returns an array of segments with delimiters excluded.',
  params: [
    { name: 'delimiter', type: 'any', description: 'The delimiter to split with.' },
    { name: 'empty_as_null', type: 'bool', optional: true, default: false, description: 'Whether empty string segments should be returned as null.' },
  ],
  examples: [
    { summary: 'Split on space', mapping: 'root.words = this.sentence.split(" ")', results: [['{"sentence":"Hello Bento!"}', '{"words":["Hello","Bento!"]}']] },
    { summary: 'Split string on delimiter', mapping: 'root.words = this.value.split(",")', results: [['{"value":"foo,bar,baz"}', '{"words":["foo","bar","baz"]}']] },
    { mapping: 'root.new_value = this.value.split(",", true)', results: [['{"value":"foo,,qux"}', '{"new_value":["foo",null,"qux"]}']] },
    {
      summary: 'Split array on value',
      mapping: 'root.segments = this.villains.split("Kraven The Hunter")',
      results: [
        [
          '{"villains": ["Doctor Octopus", "Electro", "Kraven The Hunter", "Mysterio", "Sandman", "Vulture"]}',
          '{"segments":[["Doctor Octopus","Electro"],["Mysterio","Sandman","Vulture"]]}',
        ],
      ],
    },
  ],
  build: (args) => {
    const delim = args.delimiter;
    const emptyAsNull = args.empty_as_null === true;
    const nullify = <T>(seg: T, empty: boolean): T | null => (emptyAsNull && empty ? null : seg);
    return (v) => {
      if (typeof v === 'string' || v instanceof Uint8Array) {
        const d = argText(delim, 'field delimiter');
        if (typeof v === 'string') return splitText(v, d).map((seg) => nullify(seg, seg === ''));
        return splitText(utf8String(v), d).map((seg) => nullify(utf8Bytes(seg), seg === ''));
      }
      if (Array.isArray(v)) {
        const out: Value[][] = [];
        let current: Value[] = [];
        for (const e of v) {
          if (valuesEqual(e, delim)) {
            out.push(current);
            current = [];
          } else {
            current.push(e);
          }
        }
        out.push(current);
        return out;
      }
      throw typeError('string or array', v);
    };
  },
});

function predicate(fn: QueryFn, ctx: Parameters<QueryFn>[0], v: Value): boolean {
  const r = fn(ctx, v);
  if (typeof r !== 'boolean') throw typeError('bool', r);
  return r;
}

registerMethod({
  name: 'split_by',
  category,
  description:
    'Splits a string (character by character) or an array (element by element) into segments where a query resolves to true. Returns an array of segments with the matching characters or elements excluded.',
  params: [{ name: 'predicate', type: 'query', description: 'A query that returns true where splits should occur.' }],
  examples: [
    { summary: 'Split string using character predicate', mapping: 'root.words = this.sentence.split_by(c -> c == " ")', results: [['{"sentence": "Hello Bento!"}', '{"words":["Hello","Bento!"]}']] },
    { summary: 'Split on punctuation', mapping: 'root.tokens = this.text.split_by(c -> c == "," || c == ".")', results: [['{"text": "foo,bar.baz"}', '{"tokens":["foo","bar","baz"]}']] },
    {
      summary: 'Split array using numeric predicate',
      mapping: 'root.segments = this.numbers.split_by(x -> x > 50)',
      results: [['{"numbers": [1, 2, 100, 3, 4, 200, 5]}', '{"segments":[[1,2],[3,4],[5]]}']],
    },
  ],
  build: (args) => {
    const fn = args.predicate as QueryFn;
    return (v, ctx) => {
      if (typeof v === 'string' || v instanceof Uint8Array) {
        const s = typeof v === 'string' ? v : utf8String(v);
        const out: string[] = [];
        let current = '';
        for (const ch of s) {
          if (predicate(fn, ctx, ch)) {
            out.push(current);
            current = '';
          } else {
            current += ch;
          }
        }
        out.push(current);
        return out;
      }
      if (Array.isArray(v)) {
        const out: Value[][] = [];
        let current: Value[] = [];
        for (const e of v) {
          if (predicate(fn, ctx, e)) {
            out.push(current);
            current = [];
          } else {
            current.push(e);
          }
        }
        out.push(current);
        return out;
      }
      throw typeError('string or array', v);
    };
  },
});
