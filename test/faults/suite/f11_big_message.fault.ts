/**
 * RELIABILITY.md F11: a 50 MB message.
 * a) `http_server` (max_body_size 55 MiB) → `broker: fan_out` [redis_streams on a private
 *    redis-server, file]: one 50 MB message among 1,000 small (1 KiB) ones, posted while the
 *    small ones flow. Pass: every acked message in both sinks with its sha intact (the 50 MB one
 *    compared by sha256 of the whole body too); peak RSS ≤ baseline + 6 × 50 MB; the small
 *    messages keep being acknowledged while the big one is in flight (no gap ≥ 2 s); the event
 *    loop's longest stall < 2 s; heapUsed back within 20 MB of its baseline within 60 s.
 * b) The same server, a 60 MB body against the 55 MiB limit: 413 before the body is read (with
 *    Content-Length the answer comes after a few KiB and RSS rises < 10 MB); chunked, 413 at the
 *    limit and the connection closed.
 * c) `http_server` → `nats` (private nats-server, max_payload 1 MB): a 50 MB message gets an error
 *    naming the limit; without routing it is nacked (the client gets 503 with the error), with a
 *    `fallback` to a file it lands there with `fallback_error`; small messages before, during and
 *    after all go through (the stream is not wedged).
 * The plan's RabbitMQ → PostgreSQL bytea variant is not in this file.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as natsConnect } from '@nats-io/transport-node';
import { makePayload, newRunId } from '../../../src/testing/faults/payload.js';
import { check, describeCheck } from '../../../src/testing/faults/checker.js';
import { SluiceProcess } from '../../../src/testing/faults/process.js';
import { natsServer, redisServer, brokerBinaryMissing, freePort, type PrivateBroker } from '../../../src/testing/faults/brokers.js';
import { Sampler, MiB } from '../../../src/testing/faults/samplers.js';
import { recordFigure } from '../../../src/testing/faults/report.js';
import { SturdyRedisStreamSink, post, postUntilAnswered, pool, sleep, waitFor, waitForPing } from '../../../src/testing/faults/extra_support.js';

const BIG = 50_000_000;
const SMALL = 1000;
const LIMIT = 55 * MiB;
const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

let redis: PrivateBroker | undefined;
let nats: PrivateBroker | undefined;
after(async () => {
  await redis?.dispose();
  await nats?.dispose();
});

test('F11a+b 50 MB message through http_server → fan_out [redis stream, file]; 60 MB against a 55 MiB limit gets 413', { skip: brokerBinaryMissing('redis'), timeout: 10 * 60_000 }, async (t) => {
  redis = await redisServer().start();
  const stream = 'faultx_f11';
  const run = newRunId();
  const [inPort, port] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'faultx-f11-'));
  const outFile = join(dir, 'out.jsonl');
  const proc = SluiceProcess.start({
    name: 'faultx-f11',
    config: {
      http: { enabled: true, address: `127.0.0.1:${port}` },
      logger: { level: 'info', format: 'logfmt' },
      input: { http_server: { address: `127.0.0.1:${inPort}`, path: '/f11', max_body_size: LIMIT, timeout: '60s' } },
      pipeline: { threads: 2, processors: [] },
      output: {
        broker: {
          pattern: 'fan_out',
          outputs: [{ redis_streams: { url: redis.url, stream, body_key: 'body', max_in_flight: 8 } }, { file: { path: outFile, codec: 'lines' } }],
        },
      },
    },
  });
  const sink = new SturdyRedisStreamSink(redis.url, stream);
  let sampler: Sampler | undefined;
  try {
    await waitForPing(proc, port);
    sampler = new Sampler({ pid: proc.pid!, metricsPort: port }).begin();
    const t0 = Date.now();
    const since = (): number => Date.now() - t0;
    // Warm up with 50 messages of another run (skipped when the sinks are checked).
    const warm = newRunId();
    await pool([...Array(50).keys()], 4, async (i) => void (await post(inPort, '/f11', makePayload(warm, i))));
    await sleep(3000);
    const baseFrom = since() - 2500;
    const baseline = sampler.medianRss(baseFrom, since());
    const heapBase = Math.min(...sampler.window(baseFrom, since()).flatMap((s) => (s.heapUsedBytes === undefined ? [] : [s.heapUsedBytes])));

    const acked: number[] = [];
    const smallAckAt: number[] = [];
    const bigBody = makePayload(run, SMALL, BIG);
    const bigSha = sha(bigBody);
    let bigStart = 0;
    let bigEnd = 0;
    let bigStatus = 0;
    const smalls = [...Array(SMALL).keys()];
    let bigDone: Promise<void> | undefined;
    await pool(smalls, 4, async (seq) => {
      if (seq === 300) {
        bigStart = Date.now();
        bigDone = post(inPort, '/f11', bigBody).then((r) => {
          bigEnd = Date.now();
          bigStatus = r.status;
          if (r.status === 200) acked.push(SMALL);
        });
      }
      const r = await post(inPort, '/f11', makePayload(run, seq));
      if (r.status === 200) {
        acked.push(seq);
        smallAckAt.push(Date.now());
      }
      // Pace the small ones a little so they span the big one's delivery.
      await sleep(5);
    });
    await bigDone;
    const windowEnd = since();
    // Small acks while the big one was in flight, and the longest gap between them.
    const during = smallAckAt.filter((x) => x >= bigStart && x <= bigEnd).sort((a, b) => a - b);
    let maxGap = 0;
    const marks = [bigStart, ...during, Math.min(bigEnd, smallAckAt.length ? Math.max(...smallAckAt) : bigEnd)];
    for (let i = 1; i < marks.length; i++) maxGap = Math.max(maxGap, marks[i]! - marks[i - 1]!);
    const peak = sampler.maxRss(baseFrom, windowEnd + 1000);
    await sleep(1500);
    const lagMax = sampler.maxLagSec(baseFrom);

    await waitFor(async () => (await sink.progress()) >= 50 + acked.length, 30_000, 'F11 all acked messages in redis', proc);
    const fromRedis = (await sink.drain()).slice(50);
    const fileLines = existsSync(outFile) ? readFileSync(outFile, 'utf8').split('\n').filter((l) => l !== '') : [];
    const fromFile = fileLines.filter((l) => l.includes(run));
    const rRedis = check({ run, acked, received: fromRedis });
    const rFile = check({ run, acked, received: fromFile });
    const bigInRedis = fromRedis.filter((b) => b.length === BIG);
    const bigInFile = fromFile.filter((b) => b.length === BIG);

    // Heap after GC back near baseline within 60 s (a trickle of small messages lets GC run).
    let heapBackMs = -1;
    let heapNow = 0;
    const h0 = Date.now();
    for (let i = 0; Date.now() - h0 < 60_000; i++) {
      await post(inPort, '/f11', makePayload(warm, 100 + i));
      await sleep(250);
      const last = sampler.samples.at(-1)?.heapUsedBytes;
      if (last !== undefined) heapNow = last;
      if (last !== undefined && last <= heapBase + 20e6) {
        heapBackMs = Date.now() - h0;
        break;
      }
    }
    t.diagnostic(
      `F11a: big ${bigStatus} in ${bigEnd - bigStart} ms; ${during.length} small acked meanwhile, longest gap ${maxGap} ms; RSS baseline ${(baseline / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB (+${((peak - baseline) / MiB).toFixed(1)}); max event-loop stall ${(lagMax * 1000).toFixed(0)} ms; heap ${(heapBase / MiB).toFixed(1)} → ${(heapNow / MiB).toFixed(1)} MiB (back in ${heapBackMs} ms); redis: ${describeCheck(rRedis)}; file: ${describeCheck(rFile)}`,
    );

    // b) over the limit.
    await sleep(2000);
    const b0 = since();
    // The server answers 413 at once, closes 50 ms later, and that close resets a connection
    // whose client is still sending: about 1 in 10 times the reset reaches this client before it
    // read the 413 (see the faults-extra report: a lingering close would fix it). So up to eight
    // tries, each either a 413 or a reset, and at least one 413.
    let declared: Awaited<ReturnType<typeof postUntilAnswered>> | undefined;
    let resets = 0;
    for (let i = 0; i < 8 && !declared; i++) {
      try {
        declared = await postUntilAnswered(inPort, '/f11', 60_000_000);
      } catch (e) {
        if (!/closed without an answer/.test((e as Error).message)) throw e;
        resets++;
      }
    }
    assert.ok(declared, 'a 60 MB body with Content-Length got an answer');
    await sleep(1000);
    const riseDeclared = (sampler.maxRss(b0, since()) - sampler.medianRss(b0 - 2000, b0)) / MiB;
    const c0 = since();
    const chunked = await postUntilAnswered(inPort, '/f11', 60_000_000, { chunked: true });
    await sleep(1000);
    const riseChunked = (sampler.maxRss(c0, since()) - sampler.medianRss(c0 - 2000, c0)) / MiB;
    t.diagnostic(`F11b: Content-Length 60 MB → ${declared.status} (${resets} reset(s) first) after ${(declared.sentBytes / 1024).toFixed(0)} KiB sent, RSS +${riseDeclared.toFixed(1)} MiB; chunked → ${chunked.status} after ${(chunked.sentBytes / MiB).toFixed(1)} MiB sent, closed ${chunked.closed}, RSS +${riseChunked.toFixed(1)} MiB`);
    const alive = await post(inPort, '/f11', makePayload(warm, 9999));

    const rise = (peak - baseline) / MiB;
    recordFigure({ figure: 'big_message_rss', test: 'F11 http_server→fan_out[redis,file]', value: peak / MiB, pass: peak - baseline <= 6 * BIG, note: `baseline ${(baseline / MiB).toFixed(0)} MiB, rise ${rise.toFixed(0)} MiB (limit 6 × 50 MB = 286 MiB); longest stall ${(lagMax * 1000).toFixed(0)} ms; small acks during big ${during.length}, max gap ${maxGap} ms` });
    recordFigure({ figure: 'big_message_413', test: 'F11 60 MB vs 55 MiB limit', value: riseDeclared, pass: declared.status === 413 && riseDeclared < 10 && chunked.status === 413, note: `413 with Content-Length after ${declared.sentBytes} bytes sent (RSS +${riseDeclared.toFixed(1)} MiB; ${resets} reset(s) before the answer was read); chunked 413 (RSS +${riseChunked.toFixed(1)} MiB)` });

    assert.equal(bigStatus, 200, 'the 50 MB message was acknowledged');
    for (const [name, r] of [['redis', rRedis], ['file', rFile]] as const) {
      assert.equal(r.lost, 0, `${name}: ${describeCheck(r)}`);
      assert.equal(r.corrupt + r.unexpected + r.dup, 0, `${name}: ${describeCheck(r)}`);
    }
    assert.equal(acked.length, SMALL + 1, 'every message was acknowledged');
    assert.deepEqual([bigInRedis.length, bigInFile.length], [1, 1]);
    assert.equal(sha(bigInRedis[0]!), bigSha, 'sha256 of the 50 MB body in redis');
    assert.equal(sha(bigInFile[0]!), bigSha, 'sha256 of the 50 MB body in the file');
    assert.ok(peak - baseline <= 6 * BIG, `peak RSS rose ${rise.toFixed(1)} MiB (> 6 × 50 MB)`);
    assert.ok(during.length > 0 && maxGap < 2000, `small messages stalled while the big one was in flight (${during.length} acked, longest gap ${maxGap} ms)`);
    assert.ok(lagMax < 2, `event loop stalled ${(lagMax * 1000).toFixed(0)} ms`);
    assert.ok(heapBackMs >= 0, `heapUsed ${(heapNow / MiB).toFixed(1)} MiB still > baseline ${(heapBase / MiB).toFixed(1)} MiB + 20 MB after 60 s`);
    assert.equal(declared.status, 413);
    assert.ok(declared.sentBytes <= 4 * MiB, `413 came only after ${declared.sentBytes} bytes were sent`);
    assert.ok(riseDeclared < 10, `RSS rose ${riseDeclared.toFixed(1)} MiB on a refused 60 MB body`);
    assert.equal(chunked.status, 413);
    assert.ok(chunked.sentBytes <= LIMIT + 16 * MiB, `the chunked body was read far past the limit (${chunked.sentBytes} bytes)`);
    assert.equal(alive.status, 200, 'the server still takes messages afterwards');
    assert.ok(proc.running);
    assert.equal((await proc.stop('SIGTERM', 30_000)).code, 0);
  } finally {
    sampler?.stop();
    await proc.dispose();
    await sink.dispose();
    rmSync(dir, { recursive: true, force: true });
    await redis?.dispose();
    redis = undefined;
  }
});

test('F11c 50 MB message to a nats output (max_payload 1 MB): error naming the limit, routed per config, the rest flows', { skip: brokerBinaryMissing('nats'), timeout: 5 * 60_000 }, async (t) => {
  nats = await natsServer().start();
  const subject = 'faultx_f11_nats';
  const run = newRunId();
  const [inPort, port] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'faultx-f11c-'));
  const dlq = join(dir, 'dlq.jsonl');
  const nc = await natsConnect({ servers: nats.url });
  const got: string[] = [];
  nc.subscribe(subject, { callback: (_e, m) => void got.push(m.string()) });
  await nc.flush();
  const maxPayload = nc.info!.max_payload;
  const proc = SluiceProcess.start({
    name: 'faultx-f11c',
    config: {
      http: { enabled: true, address: `127.0.0.1:${port}` },
      logger: { level: 'info', format: 'logfmt' },
      input: { http_server: { address: `127.0.0.1:${inPort}`, path: '/f11/', max_body_size: 64 * MiB, timeout: '30s' } },
      output: {
        switch: {
          cases: [
            {
              check: '@http_server_request_path == "/f11/fallback"',
              output: {
                fallback: [
                  { nats: { urls: [nats.url], subject } },
                  { file: { path: dlq, codec: 'lines' }, processors: [{ mapping: 'root = this\nroot.fallback_error = @fallback_error' }] },
                ],
              },
            },
            { output: { nats: { urls: [nats.url], subject } } },
          ],
        },
      },
    },
  });
  try {
    await waitForPing(proc, port);
    const acked: number[] = [];
    const sendSmall = async (from: number, n: number, path: string): Promise<void> =>
      pool([...Array(n).keys()].map((i) => from + i), 4, async (seq) => {
        const r = await post(inPort, path, makePayload(run, seq));
        if (r.status === 200) acked.push(seq);
      });
    await sendSmall(0, 100, '/f11/plain');
    // Plain route: the big one is nacked back to the client with the error; small ones go on meanwhile.
    const [bigPlain] = await Promise.all([post(inPort, '/f11/plain', makePayload(run, 1_000_000, BIG)), sendSmall(100, 100, '/f11/plain')]);
    // Fallback route: the big one lands in the dead-letter file.
    const bigFb = makePayload(run, 1_000_001, BIG);
    const [bigFallback] = await Promise.all([post(inPort, '/f11/fallback', bigFb), sendSmall(200, 100, '/f11/fallback')]);
    await sendSmall(300, 100, '/f11/plain');
    await nc.flush();
    await waitFor(() => got.length >= acked.length, 10_000, 'F11c small messages at the NATS subscriber', proc);
    const r = check({ run, acked, received: got });
    const dlqLines = existsSync(dlq) ? readFileSync(dlq, 'utf8').split('\n').filter((l) => l !== '') : [];
    const dlqDoc = dlqLines.length === 1 ? (JSON.parse(dlqLines[0]!) as { pad: string; sha: string; fallback_error: string; seq: number }) : undefined;
    t.diagnostic(`F11c: plain big → ${bigPlain.status} "${bigPlain.body.slice(0, 200)}"; fallback big → ${bigFallback.status}, dlq lines ${dlqLines.length}, fallback_error "${dlqDoc?.fallback_error}"; small: ${describeCheck(r)}`);
    recordFigure({ figure: 'big_message_nats_limit', test: 'F11 50 MB to nats (max_payload 1 MB)', value: r.lost, of: r.expected, pass: r.lost === 0 && bigPlain.status === 503 && bigFallback.status === 200, note: `plain: ${bigPlain.status} naming max_payload; fallback: to dead-letter file; ${acked.length} small delivered around them` });

    assert.equal(acked.length, 400, 'every small message was acknowledged');
    assert.equal(r.lost + r.corrupt + r.unexpected + r.dup, 0, describeCheck(r));
    assert.equal(bigPlain.status, 503, 'the big message is nacked back to the client');
    assert.match(bigPlain.body, new RegExp(`${BIG} bytes, over the server's max_payload of ${maxPayload} bytes`));
    assert.equal(bigFallback.status, 200, 'with fallback the big message is delivered to the dead-letter tier');
    assert.ok(dlqDoc, `one line in the dead-letter file (got ${dlqLines.length})`);
    assert.equal(dlqDoc.seq, 1_000_001);
    assert.equal(sha(dlqDoc.pad), dlqDoc.sha, 'the dead-lettered body is intact');
    assert.match(dlqDoc.fallback_error, /max_payload of \d+ bytes/);
    assert.ok(!got.some((b) => b.length > maxPayload), 'nothing over max_payload reached NATS');
    assert.match(proc.logs, /max_payload of \d+ bytes/, 'the error is logged');
    assert.equal((await proc.stop('SIGTERM', 30_000)).code, 0);
  } finally {
    await nc.close();
    await proc.dispose();
    rmSync(dir, { recursive: true, force: true });
    await nats?.dispose();
    nats = undefined;
  }
});
