import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRedisUrls, redactUrl, redisAddress } from './redis_client.js';

test('redis url: user, password, host, port and database', () => {
  assert.deepEqual(parseRedisUrls('redis://foousername:foopassword@redisplace:6380/1'), [
    { host: 'redisplace', port: 6380, username: 'foousername', password: 'foopassword', db: 1, tls: false },
  ]);
});

test('redis url: Benthos shapes: password only, no host, rediss for TLS, tcp scheme, bare host:port', () => {
  assert.deepEqual(parseRedisUrls('redis://:foopassword@redisplace:6379'), [{ host: 'redisplace', port: 6379, password: 'foopassword', tls: false }]);
  assert.deepEqual(parseRedisUrls('redis://:6397'), [{ host: 'localhost', port: 6397, tls: false }]);
  assert.equal(parseRedisUrls('rediss://cache.example.com')[0]!.tls, true);
  assert.equal(parseRedisUrls('rediss://cache.example.com')[0]!.port, 6379);
  assert.equal(parseRedisUrls('tcp://localhost:6379')[0]!.host, 'localhost');
  assert.deepEqual(parseRedisUrls('10.0.0.1:7000'), [{ host: '10.0.0.1', port: 7000, tls: false }]);
});

test('redis url: several comma-separated addresses (cluster, sentinels)', () => {
  assert.deepEqual(
    parseRedisUrls('redis://localhost:6379/1,redis://localhost:6380/1').map((e) => `${e.host}:${e.port}/${e.db}`),
    ['localhost:6379/1', 'localhost:6380/1'],
  );
  assert.equal(redisAddress({ url: 'redis://a:1,redis://u:secret@b:2' }), 'a:1,b:2');
});

test('redis url: errors never show the password', () => {
  assert.throws(() => parseRedisUrls('http://u:hunter2@h:1'), (e: Error) => /unsupported scheme "http"/.test(e.message) && !e.message.includes('hunter2'));
  assert.throws(() => parseRedisUrls('redis://u:hunter2@h:1/x'), (e: Error) => /database "x"/.test(e.message) && !e.message.includes('hunter2'));
  assert.equal(redactUrl('redis://u:hunter2@h:1'), 'redis://u:***@h:1');
  assert.throws(() => parseRedisUrls(''), /url is empty/);
});
