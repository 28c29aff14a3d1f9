/**
 * The `http_server` input, `sync_response` output/processor, end to end on 127.0.0.1: delivery
 * guarantee of the answers (2xx only when delivered), abuse limits and a throughput measurement.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { WebSocket } from 'ws';
import { runStream } from '../../src/library.js';
import { registerRateLimit, objectConfig, field } from '../../src/plugin/index.js';
import { TestSink, TestSource, sinks, sources } from '../../src/testing/test_components.js';
import { waitFor } from '../../src/testing/wait.js';
import { deadPort } from '../../src/testing/services.js';
import { silentLogger } from '../../src/core/logger.js';
import type { RunHandle } from '../../src/engine/run_stream.js';
import { attachSharedRoutes, handleSharedRequest } from '../../src/plugin/shared_routes.js';
import { acquireHost } from '../../src/components/_shared/http_host.js';

// A rate limit that allows `allow` accesses and then asks to wait 1.5 s (a `local` rate limit may not exist yet).
registerRateLimit(
  { name: 'http_test_allow_n', summary: 'Test helper.', config: objectConfig([field.int('allow', '').default(1)]) },
  (conf: { allow: number }) => {
    let n = 0;
    return { access: async () => (n++ < conf.allow ? 0 : 1500) };
  },
);

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(port: number, opts: { path?: string; method?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: opts.path ?? '/post', method: opts.method ?? 'POST', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const handles: RunHandle[] = [];
after(async () => {
  for (const h of handles) await h.stop();
});

async function start(id: string, input: Record<string, unknown>, rest: Record<string, unknown> = {}): Promise<{ port: number; sink: TestSink; handle: RunHandle }> {
  const port = await deadPort();
  const sink = new TestSink();
  sinks.set(id, sink);
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { http_server: { address: `127.0.0.1:${port}`, ...input } },
      output: { test_sink: { id } },
      ...rest,
    },
    { logger: silentLogger },
  );
  handles.push(handle);
  // Wait until the server listens (connect runs in the background).
  await waitFor(() => handle.stream.ready, 5000, 'http_server to listen');
  return { port, sink, handle };
}

test('http_server: round trip into the sink, answered 200 once delivered, with Benthos metadata', async () => {
  const { port, sink } = await start('hs-rt', { path: '/in/{tenant}' }, {
    pipeline: {
      processors: [
        {
          mapping:
            'root.body = content().string()\nroot.verb = @http_server_verb\nroot.path = @http_server_request_path\nroot.ua = @http_server_user_agent\nroot.q = @q\nroot.h = metadata("X-Custom")\nroot.tenant = @tenant\nroot.cookie = @sid\nroot.ip = @http_server_remote_ip',
        },
      ],
    },
  });
  const replies = await Promise.all(
    ['a', 'b', 'c'].map((b) => request(port, { path: '/in/acme?q=1&q=2', body: b, headers: { 'x-custom': 'yes', 'user-agent': 'tester', cookie: 'sid=42; other=x' } })),
  );
  assert.deepEqual(
    replies.map((r) => r.status),
    [200, 200, 200],
  );
  assert.equal(sink.delivered.length, 3, 'every 200 is already in the sink');
  const first = JSON.parse(sink.delivered.find((d) => JSON.parse(d).body === 'a')!);
  assert.deepEqual(first, { body: 'a', verb: 'POST', path: '/in/acme', ua: 'tester', q: '1', h: 'yes', tenant: 'acme', cookie: '42', ip: '127.0.0.1' });
});

test('http_server: wrong verb 405, unknown path 404', async () => {
  const { port } = await start('hs-verbs', {});
  assert.equal((await request(port, { method: 'GET' })).status, 405);
  assert.equal((await request(port, { path: '/nope' })).status, 404);
});

test('http_server: a stalled output keeps the client waiting; its 200 comes only after delivery; timeouts are 408', async () => {
  const { port, sink } = await start('hs-stall', { timeout: '3s' });
  sink.stallWrites();
  let answered: Reply | undefined;
  const pending = request(port, { body: 'slow' }).then((r) => (answered = r));
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(answered, undefined, 'no answer while the output is stalled');
  sink.resume();
  await pending;
  assert.equal(answered!.status, 200);
  assert.ok(sink.delivered.includes('slow'));

  // Now stall past the timeout: 408, never 2xx.
  sink.stallWrites();
  const started = Date.now();
  const r = await request(port, { body: 'late' });
  assert.equal(r.status, 408);
  assert.ok(Date.now() - started < 3000 + 1000, 'answered within timeout + 1 s');
  sink.resume();
  // It was already being written when the timeout hit: it may still be delivered (documented).
  await waitFor(() => sink.delivered.includes('late'), 3000, 'the late message to be delivered');
});

test('http_server: a nacked message is answered 503', async () => {
  const { port, sink } = await start('hs-nack', {}, {
    pipeline: { processors: [{ mapping: 'root = if content().string() == "bad" { throw("refused") } else { content() }' }] },
    error_handling: { strategy: 'reject' },
  });
  const bad = await request(port, { body: 'bad' });
  assert.equal(bad.status, 503);
  assert.match(bad.body, /refused/);
  const good = await request(port, { body: 'good' });
  assert.equal(good.status, 200);
  assert.deepEqual(sink.delivered, ['good']);
});

test('http_server: a body over max_body_size gets 413 before it is buffered', async () => {
  const { port, sink } = await start('hs-413', { max_body_size: 1024 * 1024 });
  // Declared length: refused without reading.
  const declared = await new Promise<string>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(`POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: ${60 * 1024 * 1024}\r\n\r\n`);
      s.write(Buffer.alloc(64 * 1024));
    });
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
  assert.match(declared, /^HTTP\/1\.1 413 /);

  // Chunked upload of 60 MB: counted while streaming, refused at the limit; memory stays flat.
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const status = await new Promise<number>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/post', method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', (e) => (e.message.includes('EPIPE') || e.message.includes('ECONNRESET') ? undefined : reject(e)));
    let sent = 0;
    const pump = (): void => {
      while (sent < 60 * 1024 * 1024) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
  clearInterval(sampler);
  assert.equal(status, 413);
  const growthMb = (peak - before) / 1024 / 1024;
  assert.ok(growthMb < 10, `RSS grew ${growthMb.toFixed(1)} MB`);
  assert.equal(sink.delivered.length, 0);
  // The server still works afterwards.
  assert.equal((await request(port, { body: 'small' })).status, 200);
});

test('http_server: oversized headers get 431, conflicting framing 400', async () => {
  const { port } = await start('hs-431', {});
  const raw = (text: string): Promise<string> =>
    new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => s.write(text));
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
    });
  assert.match(await raw(`POST /post HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`), /^HTTP\/1\.1 431 /);
  assert.match(await raw('POST /post HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n'), /^HTTP\/1\.1 400 /);
});

test('http_server: rate limited requests get 429 with Retry-After', async () => {
  const { port, sink } = await start('hs-429', { rate_limit: 'rl' }, { rate_limit_resources: [{ label: 'rl', http_test_allow_n: { allow: 1 } }] });
  assert.equal((await request(port, { body: 'one' })).status, 200);
  const refused = await request(port, { body: 'two' });
  assert.equal(refused.status, 429);
  assert.equal(refused.headers['retry-after'], '2');
  assert.deepEqual(sink.delivered, ['one']);
});

test('http_server: multipart bodies become one message per part; a broken one is 400', async () => {
  const { port, sink } = await start('hs-multi', {});
  const body = '--XyZ\r\nContent-Type: text/plain\r\n\r\nfirst\r\n--XyZ\r\n\r\nsecond\r\n--XyZ--\r\n';
  assert.equal((await request(port, { body, headers: { 'content-type': 'multipart/mixed; boundary=XyZ' } })).status, 200);
  assert.deepEqual(sink.delivered, ['first', 'second']);
  assert.equal((await request(port, { body: '--XyZ\r\n\r\ntruncated', headers: { 'content-type': 'multipart/mixed; boundary=XyZ' } })).status, 400);
  assert.equal((await request(port, { body: 'x', headers: { 'content-type': 'multipart/mixed' } })).status, 400);
});

test('sync_response output: the processed message is the response, with interpolated status and headers', async () => {
  const port = await deadPort();
  const handle = await runStream(
    {
      http: { enabled: false },
      input: {
        http_server: {
          address: `127.0.0.1:${port}`,
          sync_response: { status: '${! @status.or("200") }', headers: { 'Content-Type': 'text/plain', 'X-Len': '${! content().length() }', 'X-Bad': '${! "a\\r\\nInjected: yes" }' } },
        },
      },
      pipeline: { processors: [{ mapping: 'root = content().uppercase()\nmeta status = if content() == "new" { "201" }' }] },
      output: { sync_response: {} },
    },
    { logger: silentLogger },
  );
  handles.push(handle);
  await waitFor(() => handle.stream.ready, 5000, 'ready');
  const r = await request(port, { body: 'hello world' });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'HELLO WORLD');
  assert.equal(r.headers['content-type'], 'text/plain');
  assert.equal(r.headers['x-len'], '11');
  assert.equal(r.headers['x-bad'], undefined, 'a header value with CR/LF is dropped');
  assert.equal(r.headers['injected'], undefined);
  const created = await request(port, { body: 'new' });
  assert.equal(created.status, 201);
  assert.equal(created.body, 'NEW');
});

test('sync_response processor: the response is the state at that point; later processors do not change it', async () => {
  const { port, sink } = await start('hs-syncproc', {}, {
    pipeline: { processors: [{ mapping: 'root = "%v baz".format(content().string())' }, { sync_response: {} }, { mapping: 'root = content().uppercase()' }] },
  });
  const r = await request(port, { body: 'foo bar' });
  assert.equal(r.status, 200);
  assert.equal(r.body, 'foo bar baz');
  assert.deepEqual(sink.delivered, ['FOO BAR BAZ']);
});

test('http_server: websocket frames are messages; responses come back on the socket', async () => {
  const port = await deadPort();
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { http_server: { address: `127.0.0.1:${port}`, ws_welcome_message: 'hi' } },
      pipeline: { processors: [{ mapping: 'root = content().uppercase()' }] },
      output: { sync_response: {} },
    },
    { logger: silentLogger },
  );
  handles.push(handle);
  await waitFor(() => handle.stream.ready, 5000, 'ready');
  const ws = new WebSocket(`ws://127.0.0.1:${port}/post/ws`);
  const got: string[] = [];
  ws.on('message', (d) => got.push(d.toString()));
  await new Promise((r) => ws.once('open', r));
  ws.send('one');
  ws.send('two');
  await waitFor(() => got.length >= 3, 3000, 'websocket replies');
  assert.deepEqual(got, ['hi', 'ONE', 'TWO']);
  ws.close();
});

test('measurement: http_server → mapping → sync_response, 50 concurrent connections for ~2 s', async () => {
  const port = await deadPort();
  const handle = await runStream(
    {
      http: { enabled: false },
      input: { http_server: { address: `127.0.0.1:${port}` } },
      pipeline: { processors: [{ mapping: 'root.echo = content().string()\nroot.n = content().length()' }] },
      output: { sync_response: {} },
    },
    { logger: silentLogger },
  );
  handles.push(handle);
  await waitFor(() => handle.stream.ready, 5000, 'ready');
  const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
  let ok = 0;
  let other = 0;
  const deadline = Date.now() + 2000;
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/post', method: 'POST', agent }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) ok++;
          else other++;
          resolve();
        });
      });
      req.on('error', () => {
        other++;
        resolve();
      });
      req.end('{"hello":"world"}');
    });
  const started = Date.now();
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (Date.now() < deadline) await one();
    }),
  );
  const secs = (Date.now() - started) / 1000;
  agent.destroy();
  const rate = Math.round(ok / secs);
  console.log(`# http_server → mapping → sync_response: ${rate} req/s (${ok} ok, ${other} other, 50 connections, ${secs.toFixed(1)} s)`);
  assert.equal(other, 0);
  assert.ok(ok > 0);
});

test('http_server output: GET takes one batch, the stream path gets lines, websocket gets frames', async () => {
  const port = await deadPort();
  const source = new TestSource([], false);
  sources.set('hso', source);
  const handle = await runStream(
    { http: { enabled: false }, input: { test_source: { id: 'hso' } }, output: { http_server: { address: `127.0.0.1:${port}`, timeout: '300ms' } } },
    { logger: silentLogger },
  );
  handles.push(handle);
  await waitFor(() => handle.stream.ready, 5000, 'ready');
  // Nothing to send yet: the GET times out with 408.
  assert.equal((await request(port, { path: '/get', method: 'GET' })).status, 408);
  const got = request(port, { path: '/get', method: 'GET' });
  source.push('first');
  const r = await got;
  assert.equal(r.status, 200);
  assert.equal(r.body, 'first');
  await waitFor(() => source.acked.includes('first'), 2000, 'ack after the GET took it');

  const lines: string[] = [];
  const streamReq = http.request({ host: '127.0.0.1', port, path: '/get/stream', method: 'GET' }, (res) => res.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean))));
  streamReq.end();
  await new Promise((r2) => setTimeout(r2, 100));
  source.push('s1', 's2');
  await waitFor(() => lines.length >= 2, 3000, 'stream lines');
  assert.deepEqual(lines, ['s1', 's2']);
  streamReq.destroy();
  await new Promise((r2) => setTimeout(r2, 50));

  const ws = new WebSocket(`ws://127.0.0.1:${port}/get/ws`);
  const frames: string[] = [];
  ws.on('message', (d) => frames.push(d.toString()));
  await new Promise((r2) => ws.once('open', r2));
  source.push('w1');
  await waitFor(() => frames.length >= 1, 3000, 'websocket frame');
  assert.deepEqual(frames, ['w1']);
  ws.close();
});

test('http_server: an empty address uses the service-wide server (via shared_routes), or says why it cannot', async () => {
  await assert.rejects(acquireHost({ address: '', certFile: '', keyFile: '', owner: 'http_server input' }), /address is empty.*service-wide HTTP server.*not running/);

  // Stand-in for src/api/server.ts wired with its two lines.
  const service = http.createServer((req, res) => {
    if (req.url === '/ping') return void res.end('pong');
    if (handleSharedRequest(req, res)) return;
    res.writeHead(404).end();
  });
  attachSharedRoutes(service);
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', () => r()));
  const port = (service.address() as net.AddressInfo).port;
  try {
    const sink = new TestSink();
    sinks.set('hs-shared', sink);
    const handle = await runStream(
      { http: { enabled: false }, input: { http_server: { path: '/ingest' } }, output: { test_sink: { id: 'hs-shared' } } },
      { logger: silentLogger },
    );
    handles.push(handle);
    await waitFor(() => handle.stream.ready, 5000, 'ready');
    assert.equal((await request(port, { path: '/ingest', body: 'via shared' })).status, 200);
    assert.deepEqual(sink.delivered, ['via shared']);
    assert.equal((await request(port, { path: '/ping', method: 'GET' })).body, 'pong');
    await handle.stop();
    assert.equal((await request(port, { path: '/ingest', body: 'gone' })).status, 404, 'routes are removed on close');
  } finally {
    service.closeAllConnections();
    await new Promise((r) => service.close(r));
  }
});

test('http_server: 300 slowloris sockets trickling headers do not slow legitimate requests much', async () => {
  const { port, sink } = await start('hs-slowloris', {});
  const slow: net.Socket[] = [];
  for (let i = 0; i < 300; i++) {
    const s = net.connect(port, '127.0.0.1', () => s.write('POST /post HTTP/1.1\r\nHost: x\r\n'));
    s.on('error', () => {});
    slow.push(s);
  }
  const trickle = setInterval(() => {
    for (const s of slow) if (!s.destroyed) s.write('X-a: b\r\n');
  }, 100);
  try {
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      assert.equal((await request(port, { body: `legit ${i}` })).status, 200);
      latencies.push(performance.now() - t);
    }
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.floor(latencies.length * 0.99) - 1]!;
    console.log(`# legit request p99 during 300 slowloris sockets: ${p99.toFixed(1)} ms`);
    assert.ok(p99 < 500, `p99 ${p99.toFixed(1)} ms`);
    assert.equal(sink.delivered.length, 50);
  } finally {
    clearInterval(trickle);
    for (const s of slow) s.destroy();
  }
});
