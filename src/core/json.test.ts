/**
 * parseJson / stringifyJson: the same results as JSON.parse / JSON.stringify, except that
 * integers beyond ±(2^53 − 1) stay exact (bigint) and nesting is bounded. JSON.parse itself is
 * the reference for everything but big integers; those follow the rule stated in the brief
 * (Benthos keeps int64 / uint64 exact).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JSON_DEPTH, parseJson, parseJsonExact, stringifyJson, stringifyJsonExact } from './json.js';

/** Both parsers, so every case checks the fast path and the exact one. */
const PARSERS = { parseJson, parseJsonExact } as const;

function outcome(f: () => unknown): { ok: true; value: unknown } | { ok: false; error: unknown } {
  try {
    return { ok: true, value: f() };
  } catch (error) {
    return { ok: false, error };
  }
}

// ---- a seeded generator of JSON text with the value it must parse to ----

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Gen {
  text: string;
  value: unknown;
}

const STRING_PIECES = ['a', 'Zz', ' ', 'é', '日本', '😀', '\\n', '\\"', '\\\\', '\\/', '\\u0041', '\\ud83d\\ude00', '\\ud800', '\\u0000', '[', ']', '{', '}', ':', ',', ' 12345678901234567890', '9007199254740993', '__proto__', '\\t'];
const NUMBER_LITERALS = ['0', '-0', '1', '-1', '42', '0.5', '-0.25', '1e3', '1E-3', '2.5e+10', '1e400', '-1e400', '0.30000000000000004', '123456789012345', '9007199254740991', '-9007199254740991', '9007199254740992', '9007199254740993', '-9007199254740993', '12345678901234567890', '18446744073709551615', '99999999999999999999999999', '9007199254740993.0', '9007199254740993e0', '1234567890123456.5'];
const KEYS = ['a', 'b', 'id', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '0', '10', '2', '', 'é', 'x y'];
const WS = ['', '', '', ' ', '\n', '\t', '\r\n  '];

/** The value a JSON integer/number literal stands for under the lossless rule. */
function numberValue(lit: string): number | bigint {
  const n = Number(lit);
  if (/^-?\d+$/.test(lit) && !Number.isSafeInteger(n)) return BigInt(lit);
  return n;
}

function genValue(r: () => number, depth: number): Gen {
  const ws = () => WS[Math.floor(r() * WS.length)]!;
  const k = r();
  if (depth > 4 || k < 0.45) {
    const p = r();
    if (p < 0.1) return { text: 'null', value: null };
    if (p < 0.2) return r() < 0.5 ? { text: 'true', value: true } : { text: 'false', value: false };
    if (p < 0.55) {
      const lit = NUMBER_LITERALS[Math.floor(r() * NUMBER_LITERALS.length)]!;
      return { text: lit, value: numberValue(lit) };
    }
    let body = '';
    const parts = Math.floor(r() * 5);
    for (let i = 0; i < parts; i++) body += STRING_PIECES[Math.floor(r() * STRING_PIECES.length)]!;
    return { text: `"${body}"`, value: JSON.parse(`"${body}"`) };
  }
  if (k < 0.7) {
    const n = Math.floor(r() * 5);
    const items = Array.from({ length: n }, () => genValue(r, depth + 1));
    return { text: `[${ws()}${items.map((g) => g.text).join(`${ws()},${ws()}`)}${ws()}]`, value: items.map((g) => g.value) };
  }
  const n = Math.floor(r() * 5);
  const value: Record<string, unknown> = {};
  const members: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = KEYS[Math.floor(r() * KEYS.length)]!;
    const g = genValue(r, depth + 1);
    members.push(`${JSON.stringify(key)}${ws()}:${ws()}${g.text}`);
    // CreateDataProperty: an own data property, last duplicate wins, first position kept.
    Object.defineProperty(value, key, { value: g.value, writable: true, enumerable: true, configurable: true });
  }
  return { text: `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`, value };
}

function containsBigInt(v: unknown): boolean {
  if (typeof v === 'bigint') return true;
  if (Array.isArray(v)) return v.some(containsBigInt);
  if (v !== null && typeof v === 'object') return Object.values(v).some(containsBigInt);
  return false;
}

// ---- values ----

test('integers beyond 2^53 become exact bigints; everything else is what JSON.parse gives', () => {
  const cases: Array<[string, unknown]> = [
    ['{"id":9007199254740993}', { id: 9007199254740993n }],
    ['{"n": 12345678901234567890}', { n: 12345678901234567890n }],
    ['9007199254740991', 9007199254740991],
    ['-9007199254740991', -9007199254740991],
    ['9007199254740992', 9007199254740992n],
    ['-9007199254740992', -9007199254740992n],
    ['18446744073709551615', 18446744073709551615n],
    ['[1, -0, 0.5, 1e3, 1e400, 9007199254740993.0, 9007199254740993e0]', [1, -0, 0.5, 1000, Infinity, 9007199254740992, 9007199254740992]],
    ['{"s":"9007199254740993","t":" 12345678901234567890"}', { s: '9007199254740993', t: ' 12345678901234567890' }],
    ['[0.30000000000000004, 1234567890123456.5]', [0.30000000000000004, 1234567890123456.5]],
    ['"\\ud800\\u0041\\n\\/"', '\ud800A\n/'],
    ['  {"a" : [ true , false , null ] }  ', { a: [true, false, null] }],
  ];
  for (const [name, parse] of Object.entries(PARSERS)) {
    for (const [text, expected] of cases) assert.deepStrictEqual(parse(text), expected, `${name}(${text})`);
  }
});

test('__proto__, constructor and other inherited names become own data properties', () => {
  for (const [name, parse] of Object.entries(PARSERS)) {
    for (const text of ['{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"toString":3}', '{"__proto__":{"polluted":1},"big":9007199254740993}']) {
      const v = parse(text) as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(v), Object.prototype, name);
      assert.ok(Object.prototype.hasOwnProperty.call(v, '__proto__'), `${name}: own __proto__`);
      assert.deepStrictEqual(Object.getOwnPropertyDescriptor(v, '__proto__')?.value, JSON.parse('{"polluted":1}'));
      assert.equal(({} as Record<string, unknown>).polluted, undefined, `${name}: Object.prototype untouched`);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
    }
  }
});

test('duplicate keys: the last value wins at the first position, as JSON.parse does', () => {
  const text = '{"a":1,"b":2,"a":3,"__proto__":4,"__proto__":5,"big":9007199254740993}';
  for (const parse of Object.values(PARSERS)) {
    const v = parse(text) as Record<string, unknown>;
    assert.deepStrictEqual(Object.keys(v), ['a', 'b', '__proto__', 'big']);
    assert.equal(v.a, 3);
    assert.equal(Object.getOwnPropertyDescriptor(v, '__proto__')?.value, 5);
  }
});

test('generated documents: both parsers agree with JSON.parse, and keep big integers exact', () => {
  const r = rng(20240611);
  let withBig = 0;
  for (let i = 0; i < 3000; i++) {
    const g = genValue(r, 0);
    const hasBig = containsBigInt(g.value);
    if (hasBig) withBig++;
    else assert.deepStrictEqual(JSON.parse(g.text), g.value, `generator sanity: ${g.text}`);
    for (const [name, parse] of Object.entries(PARSERS)) assert.deepStrictEqual(parse(g.text), g.value, `${name}(${g.text})`);
  }
  assert.ok(withBig > 200, `enough documents with big integers (${withBig})`);
});

test('mutated (mostly invalid) text: accepted or rejected exactly when JSON.parse does', () => {
  const r = rng(7);
  const junk = ['', '"', '\\', '[', ']', '{', '}', ',', ':', '-', '.', 'e', '0', '1', 'x', 't', 'n', ' ', '\u0001', '\uFEFF', 'NaN', 'Infinity'];
  let rejected = 0;
  for (let i = 0; i < 4000; i++) {
    const g = genValue(r, 0);
    const at = Math.floor(r() * (g.text.length + 1));
    const m = r();
    const piece = junk[Math.floor(r() * junk.length)]!;
    const text = m < 0.3 ? g.text.slice(0, at) : m < 0.6 ? g.text.slice(0, at) + g.text.slice(at + 1) : g.text.slice(0, at) + piece + g.text.slice(at);
    const ref = outcome(() => JSON.parse(text));
    for (const [name, parse] of Object.entries(PARSERS)) {
      const got = outcome(() => parse(text));
      assert.equal(got.ok, ref.ok, `${name}: ${JSON.stringify(text)} ${ref.ok ? 'accepted' : 'rejected'} by JSON.parse`);
      if (!got.ok) {
        assert.ok(got.error instanceof SyntaxError, `${name}: a SyntaxError for ${JSON.stringify(text)}`);
        rejected++;
      } else if (ref.ok && !containsBigInt(got.value)) {
        assert.deepStrictEqual(got.value, ref.value, `${name}(${JSON.stringify(text)})`);
      }
    }
  }
  assert.ok(rejected > 2000, `enough invalid inputs (${rejected / 2})`);
});

// ---- errors ----

test('syntax errors are SyntaxErrors naming the problem and its position', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /^Unexpected end of JSON input$/],
    ['{"a":', /^Unexpected end of JSON input$/],
    ['{"a":}', /^Unexpected token '}' in JSON at position 5$/],
    ['\uFEFF{"a":1}', /^Unexpected byte order mark \(U\+FEFF\) in JSON at position 0$/],
    ['{"a":NaN}', /^Unexpected token 'N' in JSON at position 5$/],
    ['[Infinity]', /^Unexpected token 'I' in JSON at position 1$/],
    ['[1,]', /^Unexpected token '\]' in JSON at position 3$/],
    ['01', /^Unexpected number in JSON at position 1$/],
    ['{"a":1}}', /^Unexpected non-whitespace character after JSON at position 7$/],
    ['"a\u0001"', /^Bad control character in string literal in JSON at position 2$/],
    ['"\\x"', /^Bad escaped character in JSON at position 2$/],
    ['"\\u12"', /^Bad Unicode escape in JSON at position 5$/],
    ['{"a" 1}', /^Expected ':' after property name in JSON at position 5$/],
    ['{"a":1,}', /^Expected double-quoted property name in JSON at position 7$/],
    ['[1 2]', /^Expected ',' or '\]' after array element in JSON at position 3$/],
    ['1.', /^Unexpected end of JSON input$/],
    ['1.x', /^Unterminated fractional number in JSON at position 2$/],
    ['1ex', /^Exponent part is missing a number in JSON at position 2$/],
    ['-x', /^No number after minus sign in JSON at position 1$/],
    ['[9007199254740993,x]', /^Unexpected token 'x' in JSON at position 18$/],
  ];
  for (const [name, parse] of Object.entries(PARSERS)) {
    for (const [text, message] of cases) {
      assert.throws(() => parse(text), (e: unknown) => e instanceof SyntaxError && message.test(e.message), `${name}(${JSON.stringify(text)})`);
    }
  }
});

test(`nesting deeper than ${MAX_JSON_DEPTH} is a clean SyntaxError, never a RangeError`, () => {
  const arrays = (d: number) => '['.repeat(d) + ']'.repeat(d);
  const objects = (d: number) => '{"a":'.repeat(d) + '1' + '}'.repeat(d);
  for (const [name, parse] of Object.entries(PARSERS)) {
    assert.equal(JSON.stringify(parse(arrays(MAX_JSON_DEPTH))).length, 2 * MAX_JSON_DEPTH, `${name}: the limit itself is fine`);
    assert.ok(parse(objects(MAX_JSON_DEPTH)), name);
    // Long text takes the depth pre-scan: exactly the limit passes, one more fails.
    const padded = (d: number) => `{"pad":"${'x'.repeat(3000)}","list":[${'{},'.repeat(1200)}{}],"d":${arrays(d - 1)}}`;
    assert.ok(parse(padded(MAX_JSON_DEPTH)), `${name}: long text at the limit`);
    assert.throws(() => parse(padded(MAX_JSON_DEPTH + 1)), /nested deeper than 1000 levels/, `${name}: long text over the limit`);
    for (const text of [arrays(MAX_JSON_DEPTH + 1), objects(MAX_JSON_DEPTH + 1), arrays(100_000), '['.repeat(100_000), `{"pad":"${'x'.repeat(5000)}","deep":${arrays(5000)}}`]) {
      const started = Date.now();
      assert.throws(() => parse(text), (e: unknown) => e instanceof SyntaxError && /nested deeper than 1000 levels at position \d+/.test(e.message), `${name}: ${text.slice(0, 40)}...`);
      assert.ok(Date.now() - started < 1000, 'rejected quickly');
    }
  }
});

test('brackets inside strings do not count as nesting; long documents still parse exactly', () => {
  const brackets = '['.repeat(5000) + '{'.repeat(5000);
  const text = JSON.stringify({ s: brackets, list: Array.from({ length: 1500 }, (_, i) => ({ i, q: '"\\[' })) });
  for (const parse of Object.values(PARSERS)) assert.deepStrictEqual(parse(text), JSON.parse(text));
  const big = `[${Array.from({ length: 1500 }, (_, i) => `{"id":${9007199254740993n + BigInt(i)}}`).join(',')}]`;
  const v = parseJson(big) as Array<{ id: bigint }>;
  assert.equal(v[1499]!.id, 9007199254742492n);
  assert.equal(stringifyJson(v), big);
});

test('exactIntegers: false gives JSON.parse doubles, with the same depth limit', () => {
  assert.deepStrictEqual(parseJson('{"id":9007199254740993,"n":[12345678901234567890]}', { exactIntegers: false }), { id: 9007199254740992, n: [12345678901234567000] });
  assert.deepStrictEqual(parseJsonExact('[9007199254740993]', false), [9007199254740992]);
  assert.throws(() => parseJson('['.repeat(5000) + ']'.repeat(5000), { exactIntegers: false }), /nested deeper than 1000 levels/);
});

test('a 10 MB string parses on both paths', () => {
  const s = 'x'.repeat(10 * 1024 * 1024);
  assert.equal((parseJson(`{"s":"${s}"}`) as { s: string }).s.length, s.length);
  assert.equal((parseJson(`{"s":"${s}","n":9007199254740993}`) as { s: string }).s.length, s.length);
});

// ---- stringify ----

test('stringifyJson writes bigints as bare digits and is JSON.stringify otherwise', () => {
  assert.equal(stringifyJson({ id: 9007199254740993n }), '{"id":9007199254740993}');
  assert.equal(stringifyJson([12345678901234567890n, -9007199254740993n, 1, 'x']), '[12345678901234567890,-9007199254740993,1,"x"]');
  assert.equal(stringifyJson(5n), '5');
  assert.equal(stringifyJson(undefined), 'null');
  const plain = { a: [1, 'two', null, true, { b: undefined, c: () => 1 }], d: new Date(0), e: -0, f: NaN };
  assert.equal(stringifyJson(plain), JSON.stringify(plain));
  // The same value with a bigint added: everything else is written as JSON.stringify writes it.
  assert.equal(stringifyJson({ ...plain, g: 1n }), JSON.stringify(plain).slice(0, -1) + ',"g":1}');
  const stamp = { toJSON: () => '2024-01-01T00:00:00Z' };
  assert.equal(stringifyJson({ t: stamp, n: 9007199254740993n }), '{"t":"2024-01-01T00:00:00Z","n":9007199254740993}');
});

test('stringifyJson applies a replacer, with and without bigints', () => {
  const upper = (_k: string, v: unknown) => (typeof v === 'string' ? v.toUpperCase() : v);
  assert.equal(stringifyJson({ a: 'x', b: ['y'] }, upper), '{"a":"X","b":["Y"]}');
  assert.equal(stringifyJson({ a: 'x', b: [9007199254740993n] }, upper), '{"a":"X","b":[9007199254740993]}');
  // A replacer may produce a bigint too.
  assert.equal(stringifyJson({ a: 1 }, (k, v) => (k === 'a' ? 9007199254740993n : v)), '{"a":9007199254740993}');
});

test('a string that looks like an internal bigint tag is written as a string', () => {
  const v = { s: '\u0000bigint:00:12', t: '"\\u0000bigint:x:1"', n: 9007199254740993n };
  assert.equal(stringifyJson(v), `{"s":${JSON.stringify(v.s)},"t":${JSON.stringify(v.t)},"n":9007199254740993}`);
});

/**
 * What a value reads back as once written: -0 is written as 0, non-finite numbers as null, and
 * a float holding an unsafe integer (9007199254740993.0 parses to 2^53) is written as plain
 * digits, which read back as a bigint.
 */
function asWritten(v: unknown): unknown {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    if (Object.is(v, -0)) return 0;
    return Number.isInteger(v) && !Number.isSafeInteger(v) && /^-?\d+$/.test(String(v)) ? BigInt(v) : v;
  }
  if (Array.isArray(v)) return v.map(asWritten);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(v)) Object.defineProperty(out, k, { value: asWritten(e), writable: true, enumerable: true, configurable: true });
    return out;
  }
  return v;
}

test('the exact writer matches JSON.stringify on generated values, and cycles still throw', () => {
  const r = rng(99);
  for (let i = 0; i < 1000; i++) {
    const g = genValue(r, 0);
    if (containsBigInt(g.value)) {
      assert.deepStrictEqual(parseJson(stringifyJsonExact(g.value)), asWritten(g.value));
      assert.equal(stringifyJson(g.value), stringifyJsonExact(g.value));
    } else {
      assert.equal(stringifyJsonExact(g.value), JSON.stringify(g.value));
    }
  }
  const cyclic: Record<string, unknown> = { n: 1n };
  cyclic.self = cyclic;
  assert.throws(() => stringifyJson(cyclic), TypeError);
});

test('parse → stringify round-trips big integers byte-exact', () => {
  for (const text of ['{"id":9007199254740993}', '{"n":12345678901234567890}', '[-9223372036854775808,18446744073709551615]']) {
    for (const parse of Object.values(PARSERS)) assert.equal(stringifyJson(parse(text)), text);
  }
});

// ---- wired into Message ----

test('Message parses content losslessly and serialises bigints, bytes and Buffers as Benthos text', async () => {
  const { Message, serialiseValue } = await import('./message.js');
  const m = Message.fromString('{"id":9007199254740993,"n":12345678901234567890}');
  assert.deepStrictEqual(m.asStructured(), { id: 9007199254740993n, n: 12345678901234567890n });
  assert.equal(Message.fromStructured({ id: 9007199254740993n }).asString(), '{"id":9007199254740993}');
  assert.equal(serialiseValue({ raw: new TextEncoder().encode('hé'), buf: Buffer.from('yo'), id: 9007199254740993n }), '{"raw":"hé","buf":"yo","id":9007199254740993}');
  assert.throws(() => Message.fromString('['.repeat(100_000)).asStructured(), /nested deeper than 1000 levels/);
  assert.throws(() => Message.fromString('').asStructured(), SyntaxError);
});
