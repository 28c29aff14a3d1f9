/**
 * RELIABILITY.md F7(b): an output broker that refuses publishes. A RabbitMQ input queue preloaded
 * with N payloads feeds an `amqp_0_9` output (publisher confirms, persistent) whose exchange routes
 * to a queue declared with `x-max-length: 1000` and `x-overflow: reject-publish`. A verifier
 * consumer drains that queue at a fixed, slow rate, so while the queue is full the broker nacks
 * Sluice's publishes and Sluice must retry them.
 *
 * The verifier starts only once the output queue is full: from then on the run is in rejection
 * mode throughout, whatever the machine's speed (with the verifier running from the start, a slow
 * run might never fill the queue and the test would prove nothing).
 *
 * Pass: lost 0, unexpected 0, corrupt 0 at the verifier; dup 0 (there are no restarts, and a
 * nacked publish is not enqueued, so a duplicate means a confirmed message was published again);
 * nacks were seen (the `output_error` counter > 0) and every one was retried (`output_sent` ends
 * at exactly N: each message confirmed once); the source queue ends empty; the nacks never cost
 * the channel (`output_connection_lost` 0). The plan's "≥ 50% of a clean run" does not apply as
 * such here since the verifier is the bottleneck by design: instead Sluice must keep the full
 * queue topped up, i.e. the verifier runs at ≥ 80% of its configured rate (a 1 msg/s nack path
 * or a backoff that grows while the queue drains would starve it, cf. connect#704).
 *
 * No output batching: a batch with one nacked message fails as a whole and its confirmed
 * messages would be published again, which is a different test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import amqp from 'amqplib';
import { requireService } from '../../../src/testing/services.js';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { check, describeCheck } from '../../../src/testing/faults/checker.js';
import { SluiceProcess, tier } from '../../../src/testing/faults/process.js';
import { preloadRabbit, resetRabbitQueue, rabbitQueueState, deleteRabbitQueue, RABBIT_URL } from '../../../src/testing/faults/sources.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { pinned } from '../../../src/testing/faults/pinned.js';
import { freePort, scrapeSum, sleep, waitForHttp, waitUntil } from './faultout_support.js';

const skip = await requireService('rabbitmq', 5672);
const T = tier();
const N = T.n;
const MAX_LENGTH = 1000;
/** The verifier's rate: well below what Sluice publishes, so the queue stays full. */
const VERIFIER_RATE = 500;
/** Deliveries the verifier holds unacked (they do not count towards x-max-length). */
const VERIFIER_PREFETCH = 50;
/** Tokens the verifier may save up: a starved verifier cannot make up for lost time. */
const VERIFIER_BURST = VERIFIER_RATE / 20;
const MIN_PACE = 0.8;
const ROUTING_KEY = 'f7b';

/**
 * A consumer that acks at most `rate` messages per second (token bucket, checked every 10 ms).
 * Every delivery is recorded before it is acked; with a bounded prefetch the broker delivers at the
 * ack rate, so the queue drains at `rate` while Sluice keeps it full.
 */
class SlowVerifier {
  readonly bodies: string[] = [];
  readonly at: number[] = [];
  private readonly held: amqp.ConsumeMessage[] = [];
  private timer: NodeJS.Timeout | undefined;
  private constructor(
    private readonly conn: amqp.ChannelModel,
    private readonly ch: amqp.Channel,
  ) {}

  static async open(): Promise<SlowVerifier> {
    const conn = await amqp.connect(RABBIT_URL);
    const ch = await conn.createChannel();
    return new SlowVerifier(conn, ch);
  }

  /** Ready messages in `queue` (through this verifier's connection, to poll cheaply). */
  async depth(queue: string): Promise<number> {
    return (await this.ch.checkQueue(queue)).messageCount;
  }

  async start(queue: string, rate: number): Promise<void> {
    await this.ch.prefetch(VERIFIER_PREFETCH);
    await this.ch.consume(queue, (m) => {
      if (!m) return;
      this.bodies.push(m.content.toString());
      this.at.push(Date.now());
      this.held.push(m);
    });
    let tokens = 0;
    let last = Date.now();
    this.timer = setInterval(() => {
      const now = Date.now();
      tokens = Math.min(VERIFIER_BURST, tokens + ((now - last) * rate) / 1000);
      last = now;
      while (tokens >= 1 && this.held.length > 0) {
        this.ch.ack(this.held.shift()!);
        tokens--;
      }
    }, 10);
  }

  /** Ack whatever is still held (the end of the run: no need to be slow any more). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const m of this.held.splice(0)) this.ch.ack(m);
    await this.ch.close().catch(() => {});
    await this.conn.close().catch(() => {});
  }
}

/** A durable direct exchange routing `ROUTING_KEY` to a fresh queue that rejects publishes when full. */
async function declareRejectingQueue(exchange: string, queue: string): Promise<void> {
  const conn = await amqp.connect(RABBIT_URL);
  try {
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await ch.assertExchange(exchange, 'direct', { durable: true });
    await ch.assertQueue(queue, { durable: true, arguments: { 'x-max-length': MAX_LENGTH, 'x-overflow': 'reject-publish' } });
    await ch.bindQueue(queue, exchange, ROUTING_KEY);
    await ch.close();
  } finally {
    await conn.close();
  }
}

async function deleteExchange(exchange: string): Promise<void> {
  const conn = await amqp.connect(RABBIT_URL);
  try {
    const ch = await conn.createChannel();
    await ch.deleteExchange(exchange);
    await ch.close();
  } finally {
    await conn.close();
  }
}

test(`F7b RabbitMQ output x-overflow=reject-publish, slow verifier (${VERIFIER_RATE} msg/s): lost 0, every nack retried, Sluice keeps pace`, { skip, timeout: 15 * 60_000 }, async (t) => {
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const inQueue = `f7b_in_${tag}`;
  const outQueue = `f7b_out_${tag}`;
  const exchange = `f7b_x_${tag}`;
  const run = newRunId();
  await resetRabbitQueue(inQueue);
  await declareRejectingQueue(exchange, outQueue);
  const preload = await preloadRabbit(inQueue, { run, n: N });
  assert.equal(preload.acked.length, N, 'the source broker confirmed every preloaded message');
  const verifier = await SlowVerifier.open();
  const port = await freePort();
  const t0 = Date.now();
  const proc = SluiceProcess.start({
    name: 'f7b',
    config: {
      http: { enabled: true, address: `127.0.0.1:${port}` },
      // A nack is retried with a warn line each time: thousands of them; errors are enough.
      logger: { level: 'error', format: 'logfmt' },
      input: { amqp_0_9: { urls: [RABBIT_URL], queue: inQueue, prefetch_count: pinned.W } },
      pipeline: { threads: pinned.threads, processors: [] },
      output: { amqp_0_9: { urls: [RABBIT_URL], exchange, key: ROUTING_KEY, persistent: true, max_in_flight: pinned.maxInFlight } },
    },
  });
  try {
    await waitForHttp(proc, port);
    // Rejection mode from here on: the queue is full before anyone consumes it.
    await waitUntil(async () => (await verifier.depth(outQueue)) >= MAX_LENGTH, 120_000, 'F7b: output queue filling up', proc);
    const fullAt = Date.now();
    const nacksBeforeVerifier = (await scrapeSum(port, 'output_error')) ?? -1;
    await verifier.start(outQueue, VERIFIER_RATE);

    // Until the verifier has everything: sample the output queue's depth (starvation shows as an
    // empty queue while the source still has messages) and treat 30 s without progress as a hang.
    const depths: number[] = [];
    let last = -1;
    let lastMoved = Date.now();
    const deadline = Date.now() + ((2 * N) / VERIFIER_RATE) * 1000 + 60_000;
    while (new Set(verifier.bodies).size < N) {
      if (!proc.running) throw new Error(`F7b: sluice exited at ${verifier.bodies.length}/${N}; log tail:\n${proc.logs.slice(-3000)}`);
      const got = verifier.bodies.length;
      if (got !== last) {
        last = got;
        lastMoved = Date.now();
      }
      if (Date.now() - lastMoved > 30_000 || Date.now() > deadline) {
        const r = check({ run, acked: preload.acked, received: verifier.bodies });
        const src = await rabbitQueueState(inQueue).catch(() => undefined);
        throw new Error(
          `F7b: verifier stuck at ${got} deliveries (${describeCheck(r)}); source ready ${src?.messages}; output queue depth ${await verifier.depth(outQueue)}; ` +
            `output_sent ${await scrapeSum(port, 'output_sent')}, output_error ${await scrapeSum(port, 'output_error')}; log tail:\n${proc.logs.slice(-3000)}`,
        );
      }
      if (got < N - MAX_LENGTH - VERIFIER_PREFETCH) depths.push(await verifier.depth(outQueue));
      await sleep(200);
    }
    const doneAt = Date.now();
    // The confirm of the last publish may land just after its delivery to the verifier.
    await waitUntil(async () => ((await scrapeSum(port, 'output_sent')) ?? 0) >= N, 10_000, 'F7b: output_sent reaching N', proc).catch(() => {});
    await waitUntil(async () => (await rabbitQueueState(inQueue)).messages === 0, 10_000, 'F7b: source queue empty', proc).catch(() => {});
    const sent = (await scrapeSum(port, 'output_sent')) ?? -1;
    const nacks = (await scrapeSum(port, 'output_error')) ?? -1;
    const connLost = (await scrapeSum(port, 'output_connection_lost')) ?? -1;
    const source = await rabbitQueueState(inQueue);
    const exit = await proc.stop('SIGTERM', 20_000);
    await sleep(500); // anything published during the drain reaches the verifier
    const r = check({ run, acked: preload.acked, received: verifier.bodies });

    // The verifier's rate after its first prefetch (delivered at once) until the last delivery.
    const first = verifier.at[Math.min(VERIFIER_PREFETCH, verifier.at.length - 1)]!;
    const lastAt = verifier.at[N - 1] ?? verifier.at.at(-1)!;
    const achieved = ((N - 1 - VERIFIER_PREFETCH) * 1000) / Math.max(1, lastAt - first);
    const pace = achieved / VERIFIER_RATE;
    const emptySamples = depths.filter((d) => d === 0).length;
    const totalMs = doneAt - t0;
    t.diagnostic(`F7b ${T.name}: ${describeCheck(r)}`);
    t.diagnostic(
      `F7b: queue full ${fullAt - t0} ms after start (nacks by then ${nacksBeforeVerifier}); verifier ${achieved.toFixed(0)} msg/s of ${VERIFIER_RATE} (pace ${(pace * 100).toFixed(0)}%); ` +
        `output queue depth min ${Math.min(...depths)}, empty in ${emptySamples}/${depths.length} samples; nacks (output_error) ${nacks}, output_sent ${sent}, connection lost ${connLost}; ` +
        `source left ${source.messages}; all delivered ${totalMs} ms after start; exit ${exit.code} in ${exit.durationMs} ms`,
    );
    recordFigure({ figure: 'amqp_reject_publish_lost', test: 'F7b rabbitmq reject-publish', value: r.lost, of: N, pass: r.lost === 0, note: `dup ${r.dup}, nacks ${nacks}` });
    recordFigure({
      figure: 'amqp_reject_publish_pace',
      test: 'F7b rabbitmq reject-publish',
      value: pace,
      pass: pace >= MIN_PACE,
      note: `verifier ${achieved.toFixed(0)} of ${VERIFIER_RATE} msg/s while the broker nacked ${nacks} publishes; limit ${MIN_PACE}`,
    });

    assert.equal(r.lost, 0, describeCheck(r));
    assert.equal(r.unexpected, 0, describeCheck(r));
    assert.equal(r.corrupt, 0, describeCheck(r));
    assert.equal(r.dup, 0, `a confirmed message was published again: ${describeCheck(r)}`);
    assert.ok(nacksBeforeVerifier > 0, `the broker nacked nothing while the queue was full (output_error ${nacksBeforeVerifier})`);
    assert.ok(nacks > nacksBeforeVerifier, `no nacks once the verifier ran (output_error ${nacksBeforeVerifier} → ${nacks}): the test did not reject throughout`);
    assert.equal(sent, N, `output_sent ${sent}: every message is confirmed exactly once, nacked ones after a retry`);
    assert.equal(connLost, 0, 'a nack must not cost the channel or connection');
    assert.equal(source.messages, 0, 'every source message acked');
    assert.ok(pace >= MIN_PACE, `Sluice did not keep the full queue topped up: verifier ran at ${achieved.toFixed(0)} of ${VERIFIER_RATE} msg/s; the queue was empty in ${emptySamples}/${depths.length} samples`);
    assert.equal(exit.code, 0);
  } finally {
    await proc.dispose();
    await verifier.close();
    await deleteRabbitQueue(inQueue).catch(() => {});
    await deleteRabbitQueue(outQueue).catch(() => {});
    await deleteExchange(exchange).catch(() => {});
  }
});
