/**
 * RELIABILITY.md F6: real broker restarts at both ends. A private `nats-server -js` is the input
 * (durable pull consumer, AckExplicit, max_ack_pending W = 500) and a private
 * `redis-server --appendonly yes` the output (XADD to a stream, every write a new entry, so
 * duplicates are counted). While the pipeline runs:
 * 1. SIGKILL the input broker, keep it down, restart it on the same port and store;
 * 2. SIGKILL the output broker, keep it down, restart it (AOF replays what was confirmed);
 * 3. SIGSTOP the output broker (connections stay open, nothing is answered), then SIGCONT.
 *
 * Pass: lost 0; duplicates ≤ 3 × W and ≤ W per fault, plus for the input kill what nats-server
 * itself forgot (it writes consumer state lazily, so a SIGKILL can lose acks and deliveries it
 * had recorded: measured from the consumer info just before the kill and just after the restart,
 * before Sluice reconnects); after each restore consumption resumes within 10 s (the
 * full tier's 60 s output kill allows the engine's connect backoff cap, 30 s, + 5 s, the §4
 * limit "max_backoff + 5", since a retry scheduled during a 60 s outage may wait that long);
 * open fds ≤ baseline + 20 at the end; JetStream num_ack_pending 0 at the end.
 *
 * Smoke tier: 10,000 messages and outages of 3 s / 5 s / 5 s (a rate limit of 1,000 msg/s keeps
 * the run long enough to place three faults). Full tier: the plan's 100,000 messages, 20 s input
 * outage, 60 s output kill and 60 s SIGSTOP, at 2,000 msg/s.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newRunId } from '../../../src/testing/faults/payload.js';
import { check, describeCheck, type CheckResult } from '../../../src/testing/faults/checker.js';
import { SluiceProcess, tier, waitForProgress } from '../../../src/testing/faults/process.js';
import { natsServer, redisServer, brokerBinaryMissing, freePort, type PrivateBroker } from '../../../src/testing/faults/brokers.js';
import { createJetStream, preloadJetStream, jetStreamConsumerState } from '../../../src/testing/faults/sources.js';
import { settle } from '../../../src/testing/faults/sinks.js';
import { countFds } from '../../../src/testing/faults/samplers.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { pinned } from '../../../src/testing/faults/pinned.js';
import { SturdyRedisStreamSink, sleep, waitForPing } from '../../../src/testing/faults/extra_support.js';

const T = tier();
const full = T.name !== 'smoke';
const RATE = full ? 2000 : 1000;
const ACK_WAIT_S = 5;
const OUTAGE = full ? { input: 20_000, outputKill: 60_000, outputStop: 60_000 } : { input: 3_000, outputKill: 5_000, outputStop: 5_000 };
const RECONNECT_LIMIT_MS = { input: 10_000, outputKill: full ? 35_000 : 10_000, outputStop: 10_000 };
const tag = `${process.pid}_${Date.now().toString(36)}`;

let nats: PrivateBroker | undefined;
let redis: PrivateBroker | undefined;
after(async () => {
  await nats?.dispose();
  await redis?.dispose();
});

const skip = brokerBinaryMissing('nats') ?? brokerBinaryMissing('redis');
test(`F6 private nats-server -js → private redis-server (AOF): kill input ${OUTAGE.input / 1000}s, kill output ${OUTAGE.outputKill / 1000}s, SIGSTOP output ${OUTAGE.outputStop / 1000}s over ${T.n} messages`, { skip, timeout: 20 * 60_000 }, async (t) => {
  nats = await natsServer().start();
  redis = await redisServer().start();
  const stream = `faultx_f6_${tag}`;
  const durable = `faultx_f6_${tag}`;
  const outStream = `faultx_f6_out_${tag}`;
  const run = newRunId();
  await createJetStream(nats.url, stream, [stream]);
  const preload = await preloadJetStream(nats.url, stream, { run, n: T.n });
  assert.equal(preload.acked.length, T.n, 'JetStream acked every preloaded message');
  t.diagnostic(`preloaded ${T.n} in ${preload.ms} ms; nats ${nats.url}, redis ${redis.url}`);
  const sink = new SturdyRedisStreamSink(redis.url, outStream);
  const port = await freePort();
  const proc = SluiceProcess.start({
    name: 'faultx-f6',
    config: {
      http: { enabled: true, address: `127.0.0.1:${port}` },
      logger: { level: 'info', format: 'logfmt' },
      input: { nats_jetstream: { urls: [nats.url], subject: stream, durable, deliver: 'all', ack_wait: `${ACK_WAIT_S}s`, max_ack_pending: pinned.W } },
      pipeline: { threads: pinned.threads, processors: [{ rate_limit: { resource: 'faultx_pace' } }, { mapping: 'root = this' }] },
      output: { redis_streams: { url: redis.url, stream: outStream, body_key: 'body', max_in_flight: pinned.maxInFlight, batching: pinned.batching } },
      rate_limit_resources: [{ label: 'faultx_pace', local: { count: RATE / 10, interval: '100ms' } }],
    },
  });
  const checkNow = async (): Promise<CheckResult> => check({ run, acked: preload.acked, unknown: preload.unknown, failed: preload.failed, received: await sink.drain() });
  try {
    await waitForPing(proc, port);
    await waitForProgress(() => sink.progress(), Math.min(500, T.n / 20), { proc, what: 'F6 first deliveries' });
    const fdBaseline = countFds(proc.pid!)!;
    const faults: Array<{ name: string; at: number; downMs: number; reconnectMs: number; dupAfter: number }> = [];
    const outage = async (name: keyof typeof OUTAGE, at: number, down: () => Promise<void> | void, up: () => Promise<unknown> | void): Promise<void> => {
      await waitForProgress(() => sink.progress(), at, { proc, what: `F6 waiting for ${at} before ${name}` });
      await down();
      await sleep(OUTAGE[name]);
      assert.ok(proc.running, `sluice exited during the ${name} outage`);
      await up();
      const restoredAt = Date.now();
      // The count at restore: for a killed Redis read after it came back (AOF replayed).
      let before = -1;
      while (before < 0 && Date.now() - restoredAt < 5_000) {
        const n = await sink.progress();
        if (name === 'input' || Date.now() - restoredAt > 300) before = n;
        else await sleep(50);
      }
      const remaining = T.n - (await checkNow()).unique;
      let reconnectMs = 0;
      if (remaining > 0) {
        for (;;) {
          if ((await sink.progress()) > before) break;
          if (!proc.running) throw new Error(`sluice exited after the ${name} outage:\n${proc.logs.slice(-3000)}`);
          if (Date.now() - restoredAt > 120_000) throw new Error(`F6: no progress within 120 s after the ${name} outage:\n${proc.currentLogs.slice(-3000)}`);
          await sleep(25);
        }
        reconnectMs = Date.now() - restoredAt;
      }
      const dupAfter = (await checkNow()).dup;
      faults.push({ name, at, downMs: OUTAGE[name], reconnectMs, dupAfter });
      t.diagnostic(`F6 ${name}: down ${OUTAGE[name]} ms at ${at}; delivering again ${reconnectMs} ms after restore; duplicates so far ${dupAfter}`);
    };
    const n = nats;
    const r = redis;
    // nats-server writes consumer state (delivered and acked sequences) to disk lazily: a SIGKILL
    // can make the restarted server forget acks and deliveries, and it then sends those messages
    // again. That loss is the broker's, not Sluice's. Sluice can only be sent again what was
    // pending (delivered, unacked) at the kill; anything the restarted server will redeliver
    // beyond that is counted as the broker's.
    type Cs = Awaited<ReturnType<typeof jetStreamConsumerState>>;
    let before: Cs | undefined;
    let afterRestart: Cs | undefined;
    await outage(
      'input',
      Math.floor(T.n * 0.15),
      async () => {
        before = await jetStreamConsumerState(n.url, stream, durable);
        await n.kill();
      },
      async () => {
        await n.start();
        afterRestart = await jetStreamConsumerState(n.url, stream, durable);
      },
    );
    const again = (c: Cs, deliveredBefore: number): number => c.numAckPending + Math.max(0, deliveredBefore - c.delivered);
    const brokerLostAcks = Math.max(0, again(afterRestart!, before!.delivered) - before!.numAckPending);
    t.diagnostic(`F6 input: consumer before the kill ${JSON.stringify(before)}, after the restart ${JSON.stringify(afterRestart)}: ${brokerLostAcks} more messages to send again than were pending (the broker's loss)`);
    await outage('outputKill', Math.floor(T.n * 0.45), () => r.kill(), () => r.start());
    await outage('outputStop', Math.floor(T.n * 0.75), () => r.pause(), () => r.resume());

    // Everything arrives (deliveries include duplicates: keep waiting while something is missing).
    let result = await checkNow();
    for (let target = T.n; result.lost > 0; target = result.received + result.lost) {
      await waitForProgress(() => sink.progress(), target, { proc, stallMs: 30_000, what: `F6 waiting for ${target} deliveries` });
      await settle(sink, target, { quietMs: 1000, timeoutMs: 30_000 });
      result = await checkNow();
    }
    await settle(sink, 0, { quietMs: 1500, timeoutMs: 30_000 });
    const fdEnd = countFds(proc.pid!)!;
    const cs = await jetStreamConsumerState(nats.url, stream, durable);
    const stop = await proc.stop('SIGTERM', 30_000);
    result = await checkNow();
    const dupPerFault = faults.map((f, i) => f.dupAfter - (i === 0 ? 0 : faults[i - 1]!.dupAfter));
    t.diagnostic(`F6 ${T.name}: ${describeCheck(result)}; dup per fault ${dupPerFault.join(', ')}; fds ${fdBaseline} → ${fdEnd}; consumer ${JSON.stringify(cs)}; exit ${stop.code} in ${stop.durationMs} ms`);

    const test6 = 'F6 nats-server→redis-server restarts';
    // Per fault, what Sluice can cause is at most W; the input kill adds what the broker forgot.
    const sluiceDup = dupPerFault.map((d, i) => (i === 0 ? Math.max(0, d - brokerLostAcks) : d));
    recordFigure({ figure: 'kill_dup_per_w', test: test6, value: Math.max(...sluiceDup) / pinned.W, pass: sluiceDup.every((d) => d <= pinned.W), note: `dup per broker fault ${dupPerFault.join(', ')} (input kill, output kill, output SIGSTOP; the input kill's minus ${brokerLostAcks} acks nats-server lost), W ${pinned.W}` });
    recordFigure({ figure: 'output_down_lost', test: test6, value: result.lost, of: result.expected, pass: result.lost === 0, note: `outages ${OUTAGE.input / 1000}/${OUTAGE.outputKill / 1000}/${OUTAGE.outputStop / 1000} s` });
    for (const f of faults) {
      recordFigure({ figure: 'output_resume_s', test: `F6 ${f.name}`, value: f.reconnectMs / 1000, pass: f.reconnectMs <= RECONNECT_LIMIT_MS[f.name as keyof typeof OUTAGE], note: `limit ${RECONNECT_LIMIT_MS[f.name as keyof typeof OUTAGE] / 1000} s` });
    }
    recordFigure({ figure: 'fd_growth', test: test6, value: fdEnd - fdBaseline, pass: fdEnd - fdBaseline <= 20, note: `baseline ${fdBaseline}, end ${fdEnd}, 3 broker faults` });

    assert.equal(result.lost, 0, `lost: ${describeCheck(result)}`);
    assert.equal(result.unexpected + result.corrupt, 0, describeCheck(result));
    assert.ok(result.dup <= 3 * pinned.W + brokerLostAcks, `duplicates ${result.dup} > 3 × W (+ ${brokerLostAcks} acks the broker lost)`);
    for (const [i, d] of sluiceDup.entries()) assert.ok(d <= pinned.W, `${faults[i]!.name}: ${d} duplicates > W = ${pinned.W}`);
    for (const f of faults) assert.ok(f.reconnectMs <= RECONNECT_LIMIT_MS[f.name as keyof typeof OUTAGE], `${f.name}: delivering again took ${f.reconnectMs} ms after restore`);
    assert.ok(fdEnd <= fdBaseline + 20, `open fds grew from ${fdBaseline} to ${fdEnd}`);
    assert.equal(cs.numAckPending, 0, 'JetStream num_ack_pending is 0 at the end');
    assert.equal(cs.numPending, 0, 'nothing left undelivered in the stream');
    assert.equal(stop.code, 0, 'SIGTERM exits 0');
  } finally {
    await proc.dispose();
    await sink.dispose();
    await nats?.dispose();
    await redis?.dispose();
    nats = undefined;
    redis = undefined;
  }
});
