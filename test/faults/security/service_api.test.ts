/**
 * RELIABILITY.md §3.4.1-2: the service-wide HTTP server. It binds loopback by default (Benthos:
 * 0.0.0.0), is unreachable from a non-loopback address unless told otherwise, exposes no endpoint
 * that changes anything (no streams API, no debug endpoints: every other method is 405), and
 * `http.basic_auth` guards every path, component paths and websocket upgrades included.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import os from 'node:os';
import { createHash } from 'node:crypto';
import { runStream, parseStreamConfig } from '../../../src/library.js';
import { TestSink, sinks } from '../../../src/testing/test_components.js';
import { silentLogger } from '../../../src/core/logger.js';
import { waitFor } from '../../../src/testing/wait.js';
import type { RunHandle } from '../../../src/engine/run_stream.js';
import { raw, request } from './http_helpers.js';

const handles: RunHandle[] = [];
after(async () => {
  for (const h of handles) await h.stop();
});

const ENDPOINTS = ['/ping', '/ready', '/version', '/metrics', '/stats'];

function nonLoopbackIPv4(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
}

test('service server: loopback by default, unreachable from a non-loopback address', async (t) => {
  const parsed = parseStreamConfig('input:\n  generate: { mapping: "root = 1", count: 1 }\noutput:\n  drop: {}\n');
  assert.equal(parsed.config!.http.address, '127.0.0.1:4195', 'default bind address');
  // An address with an empty host (":port", as Benthos users write it) is loopback too.
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const handle = await runStream({ http: { address: `:${port}` }, input: { generate: { mapping: 'root = 1', count: 0, interval: '1s' } }, output: { drop: {} } }, { logger: silentLogger });
  handles.push(handle);
  assert.equal(handle.api!.address.address, '127.0.0.1');
  assert.equal((await request(port, { path: '/ping', method: 'GET' })).status, 200);
  const ip = nonLoopbackIPv4();
  if (!ip) return t.skip('no non-loopback IPv4 address on this machine');
  const refused = await new Promise<string>((resolve) => {
    const s = net.connect(port, ip);
    s.once('connect', () => (s.destroy(), resolve('connected')));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
  assert.equal(refused, 'ECONNREFUSED', `connecting from ${ip}`);
});

test('service server: no endpoint changes anything; other methods are 405, debug paths do not exist', async () => {
  const handle = await runStream({ http: { address: '127.0.0.1:0', debug_endpoints: true }, input: { generate: { mapping: 'root = 1', count: 0, interval: '1s' } }, output: { drop: {} } }, { logger: silentLogger });
  handles.push(handle);
  const port = handle.api!.address.port;
  for (const path of ENDPOINTS) {
    assert.equal((await request(port, { path, method: 'GET' })).status === 404, false, path);
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      assert.equal((await request(port, { path, method, body: 'x' })).status, 405, `${method} ${path}`);
    }
  }
  for (const path of ['/streams', '/streams/x', '/debug/config/json', '/debug/config/yaml', '/debug/pprof/profile', '/debug/stack', '/resources']) {
    for (const method of ['GET', 'POST']) assert.equal((await request(port, { path, method, body: method === 'POST' ? '{}' : undefined })).status, 404, `${method} ${path}`);
  }
  // Slowloris protection as on the http_server input's own servers: oversized headers are 431.
  assert.match((await raw(port, `GET /ping HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`, 2000)).text, /^HTTP\/1\.1 431 /);
});

test('service server: http.basic_auth guards every path (component paths and websockets too) with 401 + WWW-Authenticate', async () => {
  const sink = new TestSink();
  sinks.set('sec-api-auth', sink);
  const hash = createHash('sha256').update('ops-password').digest('base64');
  const handle = await runStream(
    {
      http: { address: '127.0.0.1:0', basic_auth: { enabled: true, username: 'ops', password_hash: hash, algorithm: 'sha256', realm: 'ops' } },
      // A long timeout: this test is about who gets in, not how fast a loaded machine delivers.
      input: { http_server: { path: '/ingest', timeout: '30s' } },
      output: { test_sink: { id: 'sec-api-auth' } },
    },
    { logger: silentLogger },
  );
  handles.push(handle);
  const port = handle.api!.address.port;
  await waitFor(() => handle.stream.ready, 5000, 'ready');
  const good = { authorization: `Basic ${Buffer.from('ops:ops-password').toString('base64')}` };
  let refused = 0;
  for (let i = 0; i < 1000; i++) {
    const path = [...ENDPOINTS, '/ingest'][i % 6]!;
    const headers: Record<string, string> = i % 2 === 0 ? {} : { authorization: `Basic ${Buffer.from(`ops:guess${i}`).toString('base64')}` };
    const r = await request(port, { path, method: path === '/ingest' ? 'POST' : 'GET', body: path === '/ingest' ? 'nope' : undefined, headers });
    assert.equal(r.status, 401, `${path} without valid credentials`);
    assert.equal(r.headers['www-authenticate'], 'Basic realm="ops", charset="UTF-8"');
    refused++;
  }
  assert.equal(refused, 1000);
  assert.equal(sink.delivered.length, 0, 'no refused request reached the pipeline');
  assert.equal((await request(port, { path: '/ping', method: 'GET', headers: good })).status, 200);
  assert.equal((await request(port, { path: '/ingest', body: 'yes', headers: good })).status, 200);
  assert.deepEqual(sink.delivered, ['yes']);
  const ws = await raw(port, 'GET /ingest/ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n', 2000);
  assert.match(ws.text, /^HTTP\/1\.1 401 /);
});

test('service server: a basic_auth config that cannot work is not silently ignored', async () => {
  const logs: string[] = [];
  const { createLogger } = await import('../../../src/core/logger.js');
  const handle = await runStream(
    { http: { address: '127.0.0.1:0', basic_auth: { enabled: true, username: 'ops', password_hash: '' } }, input: { generate: { mapping: 'root = 1', count: 0, interval: '1s' } }, output: { drop: {} } },
    { logger: createLogger({ level: 'warn', write: (l) => void logs.push(l) }) },
  );
  handles.push(handle);
  // Fail closed: no server rather than an open one.
  assert.equal(handle.api, undefined);
  assert.ok(logs.some((l) => l.includes('basic_auth needs both username and password_hash')), logs.join(''));
});
