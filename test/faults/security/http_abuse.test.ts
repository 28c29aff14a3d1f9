/**
 * RELIABILITY.md §3.3: the `http_server` input under abuse. Every bad input gets its documented
 * status (or a closed socket), never reaches the pipeline, and the server keeps answering
 * legitimate requests afterwards. The run prints how many bad inputs were tried and how many
 * left the server unable to answer (the target is 0).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { createHash } from 'node:crypto';
import { createGzip, createDeflate } from 'node:zlib';
import { WebSocket } from 'ws';
import { spawn } from 'node:child_process';
import { waitFor } from '../../../src/testing/wait.js';
import type { RunHandle } from '../../../src/engine/run_stream.js';
import { request, raw, startHttp, percentile, peakRssGrowth, type Started } from './http_helpers.js';

const handles: RunHandle[] = [];
let tried = 0;
let crashed = 0;
after(async () => {
  for (const h of handles) await h.stop();
  console.log(`# http_server abuse: ${tried} bad inputs tried, ${crashed} left the server unable to answer`);
});

/** After a bad input: the server must still deliver and answer a legitimate request. */
async function stillServes(s: Started, label: string): Promise<void> {
  tried++;
  const body = `legit after ${label} ${tried}`;
  try {
    const r = await request(s.port, { body });
    assert.equal(r.status, 200, `legit request after ${label}`);
    assert.ok(s.sink.delivered.includes(body));
  } catch (e) {
    crashed++;
    throw e;
  }
}

/** A compressed body of `expandedBytes` zeros, made by streaming so the test never holds the expansion. */
function bomb(kind: 'gzip' | 'deflate', expandedBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const z = kind === 'gzip' ? createGzip({ level: 9 }) : createDeflate({ level: 9 });
    const out: Buffer[] = [];
    z.on('data', (c: Buffer) => out.push(c));
    z.on('end', () => resolve(Buffer.concat(out)));
    z.on('error', reject);
    const zeros = Buffer.alloc(1024 * 1024);
    let left = expandedBytes;
    const pump = (): void => {
      while (left > 0) {
        left -= zeros.length;
        if (!z.write(zeros)) return void z.once('drain', pump);
      }
      z.end();
    };
    pump();
  });
}

test('Content-Length over max_body_size: 413 before a byte of the body is read; RSS barely moves', async () => {
  const s = await startHttp('sec-413-cl', { max_body_size: 1024 * 1024 }, {}, handles);
  const { result, growthMb } = await peakRssGrowth(() =>
    // Headers only: the answer must come without the client sending any of the 1 GiB it announced.
    raw(s.port, `POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: ${1024 * 1024 * 1024}\r\n\r\n`, 3000),
  );
  assert.match(result.text, /^HTTP\/1\.1 413 /);
  assert.ok(result.closed, 'the connection is closed after the 413');
  assert.ok(growthMb < 5, `RSS grew ${growthMb.toFixed(1)} MB`);
  assert.equal(s.sink.delivered.length, 0);
  await stillServes(s, 'declared oversize');
});

test('oversized chunked body: 413 at the limit and the connection is closed; nothing buffered past the limit', async () => {
  const s = await startHttp('sec-413-chunked', { max_body_size: 1024 * 1024 }, {}, handles);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const { result, growthMb } = await peakRssGrowth(
    () =>
      new Promise<{ status: string; closed: boolean; sentMb: number }>((resolve) => {
        const sock = net.connect(s.port, '127.0.0.1');
        let got = '';
        let sent = 0;
        let stop = false;
        sock.on('data', (d) => (got += d.toString('latin1')));
        sock.on('error', () => (stop = true));
        sock.on('close', () => {
          stop = true;
          resolve({ status: got.split('\r\n')[0] ?? '', closed: true, sentMb: sent / 1024 / 1024 });
        });
        sock.write('POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
        const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
        const pump = (): void => {
          // Up to 200 MB: the server must close long before.
          while (!stop && sent < 200 * 1024 * 1024) {
            sent += chunk.length;
            if (!sock.write(frame)) return void sock.once('drain', pump);
          }
        };
        pump();
      }),
  );
  assert.equal(result.status, 'HTTP/1.1 413 Payload Too Large');
  assert.ok(result.closed);
  assert.ok(result.sentMb < 200, `server let the client send ${result.sentMb.toFixed(0)} MB`);
  assert.ok(growthMb < 10, `RSS grew ${growthMb.toFixed(1)} MB`);
  assert.equal(s.sink.delivered.length, 0);
  await stillServes(s, 'chunked oversize');
});

test('gzip/deflate bombs: the input does not decode Content-Encoding (Benthos parity), so the limit counts compressed bytes and nothing expands', async () => {
  const s = await startHttp('sec-bomb', { max_body_size: 128 * 1024 }, {}, handles);
  // 64 MiB of zeros compress to ~64 KiB (1,000:1): under the limit, delivered as the raw compressed bytes.
  for (const kind of ['gzip', 'deflate'] as const) {
    const body = await bomb(kind, 64 * 1024 * 1024);
    assert.ok(body.length < 128 * 1024, `${kind} bomb is ${body.length} bytes`);
    const before = s.sink.delivered.length;
    const { result, growthMb } = await peakRssGrowth(() => request(s.port, { body, headers: { 'content-encoding': kind } }));
    assert.equal(result.status, 200);
    assert.ok(growthMb < 20, `${kind}: RSS grew ${growthMb.toFixed(1)} MB`);
    assert.equal(s.sink.delivered.length, before + 1);
    // The sink stores strings; compare digests of what a latin1 round trip keeps.
    const got = s.sink.delivered[before]!;
    assert.equal(Buffer.byteLength(got), Buffer.byteLength(body.toString()), `${kind}: delivered the compressed bytes, not 64 MiB`);
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(body.toString()).digest('hex'));
    tried++;
  }
  // A bomb whose compressed size is over the limit: 413, as any other body.
  const big = await bomb('gzip', 192 * 1024 * 1024);
  assert.ok(big.length > 128 * 1024);
  assert.equal((await request(s.port, { body: big, headers: { 'content-encoding': 'gzip' } }).catch(() => ({ status: 413 }))).status, 413);
  await stillServes(s, 'gzip bomb');
});

/** The plan's 1,000 sockets (each at 1 byte / 100 ms here, against a 3 s headers_timeout, so the test is short). */
const SLOW_SOCKETS = 1000;

/**
 * The attacker runs in its own process, as a real one would (trickling into 1,000 sockets from the
 * server's own event loop would measure the attacker, not the server). It prints `open N` once
 * connected and `closed N` whenever sockets close.
 */
const ATTACKER = `
const net = require('node:net');
const [port, n] = process.argv.slice(1).map(Number);
const socks = []; let closed = 0, connected = 0;
const report = () => process.stdout.write('closed ' + closed + '\\n');
function round(i) {
  if (i >= n) { process.stdout.write('open ' + connected + '\\n'); return; }
  let left = Math.min(100, n - i);
  for (let k = 0; k < Math.min(100, n - i); k++) {
    const s = net.connect(port, '127.0.0.1', () => { connected++; s.write('POST /post HTTP/1.1\\r\\nHost: x\\r\\n'); socks.push(s); if (--left === 0) round(i + 100); });
    s.on('error', () => {});
    s.on('close', () => { closed++; report(); });
    s.resume();
  }
}
round(0);
setInterval(() => { for (const s of socks) if (!s.destroyed) s.write('X'); }, 100);
`;

test('slowloris: 1,000 sockets trickling headers are closed by headers_timeout while legitimate requests keep p99 < 100 ms', async () => {
  const s = await startHttp('sec-slowloris', { headers_timeout: '3s', request_timeout: '5s' }, {}, handles);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const measure = async (tag: string): Promise<number[]> => {
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      const r = await request(s.port, { body: `${tag} ${i}`, agent });
      latencies.push(performance.now() - t);
      assert.equal(r.status, 200);
    }
    return latencies;
  };
  // The same requests without an attack first: on a loaded machine the noise floor is not 0.
  const baseline = percentile(await measure('baseline'), 99);
  const attacker = spawn(process.execPath, ['-e', ATTACKER, String(s.port), String(SLOW_SOCKETS)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let opened = -1;
  let closedByServer = 0;
  let openedAt = 0;
  attacker.stdout!.setEncoding('utf8');
  attacker.stdout!.on('data', (d: string) => {
    for (const line of d.split('\n')) {
      const [k, v] = line.split(' ');
      if (k === 'open') (opened = Number(v)), (openedAt = Date.now());
      if (k === 'closed') closedByServer = Math.max(closedByServer, Number(v));
    }
  });
  try {
    await waitFor(() => opened >= 0, 10_000, 'the attacker to connect');
    assert.equal(opened, SLOW_SOCKETS, 'every attacking socket connected');
    const latencies = await measure('legit');
    agent.destroy();
    const openWhileMeasured = SLOW_SOCKETS - closedByServer;
    assert.ok(openWhileMeasured >= SLOW_SOCKETS * 0.9, `only ${openWhileMeasured} slow sockets were open while legitimate requests were measured`);
    const p99 = percentile(latencies, 99);
    console.log(
      `# legit request p99 during ${SLOW_SOCKETS} slowloris sockets: ${p99.toFixed(1)} ms (p50 ${percentile(latencies, 50).toFixed(1)} ms; without the attack p99 ${baseline.toFixed(1)} ms)`,
    );
    // The plan's p99 < 100 ms, on top of whatever the machine's own noise floor is.
    assert.ok(p99 < 100 + baseline, `p99 ${p99.toFixed(1)} ms under attack, ${baseline.toFixed(1)} ms without`);
    // headers_timeout 3 s (+ Node's check interval): every trickling socket is gone within 5 s.
    await waitFor(() => closedByServer === SLOW_SOCKETS, 5000, 'the server to close every slowloris socket');
    console.log(`# ${SLOW_SOCKETS} slowloris sockets closed by the server ${((Date.now() - openedAt) / 1000).toFixed(1)} s after they connected (headers_timeout 3 s)`);
    assert.equal(s.sink.delivered.length, 400);
    tried += SLOW_SOCKETS;
  } finally {
    attacker.kill('SIGKILL');
  }
  await stillServes(s, 'slowloris');
});

test('max_connections: sockets over the cap are closed at once; the cap frees up as idle sockets time out', async () => {
  const s = await startHttp('sec-maxconn', { max_connections: 20, headers_timeout: '1s', request_timeout: '2s' }, {}, handles);
  const idle: net.Socket[] = [];
  for (let i = 0; i < 20; i++) {
    const sock = net.connect(s.port, '127.0.0.1');
    sock.on('error', () => {});
    idle.push(sock);
    await new Promise((r) => sock.once('connect', r));
  }
  const over = await raw(s.port, 'POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx', 1500);
  assert.equal(over.text, '', 'no answer over the cap');
  assert.ok(over.closed, 'the socket over the cap is closed');
  tried++;
  for (const sock of idle) sock.destroy();
  await new Promise((r) => setTimeout(r, 100));
  await stillServes(s, 'connection cap');
});

test('slow body upload: closed when request_timeout expires, nothing delivered', async () => {
  const s = await startHttp('sec-slowbody', { headers_timeout: '500ms', request_timeout: '1500ms' }, {}, handles);
  const started = Date.now();
  const result = await new Promise<{ text: string; ms: number }>((resolve) => {
    const sock = net.connect(s.port, '127.0.0.1', () => sock.write('POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n'));
    let got = '';
    const drip = setInterval(() => !sock.destroyed && sock.write('a'), 100);
    sock.on('data', (d) => (got += d.toString('latin1')));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearInterval(drip);
      resolve({ text: got, ms: Date.now() - started });
    });
  });
  assert.ok(result.ms >= 1400 && result.ms < 4000, `closed after ${result.ms} ms`);
  assert.match(result.text, /^(HTTP\/1\.1 408 |$)/, `got ${JSON.stringify(result.text.slice(0, 40))}`);
  assert.equal(s.sink.delivered.length, 0);
  await stillServes(s, 'slow body');
});

test('framing attacks: headers over 16 KiB 431; Content-Length with Transfer-Encoding, malformed chunk sizes, duplicate lengths 400', async () => {
  const s = await startHttp('sec-framing', {}, {}, handles);
  const cases: Array<[string, string, RegExp]> = [
    ['16 KiB+ header', `POST /post HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, /^HTTP\/1\.1 431 /],
    ['many headers over 16 KiB', `POST /post HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 400 }, (_, i) => `X-H${i}: ${'b'.repeat(40)}\r\n`).join('')}\r\n`, /^HTTP\/1\.1 431 /],
    ['CL + TE', 'POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['bad chunk size', 'POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['negative chunk size', 'POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['chunk longer than declared', 'POST /post HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabcdef\r\n0\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['two different Content-Lengths', 'POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabcde', /^HTTP\/1\.1 400 /],
    ['obsolete line folding', 'POST /post HTTP/1.1\r\nHost: x\r\nX-A: b\r\n c\r\nContent-Length: 1\r\n\r\nx', /^HTTP\/1\.1 400 /],
    ['NUL in a header', 'POST /post HTTP/1.1\r\nHost: x\r\nX-A: b\0c\r\nContent-Length: 1\r\n\r\nx', /^HTTP\/1\.1 400 /],
    ['bare LF request line', 'POST /post HTTP/1.1\nHost: x\nTransfer-Encoding: chunked, identity\n\n', /^HTTP\/1\.1 400 /],
  ];
  for (const [what, text, expected] of cases) {
    const r = await raw(s.port, text, 3000);
    assert.match(r.text, expected, what);
    tried++;
  }
  assert.equal(s.sink.delivered.length, 0, 'no bad request reached the pipeline');
  await stillServes(s, 'framing');
});

test('multipart abuse: no boundary, truncated, 100,000 parts are 400; an unknown content type or charset is raw bytes', async () => {
  const s = await startHttp('sec-multipart', { max_body_size: 4 * 1024 * 1024 }, {}, handles);
  const mp = (b: string) => ({ 'content-type': `multipart/mixed; boundary=${b}` });
  const many = `${Array.from({ length: 100_000 }, () => '--B\r\n\r\nx\r\n').join('')}--B--\r\n`;
  const bad: Array<[string, string, Record<string, string>]> = [
    ['no boundary', '--B\r\n\r\nx\r\n--B--\r\n', { 'content-type': 'multipart/mixed' }],
    ['empty boundary', '--B\r\n\r\nx\r\n--B--\r\n', { 'content-type': 'multipart/mixed; boundary=' }],
    ['truncated part', '--B\r\n\r\ntruncated', mp('B')],
    ['no opening boundary', 'just text', mp('B')],
    ['100,000 parts', many, mp('B')],
    ['boundary over 70 characters', '--x\r\n\r\nx\r\n--x--', mp('b'.repeat(71))],
  ];
  for (const [what, body, headers] of bad) {
    const r = await request(s.port, { body, headers });
    assert.equal(r.status, 400, what);
    tried++;
  }
  assert.equal(s.sink.delivered.length, 0);
  for (const ct of ['application/x-nonsense; charset=klingon', 'text/plain; charset=', ';;;=', 'text/html; charset="utf-8']) {
    const r = await request(s.port, { body: `raw ${ct}`, headers: { 'content-type': ct } });
    assert.equal(r.status, 200, ct);
    assert.ok(s.sink.delivered.includes(`raw ${ct}`));
    tried++;
  }
  await stillServes(s, 'multipart');
});

test('wrong method is 405 and wrong path 404; allowed_verbs is respected', async () => {
  const s = await startHttp('sec-verbs', { allowed_verbs: ['POST', 'PUT'] }, {}, handles);
  assert.equal((await request(s.port, { method: 'PUT', body: 'put' })).status, 200);
  for (const method of ['GET', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE']) {
    assert.equal((await request(s.port, { method })).status, 405, method);
    tried++;
  }
  for (const path of ['/nope', '/post/../admin', '/POST', '/%2e%2e/post', '//post']) {
    const r = await request(s.port, { path, body: 'x' });
    assert.equal(r.status, 404, path);
    tried++;
  }
  assert.deepEqual(s.sink.delivered, ['put']);
  await stillServes(s, 'verbs');
});

test('CR/LF in an interpolated sync_response header: header dropped with an error log, server not crashed', async () => {
  const s = await startHttp(
    'sec-crlf',
    {
      sync_response: {
        headers: {
          'X-Echo': '${! content().string() }',
          'X-Fixed': 'ok',
        },
      },
    },
    { output: { sync_response: {} } },
    handles,
  );
  const payloads = ['a\r\nSet-Cookie: pwned=1', 'b\nX-Injected: 1', 'c\rX: y', 'd\0e', 'caf\u00e9\u2028x', '\u{1F600}'];
  for (const p of payloads) {
    const r = await request(s.port, { body: p });
    assert.equal(r.status, 200, JSON.stringify(p));
    assert.equal(r.headers['x-echo'], undefined, `header with ${JSON.stringify(p)} dropped`);
    assert.equal(r.headers['set-cookie'], undefined);
    assert.equal(r.headers['x-injected'], undefined);
    assert.equal(r.headers['x-fixed'], 'ok', 'the other headers are kept');
    tried++;
  }
  const errors = s.logs.filter((l) => l.includes('level=error') && l.includes('X-Echo'));
  assert.equal(errors.length, payloads.length, 'one error log per dropped header');
  const ok = await request(s.port, { body: 'plain' });
  assert.equal(ok.headers['x-echo'], 'plain');
});

test('timeout exceeded: 408; rate limit: 429 with Retry-After', async () => {
  const s = await startHttp('sec-408', { timeout: '300ms' }, {}, handles);
  s.sink.stallWrites();
  const r = await request(s.port, { body: 'slow' });
  assert.equal(r.status, 408);
  tried++;
  s.sink.resume();

  const rl = await startHttp('sec-429', { rate_limit: 'one_per_minute' }, { rate_limit_resources: [{ label: 'one_per_minute', local: { count: 1, interval: '60s' } }] }, handles);
  assert.equal((await request(rl.port, { body: 'first' })).status, 200);
  for (let i = 0; i < 20; i++) {
    const refused = await request(rl.port, { body: `flood ${i}` });
    assert.equal(refused.status, 429);
    const after = Number(refused.headers['retry-after']);
    assert.ok(Number.isInteger(after) && after >= 1 && after <= 60, `Retry-After ${refused.headers['retry-after']}`);
    tried++;
  }
  assert.deepEqual(rl.sink.delivered, ['first']);
});

test('websocket: a frame over max_body_size closes the socket with 1009; the server keeps working', async () => {
  const s = await startHttp('sec-ws', { max_body_size: 64 * 1024 }, {}, handles);
  const ws = new WebSocket(`ws://127.0.0.1:${s.port}/post/ws`);
  ws.on('error', () => {});
  await new Promise((r) => ws.once('open', r));
  ws.send('small');
  await new Promise((r) => setTimeout(r, 200));
  const code = await new Promise<number>((resolve) => {
    ws.once('close', (c) => resolve(c));
    ws.send(Buffer.alloc(65 * 1024, 0x62));
  });
  assert.equal(code, 1009);
  tried++;
  assert.deepEqual(s.sink.delivered, ['small']);
  await stillServes(s, 'websocket frame');
});

test('basic_auth: 10,000 bad attempts are all 401 with WWW-Authenticate and none reach the pipeline', async () => {
  const hash = createHash('sha256').update('right-password').digest('base64');
  const s = await startHttp('sec-auth', { basic_auth: { enabled: true, username: 'ingest', password_hash: hash, realm: 'sluice' } }, {}, handles);
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const attempts: Array<Record<string, string>> = [];
  for (let i = 0; i < 10_000; i++) {
    switch (i % 6) {
      case 0:
        attempts.push({ authorization: basic('ingest', `wrong-${i}`) });
        break;
      case 1:
        attempts.push({ authorization: basic(`user${i}`, 'right-password') });
        break;
      case 2:
        attempts.push({});
        break;
      case 3:
        attempts.push({ authorization: `Bearer ${i}` });
        break;
      case 4:
        attempts.push({ authorization: 'Basic !!!notbase64' });
        break;
      default:
        attempts.push({ authorization: basic('ingest', 'right-password\0') });
    }
  }
  const statuses = new Map<number, number>();
  let challenged = 0;
  // Most attempts carry no body and reuse their connection (a brute-forcer's fast path); every
  // tenth carries one, which the server refuses without reading and then closes the connection.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < attempts.length) {
        const i = next++;
        const headers = attempts[i]!;
        const r = await request(s.port, { body: i % 10 === 0 ? 'should never arrive' : undefined, headers, agent });
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.headers['www-authenticate'] === 'Basic realm="sluice", charset="UTF-8"') challenged++;
      }
    }),
  );
  agent.destroy();
  tried += attempts.length;
  assert.deepEqual([...statuses], [[401, 10_000]]);
  assert.equal(challenged, 10_000);
  assert.equal(s.sink.delivered.length, 0, 'no refused request reached the pipeline');
  const ok = await request(s.port, { body: 'authorised', headers: { authorization: basic('ingest', 'right-password') } });
  assert.equal(ok.status, 200);
  assert.deepEqual(s.sink.delivered, ['authorised']);
  // Websocket upgrades need the same credentials.
  const refused = await raw(s.port, 'GET /post/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n', 2000);
  assert.match(refused.text, /^HTTP\/1\.1 401 [\s\S]*WWW-Authenticate: Basic realm="sluice"/);
});

test('basic_auth config: bcrypt and unknown algorithms are refused at start, naming no secret', async () => {
  const { runStream } = await import('../../../src/library.js');
  for (const [algorithm, expected] of [
    ['bcrypt', /bcrypt is not supported/],
    ['rot13', /must be one of md5, sha256, scrypt/],
  ] as const) {
    await assert.rejects(
      runStream(
        { http: { enabled: false }, input: { http_server: { address: '127.0.0.1:0', basic_auth: { enabled: true, username: 'u', password_hash: 'c2VjcmV0LWhhc2g=', algorithm } } }, output: { drop: {} } },
        { logger: (await import('../../../src/core/logger.js')).silentLogger },
      ).then((h) => (handles.push(h), h.stop())),
      (e: Error) => expected.test(e.message) && !e.message.includes('c2VjcmV0LWhhc2g='),
    );
  }
});
