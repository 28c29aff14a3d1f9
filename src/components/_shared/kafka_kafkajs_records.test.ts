import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import {
  encodeRecord,
  encodeRecordBatch,
  installFastRecordEncoder,
  kafkajsRecordBatchEncoder,
  kafkajsRecordEncoder,
  type BatchInput,
  type RecordInput,
} from './kafka_kafkajs_records.js';
import { crc32c } from './kafka_crc32c.js';

const require = createRequire(import.meta.url);
const bytes = (e: { buf: Buffer; offset: number }): Buffer => e.buf.subarray(0, e.offset);

const cases: Array<[string, RecordInput]> = [
  ['empty record', {}],
  ['null key, buffer value', { key: null, value: Buffer.from('{"a":1}') }],
  ['string key and value', { key: 'k1', value: 'hello' }],
  ['unicode strings (2, 3 and 4 byte UTF-8, a lone surrogate)', { key: 'clé', value: '€ 😀 \ud800 end', headers: { 'ключ': 'значение', emoji: '😀' } }],
  ['empty key and value', { key: '', value: Buffer.alloc(0) }],
  ['value of 200 bytes (two-byte length varint)', { value: Buffer.alloc(200, 120) }],
  ['value of 20,000 bytes (three-byte varints)', { value: Buffer.alloc(20_000, 7), offsetDelta: 300 }],
  ['long ASCII strings (measured natively)', { key: 'k'.repeat(100), value: 'v'.repeat(1000), headers: { ['h'.repeat(60)]: 'x'.repeat(49) } }],
  ['negative and large deltas', { offsetDelta: 70_000, timestampDelta: -123_456 }],
  ['int32 extremes', { offsetDelta: 2 ** 31 - 1, timestampDelta: -(2 ** 31) }],
  [
    'Sluice-like metadata headers, strings and buffers mixed',
    {
      key: null,
      value: Buffer.from('{"id":1,"user":{"name":"ADA"}}'),
      offsetDelta: 12,
      timestampDelta: 3,
      headers: { kafka_key: '', kafka_topic: 'in', kafka_partition: '3', kafka_offset: '4711', kafka_lag: '0', raw: Buffer.from([0, 255, 1]) },
    },
  ],
  ['repeated header keys (arrays), an empty list', { value: 'x', headers: { a: ['1', Buffer.from('2'), '3'], none: [], b: 'z' } }],
  ['integer-like header keys keep kafkajs key order', { value: 'x', headers: { b: '1', 2: 'two', a: '3', 1: 'one' } }],
  ['more headers than the scratch space', { value: 'x', headers: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`h${i}`, `v${i}`])) }],
];

for (const [name, input] of cases) {
  test(`record encoder: ${name}: the same bytes as kafkajs's`, () => {
    const theirs = bytes(kafkajsRecordEncoder()({ ...input }));
    const ours = bytes(encodeRecord({ ...input }));
    assert.equal(ours.toString('hex'), theirs.toString('hex'));
  });
}

test('record encoder: timestamp deltas beyond 32 bits and odd value types go to kafkajs (same bytes, same errors)', () => {
  const big = { value: 'x', timestampDelta: 2 ** 40 + 5 };
  assert.equal(bytes(encodeRecord(big)).toString('hex'), bytes(kafkajsRecordEncoder()(big)).toString('hex'));
  const odd = { value: 'x', headers: { n: undefined } } as unknown as RecordInput;
  assert.throws(() => kafkajsRecordEncoder()(odd));
  assert.throws(() => encodeRecord(odd));
});

test('record encoder: the result is a kafkajs Encoder the request encoders can embed', () => {
  const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => { writeEncoderArray(a: unknown[]): { buffer: Buffer }; size(): number };
  const recs = [encodeRecord({ value: 'a' }), encodeRecord({ value: 'bb', offsetDelta: 1 })];
  assert.ok(recs[0] instanceof (Encoder as unknown as { new (): object }));
  const out = new Encoder().writeEncoderArray(recs).buffer;
  assert.equal(out.toString('hex'), Buffer.concat(recs.map(bytes)).toString('hex'));
});

test('record encoders: once installed, kafkajs produce requests are built with them', () => {
  installFastRecordEncoder();
  assert.equal(require('kafkajs/src/protocol/recordBatch/record/v0/index.js'), encodeRecord);
  const batchModule = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: unknown; MAGIC_BYTE: number };
  assert.equal(batchModule.RecordBatch, encodeRecordBatch);
  assert.equal(batchModule.MAGIC_BYTE, 2);
});

test('crc32c: the check value of "123456789", and the same as kafkajs on random data at every alignment', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  const kafkajsCrc = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
  const data = randomBytes(4099);
  for (const [start, end] of [[0, 4099], [1, 4099], [3, 17], [5, 5], [7, 4000]] as const) {
    assert.equal(crc32c(data, start, end), kafkajsCrc(data.subarray(start, end)), `bytes ${start}..${end}`);
  }
});

const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: unknown): unknown };
const batchCases: Array<[string, Omit<BatchInput, 'records'>, RecordInput[]]> = [
  ['no records', { firstTimestamp: 5, maxTimestamp: 5 }, []],
  ['plain records, numeric timestamps', { firstTimestamp: 1_700_000_000_000, maxTimestamp: 1_700_000_000_123, lastOffsetDelta: 2 }, [{ value: 'a' }, { key: 'k', value: Buffer.from('bb'), offsetDelta: 1 }, { value: 'c'.repeat(300), offsetDelta: 2, headers: { h: 'v' } }]],
  [
    'string timestamps, Long producer id, idempotent and transactional fields',
    { firstTimestamp: '1700000000000', maxTimestamp: '1700000009999', producerId: Long.fromValue(4242) as BatchInput['producerId'], producerEpoch: 3, firstSequence: 77, transactional: true, partitionLeaderEpoch: 5, firstOffset: 9 },
    [{ value: 'x' }],
  ],
  ['gzip', { compression: 1, firstTimestamp: 1, maxTimestamp: 2 }, Array.from({ length: 50 }, (_, i) => ({ value: `{"i":${i},"text":"hello hello hello"}`, offsetDelta: i }))],
];

for (const [name, batch, recs] of batchCases) {
  test(`record batch encoder: ${name}: the same bytes as kafkajs's`, async () => {
    const theirs = await kafkajsRecordBatchEncoder()({ ...batch, records: recs.map((r) => kafkajsRecordEncoder()({ ...r })) });
    const ours = await encodeRecordBatch({ ...batch, records: recs.map((r) => encodeRecord({ ...r })) });
    assert.equal(bytes(ours).toString('hex'), bytes(theirs).toString('hex'));
  });
}
