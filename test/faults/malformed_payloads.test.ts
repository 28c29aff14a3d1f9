/**
 * RELIABILITY.md F10: hostile payloads mixed into a stream that parses every message. The
 * process stays up, each bad payload is flagged with an error or handled as Benthos handles it,
 * Object.prototype is untouched, and every good message comes out unchanged.
 *
 * What Benthos (Go's encoding/json) does, and so what Sluice does, per kind:
 * - truncated JSON, NaN / Infinity literals, an empty body, invalid UTF-8 outside strings:
 *   errors (the message goes on, flagged, with its original content).
 * - a UTF-8 byte order mark: an error too. encoding/json does not skip it ("invalid character
 *   'ï' looking for beginning of value", golang/go#12254), and JSON.parse does not either.
 * - invalid UTF-8 inside a string: not an error; the bad bytes become U+FFFD (encoding/json
 *   documents this; Node's UTF-8 decoder does the same).
 * - duplicate keys: not an error; the last value wins (both encoding/json and JSON.parse).
 * - `__proto__` / `constructor` keys: plain data, written back out as they came.
 * - integers beyond 2^53: kept exact (Benthos keeps int64 / uint64).
 * - nesting deeper than MAX_JSON_DEPTH (1,000; Go allows 10,000, see src/core/json.ts for why
 *   we stop earlier): an error, never a RangeError.
 * - a 10 MB string: fine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { runStream } from '../../src/library.js';
import { Message } from '../../src/core/message.js';
import { TestSink, TestSource, sinks, sources } from '../../src/testing/test_components.js';
import { silentLogger } from '../../src/core/logger.js';

const PER_KIND = 100;

/** Source items that stand for raw bytes (the test source only carries strings). */
const BYTES_PREFIX = 'bytes:';

interface Payload {
  kind: string;
  /** The item handed to the source (a string, or BYTES_PREFIX + base64 for raw bytes). */
  item: string;
  /** Expected output bytes; for errored payloads, the input unchanged. */
  expected: Buffer;
  /** True when the mapping must flag this message with an error. */
  errors: boolean;
}

function bytesItem(b: Buffer): string {
  return BYTES_PREFIX + b.toString('base64');
}

/** The UTF-8 of `text` with its `@` replaced by raw bytes. */
function withBytes(text: string, bytes: number[]): Buffer {
  const [before, after] = text.split('@') as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
}

function itemBytes(item: string): Buffer {
  return item.startsWith(BYTES_PREFIX) ? Buffer.from(item.slice(BYTES_PREFIX.length), 'base64') : Buffer.from(item, 'utf8');
}

/** Shared big strings: one copy each, however many messages carry them. */
const TEN_MB = 'x'.repeat(10 * 1024 * 1024);
const DEEP = '['.repeat(100_000) + ']'.repeat(100_000);

/**
 * How a mapping reads and writes the payload. `wrap(json)` puts a JSON value where the mapping
 * reads it (`root = this`: the whole document; `root.x = this.x`: field x). `out(json)` is what
 * the mapping writes for a document made by `wrap(json)`, or null when the content passes through
 * untouched: Sluice's `root = this` keeps the original bytes (src/bloblang/mapping.ts), where
 * Benthos would re-serialise (collapsing duplicate keys, sorting keys, writing U+FFFD).
 * Documents here have their keys in sorted order so that Go's sorted-key output and ours agree.
 */
interface Shape {
  wrap: (json: string) => string;
  out: ((json: string) => string) | null;
}

function payloads(i: number, { wrap, out }: Shape): Payload[] {
  const good = wrap(`{"id":${i},"name":"user ${i}","tags":["a","b"]}`);
  const bigInts = i % 2 === 0 ? '{"id":9007199254740993}' : `{"k":${9007199254740993n + BigInt(i)},"m":-9223372036854775808,"n":12345678901234567890}`;
  const bad = (kind: string, item: string): Payload => ({ kind, item, expected: itemBytes(item), errors: true });
  const ok = (kind: string, item: string, written: string): Payload => ({ kind, item, expected: out === null ? itemBytes(item) : Buffer.from(out(written)), errors: false });
  const list: Payload[] = [
    ok('good', good, `{"id":${i},"name":"user ${i}","tags":["a","b"]}`),
    bad('truncated', good.slice(0, 5 + (i % (good.length - 6)))),
    i % 2 === 0
      ? bad('invalid utf-8', bytesItem(withBytes(wrap('{"a":1,@"b":2}'), [0xff, 0xfe])))
      : ok('invalid utf-8 in a string', bytesItem(withBytes(wrap('{"s":"a@b"}'), [0xc3, 0x28, 0xff])), '{"s":"a\uFFFD(\uFFFDb"}'),
    bad('bom', `\uFEFF${good}`),
    bad('nan/infinity', wrap(['{"a":NaN}', '{"a":Infinity}', '{"a":-Infinity}', '[1,NaN]'][i % 4]!)),
    ok('duplicate keys', wrap(`{"a":1,"b":${i},"a":2}`), `{"a":2,"b":${i}}`),
    bad('deep nesting', wrap(DEEP)),
    ok('10 MB string', wrap(`{"s":"${TEN_MB}"}`), `{"s":"${TEN_MB}"}`),
    ok('__proto__ keys', wrap(`{"__proto__":{"polluted":${i}},"constructor":{"prototype":{"polluted":true}},"toString":"x"}`), `{"__proto__":{"polluted":${i}},"constructor":{"prototype":{"polluted":true}},"toString":"x"}`),
    ok('big integers', wrap(bigInts), bigInts),
    bad('empty body', ''),
  ];
  return list;
}

interface Delivered {
  bytes: Buffer | undefined;
  length: number;
  sha256: string;
  error: string | undefined;
}

function digest(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

function prototypeSnapshot(): string {
  return Object.getOwnPropertyNames(Object.prototype)
    .sort()
    .map((k) => `${k}:${typeof Object.getOwnPropertyDescriptor(Object.prototype, k)?.value}`)
    .join(',');
}

async function runCase(id: string, mapping: string, shape: Shape, perKind: number): Promise<void> {
  // Deterministic shuffle of perKind rounds of every kind.
  const all: Payload[] = [];
  for (let i = 0; i < perKind; i++) all.push(...payloads(i, shape));
  let seed = 42;
  for (let i = all.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [all[i], all[j]] = [all[j]!, all[i]!];
  }

  const source = new TestSource(all.map((p) => p.item));
  const readBatch = source.next.bind(source);
  source.next = async (n, onAck) => {
    const r = await readBatch(n, onAck);
    if (r) r.messages = r.messages.map((m) => Message.fromBytes(itemBytes(m.asString())));
    return r;
  };
  const sink = new TestSink();
  const delivered: Delivered[] = [];
  sink.write = async (batch: Message[]) => {
    for (const m of batch) {
      const b = m.asBytes();
      // Keep big payloads as a digest only: 100 copies of 10 MB would not fit.
      delivered.push({ bytes: b.length < 1_000_000 ? Buffer.from(b) : undefined, length: b.length, sha256: digest(b), error: m.error?.message });
    }
  };
  sources.set(id, source);
  sinks.set(id, sink);

  const protoBefore = prototypeSnapshot();
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { test_source: { id } },
      // One thread and one write in flight keep the order, so outputs line up with inputs.
      pipeline: { threads: 1, processors: [{ mapping }] },
      output: { test_sink: { id, max_in_flight: 1 } },
    },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0, 'the stream ends normally');

  assert.equal(prototypeSnapshot(), protoBefore, 'Object.prototype has the same properties');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'nothing leaked into Object.prototype');
  assert.equal(Object.getPrototypeOf({}), Object.prototype);

  assert.equal(delivered.length, all.length, 'every message is delivered (errored ones too)');
  assert.equal(source.acked.length, all.length, 'every message is acknowledged');
  assert.equal(source.nacked.length, 0);

  const expectedErrors = all.filter((p) => p.errors).length;
  assert.equal(expectedErrors, perKind * 6 - perKind / 2, 'error kinds: truncated, bom, nan, deep, empty, half of invalid utf-8');
  assert.equal(handle.metrics.sum('processor_error'), expectedErrors, 'processor_error counts exactly the bad payloads');

  const wrong: string[] = [];
  for (let i = 0; i < all.length; i++) {
    const p = all[i]!;
    const d = delivered[i]!;
    if (p.errors !== (d.error !== undefined)) wrong.push(`${p.kind}: ${p.errors ? 'not flagged' : `flagged: ${d.error}`}`);
    else if (d.length !== p.expected.length || d.sha256 !== digest(p.expected)) {
      wrong.push(`${p.kind}: got ${d.bytes?.toString('utf8').slice(0, 120) ?? `${d.length} bytes`}, want ${p.expected.toString('utf8').slice(0, 120)}`);
    }
    if (p.kind === 'deep nesting' && d.error !== undefined && !/nested deeper than 1000 levels/.test(d.error)) wrong.push(`deep nesting: unexpected error ${d.error}`);
    if (p.kind === 'bom' && d.error !== undefined && !/byte order mark/.test(d.error)) wrong.push(`bom: unexpected error ${d.error}`);
  }
  assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} messages differ from what is expected`);
}

test(`F10 malformed payloads, ${PER_KIND} of each kind, through \`root = this\`: errors flagged, the rest unchanged`, { timeout: 180_000 }, async () => {
  await runCase('f10-this', 'root = this', { wrap: (json) => json, out: null }, PER_KIND);
});

// Re-serialised output: duplicate keys collapse, invalid UTF-8 becomes U+FFFD, big integers
// stay exact. Fewer rounds: the 10 MB payloads make each round slow.
test('F10 malformed payloads through `root.x = this.x` (re-serialised)', { timeout: 180_000 }, async () => {
  await runCase('f10-field', 'root.x = this.x', { wrap: (json) => `{"x":${json}}`, out: (json) => `{"x":${json}}` }, 20);
});

test('the error for an unparsable message names the cause and the position', async () => {
  const source = new TestSource(['{"a":NaN}', '\uFEFF{}', '[[[[']);
  const sink = new TestSink();
  const errors: string[] = [];
  sink.write = async (batch: Message[]) => {
    for (const m of batch) errors.push(m.error?.message ?? '');
  };
  sources.set('f10-messages', source);
  sinks.set('f10-messages', sink);
  const handle = await runStream(
    { http: { enabled: false }, input: { test_source: { id: 'f10-messages' } }, pipeline: { threads: 1, processors: [{ mapping: 'root = this' }] }, output: { test_sink: { id: 'f10-messages' } } },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.equal(errors.length, 3);
  assert.match(errors[0]!, /unable to reference message as structured \(with 'this'\): parse as json: Unexpected token 'N' in JSON at position 5/);
  assert.match(errors[1]!, /Unexpected byte order mark \(U\+FEFF\) in JSON at position 0/);
  assert.match(errors[2]!, /Unexpected end of JSON input/);
});
