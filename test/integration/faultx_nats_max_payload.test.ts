/**
 * Regression (fault suite F11, helper faults-extra): a message over the NATS server's
 * max_payload. Before the fix the client threw a generic "max_payload size exceeded" in the middle
 * of a batch and the engine retried that write forever, so a `fallback` never got the message and
 * the stream could not finish. Now the output refuses the batch up front with a permanent error
 * naming the size and the limit: `fallback` routes it, and the other messages still go through.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '@nats-io/transport-node';
import '../../src/components/index.js';
import { requireService, sinks, TestSink } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const skip = await requireService('nats', 4222);
const URL = 'nats://127.0.0.1:4222';
const BIG = 2 * 1024 * 1024;

for (const kind of ['nats', 'nats_jetstream'] as const) {
  test(`${kind} output: a message over max_payload is refused permanently, named, routed by fallback; the rest flows`, { skip, timeout: 60_000 }, async () => {
    const subject = `faultx_maxpayload_${kind}_${process.pid}_${Date.now().toString(36)}`;
    const nc = await connect({ servers: URL });
    let jsm: Awaited<ReturnType<typeof import('@nats-io/jetstream').jetstreamManager>> | undefined;
    try {
      if (kind === 'nats_jetstream') {
        const { jetstreamManager } = await import('@nats-io/jetstream');
        jsm = await jetstreamManager(nc);
        await jsm.streams.add({ name: subject, subjects: [subject] });
      }
      const limit = nc.info!.max_payload;
      assert.ok(BIG > limit, `the test needs a server max_payload below ${BIG} (it is ${limit})`);
      const got: string[] = [];
      const sub = nc.subscribe(subject, { callback: (_e, m) => void got.push(m.string()) });
      await nc.flush();
      const dlq = new TestSink();
      sinks.set(subject, dlq);
      // Messages 0..9; message 5 is 2 MiB.
      const h = await runStream(
        {
          http: { enabled: false },
          input: { generate: { count: 10, interval: '', mapping: `let c = counter() - 1\nroot = if $c == 5 { "x".repeat(${BIG}) } else { "small-" + $c.string() }` } },
          output: {
            fallback: [
              { [kind]: { urls: [URL], subject, max_in_flight: 1 } },
              { test_sink: { id: subject }, processors: [{ mapping: 'root = meta("fallback_error")' }] },
            ],
          },
        },
        { logger: silentLogger },
      );
      const code = await Promise.race([h.done, new Promise<string>((r) => setTimeout(() => r('hang'), 30_000).unref())]);
      assert.equal(code, 0, 'the stream finished (the big message did not wedge it)');
      await nc.flush();
      await new Promise((r) => setTimeout(r, 200));
      sub.unsubscribe();
      assert.deepEqual(got.sort(), [0, 1, 2, 3, 4, 6, 7, 8, 9].map((i) => `small-${i}`).sort(), 'every small message was published');
      assert.equal(dlq.delivered.length, 1, 'the big message went to the fallback tier once');
      assert.match(dlq.delivered[0]!, new RegExp(`${BIG} bytes, over the server's max_payload of ${limit} bytes`));
    } finally {
      if (jsm) await jsm.streams.delete(subject).catch(() => {});
      await nc.close();
    }
  });
}
