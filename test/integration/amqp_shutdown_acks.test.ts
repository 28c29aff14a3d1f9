/**
 * Regression (fault suite F4): a graceful stop of the amqp_0_9 input must not lose the acks of
 * messages already delivered downstream. amqplib queues frames per channel and muxes them onto
 * the socket, so closing the connection first let its Connection.Close overtake acks still queued
 * on the consumer channel; the broker dropped them and requeued messages that were delivered,
 * which a restart delivered again (measured: 1 to 140 duplicates per SIGTERM). After a stop
 * mid-stream, delivered + still queued must equal what was published, with nothing counted twice.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import '../../src/components/index.js';
import { requireService, waitFor } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const URL = 'amqp://guest:guest@127.0.0.1:5672/';
const skip = await requireService('rabbitmq', 5672);
const N = 5000;

test('amqp_0_9: stopping mid-stream keeps the acks of every delivered message', { skip, timeout: 60_000 }, async () => {
  const queue = `sluice_amqp_stop_acks_${process.pid}_${Date.now().toString(36)}`;
  const conn = await amqp.connect(URL);
  const ch = await conn.createConfirmChannel();
  try {
    await ch.assertQueue(queue, { durable: true });
    for (let i = 0; i < N; i++) ch.sendToQueue(queue, Buffer.from(String(i)), { persistent: true });
    await ch.waitForConfirms();
    for (let round = 0; round < 3; round++) {
      const before = (await ch.checkQueue(queue)).messageCount;
      if (before === 0) break;
      const h = await runStream(
        { http: { enabled: false }, input: { amqp_0_9: { urls: [URL], queue, prefetch_count: 500 } }, pipeline: { threads: 2 }, output: { drop: {} } },
        { logger: silentLogger },
      );
      await waitFor(() => h.metrics.sum('output_sent') >= Math.min(1500, before), 20_000, 'messages flowing');
      assert.equal(await h.stop(), 0, 'a clean stop');
      const sent = h.metrics.sum('output_sent');
      const after = (await ch.checkQueue(queue)).messageCount;
      assert.equal(after, before - sent, `round ${round}: ${sent} delivered, so ${before - sent} should be left in the queue, not ${after}`);
    }
  } finally {
    await ch.deleteQueue(queue).catch(() => {});
    await conn.close().catch(() => {});
  }
});
