/**
 * Two `sluice run` processes in one core NATS queue group split a subject with no loss and no
 * duplicates. Core NATS is at-most-once: when one member is SIGKILLed, what it had received and
 * not yet delivered is gone (the server never redelivers), so the kill test checks the loss is
 * bounded by the dead member's in-flight messages, that nothing arrives twice, and that the
 * survivor takes over everything published afterwards. Use nats_jetstream where a crash must not
 * lose messages (two_process_nats_jetstream.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../src/components/index.js';
import { requireService } from '../../src/testing/index.js';
import { runTwoProcess, describeTwoProcess } from '../../src/testing/two_process.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const URL = 'nats://127.0.0.1:4222';
const skip = await requireService('nats', 4222);
const TOTAL = 5000;
/**
 * Messages the killed member may have held when it died, with the producer paced far below what
 * each member handles: the one in its pipeline, its output's writes in flight (4), a few in its
 * buffer or socket, and those the server routed to it before it saw the connection close.
 */
const KILL_LOSS_BOUND = 50;

let seq = 0;
const uniq = (what: string): string => `tp_nats_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

if (skip) {
  test('two processes in one NATS queue group', { skip }, () => {});
} else {
  const produce = async (subject: string, first: number, count: number, interval: string): Promise<void> => {
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count, interval, mapping: `root.seq = counter() + ${first - 1}` } },
        output: { nats: { urls: [URL], subject, max_in_flight: 64 } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0, 'the producer exited cleanly');
  };

  const plan = (subject: string, interval: string) => ({
    name: 'nats',
    total: TOTAL,
    input: () => ({ nats: { urls: [URL], subject, queue: 'tp_workers' } }),
    produce: (first: number, count: number) => produce(subject, first, count, interval),
  });

  test('two processes in one NATS queue group split the subject: nothing lost, nothing twice', async () => {
    const subject = uniq('split');
    const r = await runTwoProcess(plan(subject, ''));
    console.log(describeTwoProcess('nats', r));
    assert.deepEqual(r.lost, [], 'no message lost');
    assert.equal(r.duplicates, 0, 'no message delivered twice');
    assert.ok(r.delivered.a > TOTAL / 10 && r.delivered.b > TOTAL / 10, `both took a share: ${r.delivered.a} / ${r.delivered.b}`);
    assert.deepEqual(r.exitCodes, { a: 0, b: 0 }, 'both shut down cleanly');
  });

  test('NATS queue group: one of two processes SIGKILLed mid-way loses at most its in-flight messages', async () => {
    const subject = uniq('kill');
    // The producer is paced (about 1,000/s, so the kill lands mid-stream) and the members do not
    // slow down, so neither has a backlog: what dies with the killed one is what it had in flight.
    const r = await runTwoProcess({ ...plan(subject, '1ms'), delay: '', killAt: 0.25, expectAll: false });
    console.log(describeTwoProcess('nats kill', r));
    assert.ok(r.aAtKill! > 0 && r.aAtKill! < TOTAL / 2, 'the killed member had made progress, and was killed mid-stream');
    assert.equal(r.duplicates, 0, 'core NATS never delivers a message twice');
    assert.ok(r.lost.length <= KILL_LOSS_BOUND, `${r.lost.length} lost > ${KILL_LOSS_BOUND}: ${r.lost.slice(0, 20).join(', ')}`);
    // What was lost was in flight at the kill: one run of consecutive-ish seqs, none after it.
    if (r.lost.length > 0) assert.ok(r.lost[r.lost.length - 1]! - r.lost[0]! < 4 * KILL_LOSS_BOUND, `the lost messages are spread out: ${r.lost.join(', ')}`);
    assert.equal(r.delivered.a, r.aAtKill, 'the dead member delivered nothing more');
    assert.equal(r.exitCodes.b, 0, 'the survivor shut down cleanly');
  });
}
