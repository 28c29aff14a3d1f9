/**
 * The `tls` object of amqp_0_9 and mqtt, against the real RabbitMQ and Mosquitto behind a local
 * TLS-terminating proxy with a throwaway self-signed certificate (made with openssl): trusted via
 * `root_cas_file` or `root_cas`, forced on a plain `amqp://` / `tcp://` URL, skipped with
 * `skip_cert_verify`, and refused when the certificate is not trusted.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import '../../src/components/index.js';
import { requireService, sinks, TestSink, waitFor } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';

const skipAmqp = await requireService('rabbitmq', 5672);
const skipMqtt = await requireService('mosquitto', 1883);
let haveOpenssl = true;
try {
  execFileSync('openssl', ['version'], { stdio: 'ignore' });
} catch {
  haveOpenssl = false;
}
const skip = skipAmqp ?? skipMqtt ?? (haveOpenssl ? undefined : 'openssl is not installed (needed to make a test certificate)');

let dir = '';
let certFile = '';
const proxies: tls.Server[] = [];

/** A TLS listener on 127.0.0.1 that forwards plain TCP to `port`. */
async function tlsProxy(port: number): Promise<number> {
  const server = tls.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(certFile) }, (socket) => {
    const upstream = net.connect(port, '127.0.0.1');
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  server.on('tlsClientError', () => {});
  proxies.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as net.AddressInfo).port;
}

let seq = 0;
const uniq = (what: string): string => `sluice_tls_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

if (skip) {
  test('amqp/mqtt TLS', { skip }, () => {});
} else {
  let amqpsPort = 0;
  let mqttsPort = 0;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-tls-'));
    certFile = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore' },
    );
    amqpsPort = await tlsProxy(5672);
    mqttsPort = await tlsProxy(1883);
  });
  after(async () => {
    for (const p of proxies) await new Promise<void>((r) => p.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('amqp_0_9 over TLS: amqps with root_cas_file, and tls forced on an amqp:// URL with root_cas', async () => {
    const queue = uniq('amqp');
    const sink = new TestSink();
    sinks.set(queue, sink);
    const consumer = await runStream(
      {
        http: { enabled: false },
        input: {
          amqp_0_9: { urls: [`amqps://guest:guest@127.0.0.1:${amqpsPort}/`], queue, queue_declare: { enabled: true, durable: false, auto_delete: true }, tls: { enabled: true, root_cas_file: certFile } },
        },
        output: { test_sink: { id: queue } },
      },
      { logger: silentLogger },
    );
    await waitFor(() => consumer.stream.ready, 10_000, 'the TLS consumer to connect');
    const producer = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 5, interval: '', mapping: 'root.seq = counter()' } },
        output: { amqp_0_9: { urls: [`amqp://guest:guest@127.0.0.1:${amqpsPort}/`], exchange: '', key: queue, tls: { enabled: true, root_cas: readFileSync(certFile, 'utf8') } } },
      },
      { logger: silentLogger },
    );
    assert.equal(await producer.done, 0);
    await waitFor(() => sink.delivered.length >= 5, 10_000, 'five messages over TLS');
    await consumer.stop();
  });

  test('mqtt over TLS: tls forced on a tcp:// URL, with skip_cert_verify', async () => {
    const topic = uniq('mqtt');
    const sink = new TestSink();
    sinks.set(topic, sink);
    const consumer = await runStream(
      { http: { enabled: false }, input: { mqtt: { urls: [`tcp://127.0.0.1:${mqttsPort}`], topics: [topic], tls: { enabled: true, skip_cert_verify: true } } }, output: { test_sink: { id: topic } } },
      { logger: silentLogger },
    );
    await waitFor(() => consumer.stream.ready, 10_000, 'the TLS subscriber to connect');
    const producer = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count: 5, interval: '', mapping: 'root.seq = counter()' } },
        output: { mqtt: { urls: [`mqtts://127.0.0.1:${mqttsPort}`], topic, qos: 1, tls: { enabled: true, root_cas_file: certFile } } },
      },
      { logger: silentLogger },
    );
    assert.equal(await producer.done, 0);
    await waitFor(() => sink.delivered.length >= 5, 10_000, 'five messages over TLS');
    await consumer.stop();
  });

  test('an untrusted certificate is refused with a clear error (amqp_0_9 and mqtt)', async () => {
    for (const input of [
      { amqp_0_9: { urls: [`amqps://guest:guest@127.0.0.1:${amqpsPort}/`], queue: 'x' } },
      { mqtt: { urls: [`mqtts://127.0.0.1:${mqttsPort}`], topics: ['x'], connect_timeout: '2s' } },
    ]) {
      const errors: string[] = [];
      const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
      const h = await runStream({ http: { enabled: false }, input, output: { drop: {} } }, { logger });
      await waitFor(() => errors.length > 0, 10_000, 'a connection error');
      assert.match(errors[0]!, /failed to connect to .*self[- ]signed certificate/i);
      assert.equal(h.stream.ready, false);
      await h.stop();
    }
  });
}
