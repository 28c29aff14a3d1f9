import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTopics } from './kafka_topics.js';

// Cases from the `topics` examples of the kafka / kafka_franz input docs.
test('plain and comma separated topics are balanced', () => {
  assert.deepEqual(parseTopics(['foo', 'bar'], { allowOffsets: false }), { balanced: ['foo', 'bar'], explicit: [] });
  assert.deepEqual(parseTopics(['foo,bar'], { allowOffsets: false }), { balanced: ['foo', 'bar'], explicit: [] });
});

test('explicit partitions and ranges', () => {
  assert.deepEqual(parseTopics(['foo:0', 'bar:1', 'bar:3'], { allowOffsets: false }).explicit, [
    { topic: 'foo', partition: 0 },
    { topic: 'bar', partition: 1 },
    { topic: 'bar', partition: 3 },
  ]);
  assert.deepEqual(parseTopics(['foo:0,bar:1,bar:3'], { allowOffsets: false }).explicit.length, 3);
  assert.deepEqual(
    parseTopics(['foo:0-5'], { allowOffsets: false }).explicit.map((e) => e.partition),
    [0, 1, 2, 3, 4, 5],
  );
});

test('kafka_franz explicit offsets', () => {
  assert.deepEqual(parseTopics(['foo:0:10'], { allowOffsets: true }).explicit, [{ topic: 'foo', partition: 0, offset: 10 }]);
  assert.throws(() => parseTopics(['foo:0:10'], { allowOffsets: false }), /expected topic:partition/);
});

test('bad specs are rejected with the offending text', () => {
  assert.throws(() => parseTopics(['foo:x'], { allowOffsets: false }), /partition 'x' is not a non-negative integer/);
  assert.throws(() => parseTopics(['foo:5-1'], { allowOffsets: false }), /ends before it starts/);
  assert.throws(() => parseTopics([':1'], { allowOffsets: false }), /topic name is empty/);
  assert.throws(() => parseTopics([' , '], { allowOffsets: false }), /at least one topic/);
  assert.throws(() => parseTopics(['foo', 'foo:1'], { allowOffsets: false }), /both whole and with explicit partitions/);
});
