import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { fnv1a32, murmur2, makePartitioner } from './kafka_partitioners.js';

test('murmur2 matches the Java client (vectors of Kafka UtilsTest.testMurmur2)', () => {
  const cases: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, want] of cases) assert.equal(murmur2(Buffer.from(key)), want, key);
});

test('murmur2_hash places keys where kafkajs (Java-compatible) default partitioner does', () => {
  const ours = makePartitioner('murmur2_hash');
  const theirs = kafkajs.Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: 7 }, (_, i) => ({ partitionId: i, leader: 1, partitionErrorCode: 0, replicas: [], isr: [] }));
  for (let i = 0; i < 500; i++) {
    const key = `key-${i * 7919}`;
    assert.equal(ours('t', Buffer.from(key), 7), theirs({ topic: 't', partitionMetadata, message: { key, value: 'x' } }), key);
  }
});

test('FNV-1a 32 test vectors', () => {
  assert.equal(fnv1a32(Buffer.from('')), 0x811c9dc5);
  assert.equal(fnv1a32(Buffer.from('a')), 0xe40c292c);
  assert.equal(fnv1a32(Buffer.from('foobar')), 0xbf9cf968);
});

test("fnv1a_hash reads the hash as int32 and negates a negative remainder (sarama's hash partitioner)", () => {
  const p = makePartitioner('fnv1a_hash');
  // fnv1a('foobar') = 0xbf9cf968 = -1080231576 as int32; -1080231576 % 10 = -6 -> 6.
  assert.equal(p('t', Buffer.from('foobar'), 10), 6);
  // fnv1a('a') = 0xe40c292c = -468965076 as int32; 468965076 = 7 * 66995010 + 6, so % 7 = -6 -> 6.
  assert.equal(p('t', Buffer.from('a'), 7), 6);
  // A key without a hash is spread at random, within range.
  for (let i = 0; i < 50; i++) assert.ok(p('t', null, 4) < 4);
});

test('round_robin cycles per topic', () => {
  const p = makePartitioner('round_robin');
  assert.deepEqual([0, 1, 2, 3, 4].map(() => p('a', null, 3)), [0, 1, 2, 0, 1]);
  assert.equal(p('b', null, 3), 0);
});
