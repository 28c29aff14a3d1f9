/** The fault proxy's modes, against a local echo server: what each one lets through. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { FaultProxy } from './fault_proxy.js';

async function echoServer(): Promise<{ port: number; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.on('data', (d) => {
      received += d.length;
      s.write(d);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    received: () => received,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Bytes echoed back within `ms`. */
function echoed(s: net.Socket, payload: Buffer, ms: number): Promise<number> {
  return new Promise((resolve) => {
    let n = 0;
    const onData = (d: Buffer): void => void (n += d.length);
    s.on('data', onData);
    s.write(payload);
    setTimeout(() => {
      s.off('data', onData);
      resolve(n);
    }, ms);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('half-open forwards one direction only; pass resets the connections that lost bytes', async () => {
  const echo = await echoServer();
  const proxy = new FaultProxy('127.0.0.1', echo.port);
  await proxy.start();
  try {
    const s = await connect(proxy.port);
    s.on('error', () => {});
    assert.equal(await echoed(s, Buffer.from('hello'), 200), 5, 'pass: echoed');
    proxy.halfOpen('to-upstream');
    const before = echo.received();
    assert.equal(await echoed(s, Buffer.from('world'), 300), 0, 'replies are dropped');
    assert.equal(echo.received() - before, 5, 'requests still reach the server');
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    await proxy.pass();
    await closed;
    const s2 = await connect(proxy.port);
    assert.equal(await echoed(s2, Buffer.from('again'), 200), 5, 'new connections work after pass');
    s2.destroy();
  } finally {
    await proxy.stop();
    await echo.close();
  }
});

test('a keep-open blackhole silences open connections for good without closing them; new ones work after pass', async () => {
  const echo = await echoServer();
  const proxy = new FaultProxy('127.0.0.1', echo.port);
  await proxy.start();
  try {
    const s = await connect(proxy.port);
    let closed = false;
    s.on('close', () => (closed = true));
    s.on('error', () => {});
    assert.equal(await echoed(s, Buffer.from('hello'), 200), 5);
    proxy.blackhole({ keepOpen: true });
    const before = echo.received();
    assert.equal(await echoed(s, Buffer.from('lost'), 300), 0);
    assert.equal(echo.received(), before, 'nothing reaches the server');
    // New connections are accepted but get nothing either.
    const s2 = await connect(proxy.port);
    s2.on('error', () => {});
    assert.equal(await echoed(s2, Buffer.from('x'), 200), 0);
    await proxy.pass();
    assert.equal(await echoed(s, Buffer.from('still dead'), 300), 0, 'silenced connections stay silent after pass');
    assert.equal(closed, false, 'and are never closed by the proxy');
    const s3 = await connect(proxy.port);
    assert.equal(await echoed(s3, Buffer.from('fresh'), 200), 5, 'new connections work after pass');
    for (const x of [s, s2, s3]) x.destroy();
  } finally {
    await proxy.stop();
    await echo.close();
  }
});

test('bandwidth caps the bytes per second of a connection', async () => {
  const echo = await echoServer();
  const proxy = new FaultProxy('127.0.0.1', echo.port);
  await proxy.start();
  try {
    proxy.bandwidth(20_000);
    const s = await connect(proxy.port);
    const payload = Buffer.alloc(16_000, 1);
    const t0 = Date.now();
    let n = 0;
    await new Promise<void>((resolve) => {
      s.on('data', (d: Buffer) => {
        n += d.length;
        if (n >= payload.length) resolve();
      });
      // Several chunks, so the cap applies between them.
      for (let i = 0; i < 16; i++) s.write(payload.subarray(i * 1000, (i + 1) * 1000));
    });
    const ms = Date.now() - t0;
    // 16 kB at 20 kB/s each way: at least ~0.75 s (chunks may coalesce, so allow some slack).
    assert.ok(ms >= 500, `16 kB went through in ${ms} ms at 20 kB/s`);
    s.destroy();
  } finally {
    await proxy.stop();
    await echo.close();
  }
});

test('resetEvery resets open connections periodically until turned off', async () => {
  const echo = await echoServer();
  const proxy = new FaultProxy('127.0.0.1', echo.port);
  await proxy.start();
  try {
    proxy.resetEvery(100);
    const s = await connect(proxy.port);
    const closed = new Promise<void>((r) => s.once('close', () => r()));
    s.on('error', () => {});
    await closed;
    proxy.resetEvery(0);
    const s2 = await connect(proxy.port);
    s2.on('error', () => {});
    await sleep(300);
    assert.equal(s2.destroyed, false, 'no resets once turned off');
    assert.equal(await echoed(s2, Buffer.from('ok'), 200), 2);
    s2.destroy();
  } finally {
    await proxy.stop();
    await echo.close();
  }
});
