/** Unit tests of the AMQP helpers that need no broker: metadata both ways, URLs, queue arguments. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsumeMessage } from 'amqplib';
import { Message } from '../../plugin/index.js';
import { setAmqpMeta, deliveryToMessage, AmqpHeaderWriter } from './amqp_metadata.js';
import { expandAmqpUrls, scrubAmqpUrls, describeAmqpUrls } from './amqp_connection.js';
import { queueArguments } from './amqp_arguments.js';

test('amqp headers: dashes become underscores, tables and arrays flatten, empty values are left out', () => {
  const m = Message.fromString('x');
  setAmqpMeta(m, 'x-death', [{ count: 2, reason: 'rejected', 'routing-keys': ['a'] }]);
  setAmqpMeta(m, 'flag', false);
  setAmqpMeta(m, 'empty', '');
  setAmqpMeta(m, 'nothing', null);
  setAmqpMeta(m, 'bytes', Buffer.from('raw'));
  assert.deepEqual(m.metaObject(), {
    x_death_0_count: '2',
    x_death_0_reason: 'rejected',
    x_death_0_routing_keys_0: 'a',
    flag: 'false',
    bytes: 'raw',
  });
});

test('amqp headers: timestamps as RFC 3339 (UTC), decimals with their scale', () => {
  const m = Message.fromString('x');
  setAmqpMeta(m, 'ts', { '!': 'timestamp', value: 1_700_000_000 });
  setAmqpMeta(m, 'dec', { '!': 'decimal', value: { places: 2, digits: 12345 } });
  assert.equal(m.getMeta('ts'), '2023-11-14T22:13:20Z');
  assert.equal(m.getMeta('dec'), '123.45');
});

test('amqp delivery: properties become amqp_* metadata; unset strings are absent, priority defaults to 0', () => {
  const d = {
    content: Buffer.from('body'),
    fields: { deliveryTag: 7, redelivered: true, exchange: 'ex', routingKey: 'rk', consumerTag: 'ct' },
    properties: { contentType: 'text/plain', headers: { 'a-b': 'c' } },
  } as unknown as ConsumeMessage;
  const m = deliveryToMessage(d);
  assert.equal(m.asString(), 'body');
  assert.deepEqual(m.metaObject(), {
    a_b: 'c',
    amqp_content_type: 'text/plain',
    amqp_priority: '0',
    amqp_consumer_tag: 'ct',
    amqp_delivery_tag: '7',
    amqp_redelivered: 'true',
    amqp_exchange: 'ex',
    amqp_routing_key: 'rk',
  });
});

test('amqp output headers: all metadata but excluded prefixes, underscores become dashes', () => {
  const m = Message.fromString('x');
  m.setMeta('keep_this', 'a');
  m.setMeta('n', 3);
  m.setMeta('drop_me', 'b');
  assert.deepEqual(new AmqpHeaderWriter(['drop_']).build(m), { 'keep-this': 'a', n: 3 });
  assert.equal(new AmqpHeaderWriter([]).build(Message.fromString('x')), undefined);
});

test('amqp urls: comma lists expand, passwords never show', () => {
  assert.deepEqual(expandAmqpUrls(['amqp://a:5672/, amqp://b:5672/', ' ', 'amqp://c/']), ['amqp://a:5672/', 'amqp://b:5672/', 'amqp://c/']);
  assert.equal(scrubAmqpUrls('dial amqp://guest:hunter2@h:5672/vh failed'), 'dial amqp://guest:xxxxx@h:5672/vh failed');
  assert.equal(scrubAmqpUrls('amqp://user@h/'), 'amqp://user@h/');
  assert.equal(describeAmqpUrls(['amqp://u:p@a/,amqps://v:q@b/']), 'amqp://u:xxxxx@a/, amqps://v:xxxxx@b/');
});

test('amqp queue arguments: integers and booleans are typed, the rest stays text', () => {
  assert.deepEqual(queueArguments({ 'x-max-length': '10', 'x-overflow': 'reject-publish', 'x-single-active-consumer': 'true' }), {
    'x-max-length': 10,
    'x-overflow': 'reject-publish',
    'x-single-active-consumer': true,
  });
  assert.equal(queueArguments(undefined), undefined);
});
