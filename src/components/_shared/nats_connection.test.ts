import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scrubNatsUrls, parseNatsUrls, describeNatsUrls } from './nats_connection.js';

test('scrubNatsUrls hides passwords and lone tokens, keeps user names', () => {
  assert.equal(scrubNatsUrls('nats://user:pa55@127.0.0.1:4222'), 'nats://user:xxxxx@127.0.0.1:4222');
  assert.equal(scrubNatsUrls('tls://s3cr3ttoken@host:4222'), 'tls://xxxxx@host:4222');
  assert.equal(scrubNatsUrls('connect to nats://a:b@h1:1, nats://h2:2 failed'), 'connect to nats://a:xxxxx@h1:1, nats://h2:2 failed');
  assert.equal(scrubNatsUrls('nats://127.0.0.1:4222'), 'nats://127.0.0.1:4222');
});

test('parseNatsUrls splits comma lists and moves credentials out of the URLs', () => {
  assert.deepEqual(parseNatsUrls(['nats://u:p%40ss@h1:4222,nats://h2:4223', ' h3:4224 ']), {
    servers: ['nats://h1:4222', 'nats://h2:4223', 'nats://h3:4224'],
    user: 'u',
    pass: 'p@ss',
  });
  assert.deepEqual(parseNatsUrls(['nats://tok@h:1']), { servers: ['nats://h:1'], token: 'tok' });
  assert.deepEqual(parseNatsUrls(['', ' , ']), { servers: [] });
});

test('describeNatsUrls lists the addresses without secrets', () => {
  assert.equal(describeNatsUrls(['nats://u:p@h:1', 'nats://h:2']), 'nats://u:xxxxx@h:1, nats://h:2');
});
