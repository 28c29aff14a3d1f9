/**
 * RELIABILITY.md 3.2 at run time: errors are per message and never crash; resource bombs
 * become errors; RE2 keeps regexes linear; nothing reaches Object.prototype; int64 values
 * round-trip; impure functions can be switched off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runStream } from '../../../src/library.js';
import { Message } from '../../../src/core/message.js';
import { TestSink, TestSource, sinks, sources } from '../../../src/testing/test_components.js';
import { silentLogger } from '../../../src/core/logger.js';
import { parseMapping } from '../../../src/bloblang/index.js';
import { prototypeSnapshot } from './fuzz_rng.js';

interface Out {
  content: string;
  error: string | undefined;
  /** What `error()` returned in a later processor. */
  seen: unknown;
}

let streams = 0;

/** Run documents through `mapping` then a mutation reading `error()`; one thread keeps order. */
async function run(mapping: string, docs: string[]): Promise<{ out: Out[]; errors: number }> {
  const id = `badin-rt-${++streams}`;
  const source = new TestSource(docs);
  const sink = new TestSink();
  const out: Out[] = [];
  sink.write = async (batch: Message[]) => {
    for (const m of batch) out.push({ content: m.asString(), error: m.error?.message, seen: m.getMeta('seen_error') });
  };
  sources.set(id, source);
  sinks.set(id, sink);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id } },
      pipeline: { threads: 1, processors: [{ mapping }, { mutation: 'meta seen_error = error()' }] },
      output: { test_sink: { id, max_in_flight: 1 } },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0, 'the stream ends normally');
  assert.equal(source.acked.length, docs.length, 'every message is acknowledged');
  return { out, errors: handle.metrics.sum('processor_error') };
}

/** [case, mapping, good document, bad document, message substring, fallback for .catch/.or] */
const RUNTIME: [string, string, string, string, string][] = [
  ['type mismatch', 'root.v = this.n.uppercase()', '{"n":"a"}', '{"n":5}', 'expected string value, got number'],
  ['method on a missing path', 'root.v = this.missing.uppercase()', '{"missing":"a"}', '{"other":1}', 'expected string value, got null'],
  ['division by zero', 'root.v = 10 / this.d', '{"d":2}', '{"d":0}', 'attempted to divide by zero'],
  ['index out of range', 'root.v = this.a.index(3)', '{"a":[1,2,3,4]}', '{"a":[1]}', 'out of bounds'],
  ['throw', 'root.v = if this.bad { throw("boom: bad document") } else { 1 }', '{"bad":false}', '{"bad":true}', 'boom: bad document'],
  ['parse_json of garbage', 'root.v = this.s.parse_json()', '{"s":"{\\"a\\":1}"}', '{"s":"{nope"}', 'failed to parse value as JSON'],
  ['bad timestamp', 'root.v = this.t.ts_parse("2006-01-02")', '{"t":"2024-01-02"}', '{"t":"yesterday"}', 'parsing time "yesterday"'],
  ['integer overflow', 'root.v = this.n.int64()', '{"n":"12"}', '{"n":"9223372036854775808"}', 'value out of range'],
  ['32-bit overflow', 'root.v = this.n.int32()', '{"n":7}', '{"n":3000000000}', 'too large to be cast as a 32-bit signed integer'],
  ['number of a word', 'root.v = this.s.number()', '{"s":"1.5"}', '{"s":"abc"}', 'parsing "abc": invalid syntax'],
];

for (const [name, mapping, good, bad, message] of RUNTIME) {
  test(`runtime error, ${name}: only the bad message is flagged, error() reads it, the metric counts it`, async () => {
    const docs = [good, bad, good, bad, good];
    const { out, errors } = await run(mapping, docs);
    assert.equal(out.length, docs.length);
    assert.equal(errors, 2, 'processor_error counts the two bad messages');
    for (let i = 0; i < docs.length; i++) {
      const o = out[i]!;
      if (docs[i] === bad) {
        assert.ok(o.error?.includes(message), `message ${i}: error ${o.error}`);
        assert.ok(String(o.seen).includes(message), `message ${i}: error() gave ${String(o.seen)}`);
        assert.equal(o.content, bad, 'the bad message keeps its content');
      } else {
        assert.equal(o.error, undefined, `message ${i} is not flagged`);
        assert.ok(o.content.startsWith('{"v":'), o.content);
      }
    }
  });

  test(`runtime error, ${name}: .catch() and .or() recover`, async () => {
    const rhs = mapping.replace(/^root\.v = /, '');
    // `.catch(x)` and `.or(x)` apply to the whole query when it is wrapped in parentheses.
    for (const recovered of [`root.v = (${rhs}).catch(-1)`, `root.v = (${rhs}).or(-1)`]) {
      const { out, errors } = await run(recovered, [good, bad]);
      assert.equal(errors, 0, recovered);
      assert.equal(out[1]!.error, undefined);
      assert.equal(out[1]!.content, '{"v":-1}', recovered);
      assert.notEqual(out[0]!.content, '{"v":-1}', 'the good message keeps its value');
    }
  });
}

// ---- resource bombs ----

test('recursion through apply stops at the depth limit with a Bloblang error, per message', async () => {
  for (const mapping of [
    'map loop {\n  root = this.apply("loop")\n}\nroot = this.apply("loop")',
    'map a {\n  root.x = this.apply("b")\n}\nmap b {\n  root.y = this.apply("a")\n}\nroot = this.apply("a")',
  ]) {
    const { out, errors } = await run(mapping, ['{"a":1}', '{"a":2}']);
    assert.equal(errors, 2);
    for (const o of out) {
      assert.match(o.error ?? '', /maximum map recursion depth \(\d+\) exceeded/, 'an explicit depth counter, not a V8 stack overflow');
      assert.doesNotMatch(o.error ?? '', /call stack/i);
    }
  }
});

test('huge allocations are refused per message: range(0, 1e9), string repeat', async () => {
  // Static arguments are refused when the mapping is compiled.
  const r = parseMapping('root = range(0, 1000000000)');
  assert.match(r.diagnostics[0]?.message ?? '', /range of 1000000000 items exceeds the limit of 10000000/);
  // From the message: a per-message error; the small one still works.
  const { out, errors } = await run('root.v = range(0, this.n).length()', ['{"n":3}', '{"n":1000000000}']);
  assert.equal(errors, 1);
  assert.equal(out[0]!.content, '{"v":3}');
  assert.match(out[1]!.error ?? '', /range of 1000000000 items exceeds the limit/);
  const rep = await run('root.v = this.s.repeat(this.n).length()', ['{"s":"ab","n":3}', '{"s":"ab","n":1000000000}']);
  assert.equal(rep.errors, 1);
  assert.equal(rep.out[0]!.content, '{"v":6}');
  assert.match(rep.out[1]!.error ?? '', /repeat would build 2000000000 characters, over the limit/);
});

test('string doubling with + is a per-message error, never a crash', async () => {
  // 40 doublings of one character would be 2^40 characters: past what a string can hold.
  const mapping = ['let s = this.s', ...Array.from({ length: 40 }, () => 'let s = $s + $s'), 'root.len = $s.length()'].join('\n');
  const { out, errors } = await run(mapping, ['{"s":"x"}', '{"s":"y"}']);
  assert.equal(errors, 2);
  for (const o of out) assert.match(o.error ?? '', /failed assignment/);
});

test('string doubling to 128 Mi characters is refused by the per-string limit of +', async () => {
  const mapping = ['let s = this.s.repeat(1048576)', ...Array.from({ length: 7 }, () => 'let s = $s + $s'), 'root = $s'].join('\n');
  const { out, errors } = await run(mapping, ['{"s":"x"}']);
  assert.equal(errors, 1);
  assert.match(out[0]!.error ?? '', /limit/);
});

test('assigning root into itself copies it instead of making a cycle', () => {
  const r = parseMapping('root.a = 1\nroot.self = root');
  let value: unknown;
  assert.doesNotThrow(() => (value = (r.mapping!.execValue({}) as { value: unknown }).value));
  assert.deepEqual(value, { a: 1, self: { a: 1 } });
});

// ---- ReDoS ----

test('ReDoS probe: re_match("(a+)+$") on 30 a\'s and "!" takes under 10 ms (RE2, linear time)', () => {
  const r = parseMapping('root = this.s.re_match("(a+)+$")');
  assert.ok(r.mapping);
  const input = { s: `${'a'.repeat(30)}!` };
  r.mapping.execValue(input); // warm up
  const t0 = performance.now();
  const v = r.mapping.execValue(input);
  const ms = performance.now() - t0;
  console.log(`bad_input ReDoS probe: ${ms.toFixed(3)} ms`);
  assert.deepEqual(v, { deleted: false, value: false, meta: {} });
  assert.ok(ms < 10, `${ms} ms`);
  // JSONPath filter regexes go through RE2 too.
  const jp = parseMapping('root = this.json_path("$.items[?(@.s =~ /(a+)+$/)]")');
  const t1 = performance.now();
  const out = jp.mapping!.execValue({ items: [{ s: `${'a'.repeat(30)}!` }, { s: 'aaa' }] });
  const ms2 = performance.now() - t1;
  assert.ok(ms2 < 50, `json_path regex filter took ${ms2} ms`);
  assert.deepEqual((out as { value: unknown }).value, [{ s: 'aaa' }]);
});

// ---- prototype pollution ----

test('prototype pollution attempts leave Object.prototype unchanged and stay plain data', async () => {
  const before = prototypeSnapshot();
  const mappings = [
    'root.__proto__.x = 1',
    'root."constructor"."prototype".y = 1',
    'meta __proto__ = "m"\nroot = @',
    'root = this\nroot.__proto__.polluted = true',
    'root = {"__proto__": {"z": 1}}',
    'let __proto__ = {"w": 1}\nroot.v = $__proto__',
    'root = this.merge({"__proto__": {"q": 1}})',
    'root = this.__proto__',
  ];
  const doc = '{"__proto__":{"polluted":1},"constructor":{"prototype":{"p":1}}}';
  for (const m of [mappings.join('\n'), ...mappings]) {
    const { out } = await run(m, [doc]);
    assert.equal(out.length, 1, m);
    assert.equal(prototypeSnapshot(), before, m);
  }
  for (const k of ['x', 'y', 'z', 'w', 'q', 'polluted', 'p', 'm']) assert.equal(({} as Record<string, unknown>)[k], undefined, k);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  // The keys are written as plain data.
  const r = parseMapping('root.__proto__.x = 1\nroot."constructor"."prototype".y = 2').mapping!.execValue({});
  assert.equal(JSON.stringify((r as { value: unknown }).value), '{"__proto__":{"x":1},"constructor":{"prototype":{"y":2}}}');
  assert.equal(prototypeSnapshot(), before);
});

test('a metadata key __proto__ is kept as plain data in the metadata object', () => {
  const r = parseMapping('meta __proto__ = {"x": 1}\nroot.keys = @.keys()\nroot.x = @.x').mapping!.execValue({});
  const { value, meta } = r as { value: Record<string, unknown>; meta: Record<string, unknown> };
  assert.ok(Object.prototype.hasOwnProperty.call(meta, '__proto__'), 'metadata key __proto__ is an own key');
  assert.equal(Object.getPrototypeOf(meta), Object.prototype, 'the metadata object keeps its prototype');
  assert.deepEqual(value.keys, ['__proto__']);
  assert.equal(value.x, null, '@.x is not inherited from a __proto__ value');
});

// ---- int64 ----

test('int64 edge values round-trip exactly: 2^53+1, -2^63, 2^63-1', async () => {
  const doc = '{"a":9007199254740993,"b":-9223372036854775808,"c":9223372036854775807}';
  const copied = await run('root.a = this.a\nroot.b = this.b\nroot.c = this.c', [doc]);
  assert.equal(copied.out[0]!.content, doc);
  const literal = await run('root.a = 9007199254740993\nroot.b = -9223372036854775808\nroot.c = 9223372036854775807', ['{}']);
  assert.equal(literal.out[0]!.content, doc);
  const arithmetic = await run('root.a = this.a + 0\nroot.b = this.b + 1 - 1\nroot.c = this.c - 1 + 1', [doc]);
  assert.equal(arithmetic.out[0]!.content, doc);
  const text = await run('root.a = this.a.string()\nroot.c = this.c.string()', [doc]);
  assert.equal(text.out[0]!.content, '{"a":"9007199254740993","c":"9223372036854775807"}');
});

// ---- impure functions ----

test('impure functions (env, file, hostname, now) can be disabled; they work by default', () => {
  for (const [src, col] of [
    ['root = env("HOME")', 8],
    ['root = file("/etc/hostname")', 8],
    ['root = hostname()', 8],
    ['root.a = 1\nroot.b = now()', 10],
    ['root = timestamp_unix()', 8],
  ] as const) {
    assert.equal(parseMapping(src).diagnostics.length, 0, `${src} compiles by default`);
    const r = parseMapping(src, { disableImpure: true });
    const d = r.diagnostics[0];
    assert.ok(d, `${src}: refused`);
    assert.match(d.message, /is impure .* disabled for this mapping/);
    assert.equal(d.position?.column, col, src);
  }
  assert.equal(parseMapping('root = this.a.uppercase()', { disableImpure: true }).diagnostics.length, 0, 'pure mappings still compile');
});

test('a JSON schema that is not an object is a clean error, not a JavaScript TypeError (found by the fuzzer)', async () => {
  assert.match(parseMapping('root = this.json_schema("null")').diagnostics[0]?.message ?? '', /a schema must be an object or a boolean, got null/);
  const { out, errors } = await run('root = this.json_schema(this.schema)', ['{"schema":"{\\"type\\":\\"object\\"}"}', '{"schema":"null"}']);
  assert.equal(errors, 1);
  assert.equal(out[0]!.error, undefined);
  assert.match(out[1]!.error ?? '', /a schema must be an object or a boolean, got null/);
  assert.doesNotMatch(out[1]!.error ?? '', /Cannot read properties/);
});
