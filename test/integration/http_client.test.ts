/**
 * The HTTP client components (`http_client` output and input, `http` processor) against scripted
 * HTTP servers on 127.0.0.1.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runStream } from '../../src/library.js';
import { TestSink, TestSource, sinks, sources } from '../../src/testing/test_components.js';
import { waitFor } from '../../src/testing/wait.js';
import { deadPort } from '../../src/testing/services.js';
import { silentLogger } from '../../src/core/logger.js';
import { parseMultipart, multipartBoundary } from '../../src/components/_shared/http_multipart.js';
import { redactUrl } from '../../src/components/_shared/http_client_core.js';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type Handler = (seen: Seen, res: http.ServerResponse, n: number) => void;

const servers: http.Server[] = [];
after(() => {
  for (const s of servers) s.closeAllConnections(), s.close();
});

async function scripted(handler: Handler): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      handler(s, res, seen.length);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function reply(res: http.ServerResponse, status: number, body = '', headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const fast = { retry_period: '10ms', max_retry_backoff: '50ms' };

async function run(id: string, items: string[], output: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<{ source: TestSource; code: number }> {
  const source = new TestSource(items);
  sources.set(id, source);
  const handle = await runStream({ http: { enabled: false }, input: { test_source: { id } }, output, ...extra }, { logger: silentLogger });
  const code = await handle.done;
  return { source, code };
}

function sink(id: string): TestSink {
  const s = new TestSink();
  sinks.set(id, s);
  return s;
}

test('http_client output: retries a 500 and then succeeds; interpolated url, headers and metadata headers', async () => {
  const srv = await scripted((_s, res, n) => reply(res, n <= 2 ? 500 : 200));
  const { source, code } = await run(
    'hc-retry',
    ['a'],
    {
      http_client: {
        url: `${srv.url}/items/\${! content() }`,
        headers: { 'X-Kind': '${! "kind-" + content() }', 'Content-Type': 'text/plain' },
        metadata: { include_prefixes: ['trace_'] },
        ...fast,
      },
    },
    { pipeline: { processors: [{ mapping: 'meta trace_id = "t1"\nmeta other = "no"' }] } },
  );
  assert.equal(code, 0);
  assert.equal(srv.seen.length, 3, 'two failures then success');
  for (const s of srv.seen) {
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/items/a');
    assert.equal(s.body.toString(), 'a');
    assert.equal(s.headers['x-kind'], 'kind-a');
    assert.equal(s.headers['content-type'], 'text/plain');
    assert.equal(s.headers['trace_id'], 't1');
    assert.equal(s.headers['other'], undefined);
  }
  assert.deepEqual(source.acked, ['a']);
});

test('http_client output: drop_on fails at once without retries', async () => {
  const srv = await scripted((_s, res) => reply(res, 400, 'no'));
  const dlq = sink('hc-drop-dlq');
  const { source } = await run('hc-drop', ['a'], { fallback: [{ http_client: { url: srv.url, drop_on: [400], retries: 3, ...fast } }, { test_sink: { id: 'hc-drop-dlq' } }] });
  assert.equal(srv.seen.length, 1, 'no retries for a drop_on status');
  assert.deepEqual(dlq.delivered, ['a']);
  assert.deepEqual(source.acked, ['a']);
});

test('http_client output: successful_on counts a non-2xx as success; without it the status is retried', async () => {
  const ok = await scripted((_s, res) => reply(res, 409));
  const r1 = await run('hc-succ', ['a', 'b'], { http_client: { url: ok.url, successful_on: [409], ...fast } });
  assert.equal(r1.code, 0);
  assert.equal(ok.seen.length, 2, 'one request per message, none retried');
  assert.deepEqual(r1.source.acked, ['a', 'b']);

  const bad = await scripted((_s, res) => reply(res, 409));
  const dlq = sink('hc-succ-dlq');
  await run('hc-succ2', ['a'], { fallback: [{ http_client: { url: bad.url, retries: 2, ...fast } }, { test_sink: { id: 'hc-succ-dlq' } }] });
  assert.equal(bad.seen.length, 3, '1 attempt + 2 retries');
  assert.deepEqual(dlq.delivered, ['a']);
});

test('http_client output: backoff_on statuses are retried with growing waits', async () => {
  const srv = await scripted((_s, res, n) => reply(res, n <= 3 ? 429 : 200));
  const { code } = await run('hc-backoff', ['a'], { http_client: { url: srv.url, retries: 5, retry_period: '20ms', max_retry_backoff: '1s' } });
  assert.equal(code, 0);
  assert.equal(srv.seen.length, 4);
});

test('http_client output: batches go as one multipart request with batch_as_multipart', async () => {
  const srv = await scripted((_s, res) => reply(res, 200));
  const { code } = await run('hc-multi', ['x', 'y', 'z'], { http_client: { url: srv.url, batch_as_multipart: true, headers: { 'Content-Type': 'text/plain' }, batching: { count: 3 } } });
  assert.equal(code, 0);
  assert.equal(srv.seen.length, 1);
  const boundary = multipartBoundary(srv.seen[0]!.headers['content-type']);
  assert.ok(boundary, 'a multipart content type');
  const parts = parseMultipart(srv.seen[0]!.body, boundary!);
  assert.deepEqual(
    parts.map((p) => p.body.toString()),
    ['x', 'y', 'z'],
  );
  assert.equal(parts[0]!.headers['content-type'], 'text/plain');
});

test('http_client output: basic auth; passwords never appear in errors', async () => {
  const srv = await scripted((_s, res) => reply(res, 200));
  await run('hc-auth', ['a'], { http_client: { url: srv.url, basic_auth: { enabled: true, username: 'u', password: 'p@ss' } } });
  assert.equal(srv.seen[0]!.headers.authorization, `Basic ${Buffer.from('u:p@ss').toString('base64')}`);
  assert.equal(redactUrl('http://user:secret@host:1/x'), 'http://xxxxx@host:1/x');
});

test('http processor: the response replaces the message, with http_status_code; failures flag the message', async () => {
  const srv = await scripted((s, res) => (s.url === '/fail' ? reply(res, 500, 'nope') : reply(res, 200, JSON.stringify({ got: s.body.toString() }), { 'x-echo': 'yes' })));
  const out = sink('hp-enrich');
  await run('hp-enrich', ['a', 'b'], { test_sink: { id: 'hp-enrich' } }, {
    pipeline: {
      processors: [
        { http: { url: `${srv.url}/echo`, extract_headers: { include_prefixes: ['x-'] }, parallel: true } },
        { mapping: 'root.body = this\nroot.code = @http_status_code\nroot.echo = metadata("x-echo")' },
      ],
    },
  });
  assert.deepEqual(
    out.delivered.map((d) => JSON.parse(d)),
    [
      { body: { got: 'a' }, code: 200, echo: 'yes' },
      { body: { got: 'b' }, code: 200, echo: 'yes' },
    ],
  );

  const failed = sink('hp-fail');
  await run('hp-fail', ['a'], { test_sink: { id: 'hp-fail' } }, {
    pipeline: {
      processors: [
        { http: { url: `${srv.url}/fail`, retries: 0 } },
        { mapping: 'root.content = content().string()\nroot.code = @http_status_code\nroot.error = error().contains("500")' },
      ],
    },
  });
  assert.deepEqual(JSON.parse(failed.delivered[0]!), { content: 'a', code: 500, error: true });
});

test('http_client input: polling with pagination from the last message, empty bodies dropped', async () => {
  const srv = await scripted((s, res, n) => {
    if (n === 2) return reply(res, 200, '');
    const page = Number(new URL(s.url, 'http://x').searchParams.get('page') ?? '0');
    reply(res, 200, JSON.stringify({ page: page + 1 }));
  });
  const out = sink('hci-poll');
  const handle = await runStream(
    { http: { enabled: false }, input: { http_client: { url: `${srv.url}/list?page=\${! this.page | 0 }` } }, output: { test_sink: { id: 'hci-poll' } } },
    { logger: silentLogger },
  );
  await waitFor(() => out.delivered.length >= 3, 5000, 'three pages');
  await handle.stop();
  assert.deepEqual(out.delivered.slice(0, 3).map((d) => JSON.parse(d).page), [1, 2, 3]);
  assert.equal(srv.seen[0]!.method, 'GET');
});

test('http_client input: stream mode splits the body with the lines scanner and ends without reconnect', async () => {
  const srv = await scripted((_s, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('one\ntw');
    setTimeout(() => res.end('o\nthree\n'), 50);
  });
  const out = sink('hci-stream');
  const handle = await runStream(
    { http: { enabled: false }, input: { http_client: { url: srv.url, stream: { enabled: true, reconnect: false } } }, output: { test_sink: { id: 'hci-stream' } } },
    { logger: silentLogger },
  );
  assert.equal(await handle.done, 0);
  assert.deepEqual(out.delivered, ['one', 'two', 'three']);
  assert.equal(srv.seen.length, 1);
});

test('http_client output: propagate_response answers the http_server request with the upstream response', async () => {
  const upstream = await scripted((s, res) => reply(res, 200, `upstream saw ${s.body.toString()}`));
  const port = await deadPort();
  const handle = await runStream(
    { http: { enabled: false }, input: { http_server: { address: `127.0.0.1:${port}` } }, output: { http_client: { url: upstream.url, propagate_response: true } } },
    { logger: silentLogger },
  );
  await waitFor(() => handle.stream.ready, 5000, 'ready');
  const body = await new Promise<string>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/post', method: 'POST' }, (res) => {
      let t = '';
      res.on('data', (c) => (t += c));
      res.on('end', () => resolve(t));
    });
    req.on('error', reject);
    req.end('ping');
  });
  assert.equal(body, 'upstream saw ping');
  await handle.stop();
});
