import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionCheckpointer, type Ticket } from './kafka_checkpointer.js';

/**
 * A partition log and one consumer run over it, as the reader drives the checkpointer: records
 * are handed out one per batch, acks and nacks arrive in any order, a nacked record stays
 * unreleased (it waits for its replay), and a restart resumes at the committed offset.
 */
class Run {
  readonly cp = new PartitionCheckpointer();
  readonly tickets = new Map<number, Ticket>();
  readonly unacked = new Set<number>();

  constructor(
    readonly log: number[],
    readonly start: number,
  ) {}

  readAll(): number[] {
    const got = this.log.filter((o) => o >= this.start);
    for (const o of got) {
      this.tickets.set(o, this.cp.track(o, 1));
      this.unacked.add(o);
    }
    return got;
  }

  ack(offset: number): void {
    this.cp.release(this.tickets.get(offset)!);
    this.unacked.delete(offset);
    this.assertNeverPastUnacked();
  }

  nack(_offset: number): void {
    // Replayed later by the same consumer: the ticket stays pending.
    this.assertNeverPastUnacked();
  }

  /** The committable offset is never beyond the lowest unacknowledged message. */
  assertNeverPastUnacked(): void {
    const c = this.cp.committable();
    if (c === undefined || this.unacked.size === 0) return;
    assert.ok(c <= Math.min(...this.unacked), `committable ${c} passed unacked ${Math.min(...this.unacked)}`);
  }
}

test('StreamTestCheckpointCapture: ack 1, 2, 4 and nack 3, 5; after a restart exactly 3, 4, 5 come back', () => {
  const log = [1, 2, 3, 4, 5];
  const first = new Run(log, 1);
  assert.deepEqual(first.readAll(), [1, 2, 3, 4, 5]);
  assert.equal(first.cp.pending, 5);
  first.ack(1);
  assert.equal(first.cp.committable(), 2);
  first.ack(2);
  assert.equal(first.cp.committable(), 3);
  first.ack(4);
  assert.equal(first.cp.committable(), 3, 'an ack beyond the gap at 3 does not move the offset');
  first.nack(3);
  first.nack(5);
  assert.equal(first.cp.committable(), 3, 'the committed offset never passes 3');
  assert.equal(first.cp.pending, 2, '3 and 5 are still out (waiting for their replay)');
  // Restart before the replays were delivered: the next run starts at the committed offset.
  const second = new Run(log, first.cp.committable()!);
  assert.deepEqual(second.readAll(), [3, 4, 5]);
  for (const o of [3, 4, 5]) second.ack(o);
  assert.equal(second.cp.committable(), 6);
});

test('a replayed nack that is finally delivered releases the offset', () => {
  const run = new Run([10, 11, 12], 10);
  run.readAll();
  run.nack(10);
  run.ack(11);
  run.ack(12);
  assert.equal(run.cp.committable(), undefined, 'nothing committable while 10 waits');
  run.ack(10); // the replay was delivered
  assert.equal(run.cp.committable(), 13);
  assert.equal(run.cp.pending, 0);
});

test('batches: the committable offset follows the last offset of released batches, gaps in offsets included', () => {
  const cp = new PartitionCheckpointer();
  const a = cp.track(4, 5); // offsets 0..4
  const b = cp.track(9, 3); // offsets 7..9 (5 and 6 were compacted away)
  const c = cp.track(12, 3);
  assert.equal(cp.pending, 11);
  assert.equal(cp.release(b), false, 'b is behind a: nothing moves');
  assert.equal(cp.committable(), undefined);
  assert.equal(cp.release(a), true);
  assert.equal(cp.committable(), 10, 'a and b are both released: next to read is 10');
  assert.equal(cp.release(b), false, 'a second release of the same batch is ignored');
  assert.equal(cp.pending, 3);
  cp.release(c);
  assert.equal(cp.committable(), 13);
  assert.equal(cp.pending, 0);
});

test('many out-of-order releases keep the queue compact and correct', () => {
  const cp = new PartitionCheckpointer();
  const tickets: Ticket[] = [];
  for (let i = 0; i < 5000; i++) tickets.push(cp.track(i, 1));
  // Release odd offsets first, then even ones.
  for (let i = 1; i < 5000; i += 2) cp.release(tickets[i]!);
  assert.equal(cp.committable(), undefined);
  for (let i = 0; i < 5000; i += 2) {
    cp.release(tickets[i]!);
    assert.equal(cp.committable(), i + 2);
  }
  assert.equal(cp.pending, 0);
});
