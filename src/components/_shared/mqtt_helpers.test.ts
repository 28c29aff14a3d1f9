/** Unit tests of the MQTT helpers that need no broker: held acknowledgements, replays, URLs, client ids. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IPublishPacket, MqttClient } from 'mqtt';
import { Message } from '../../plugin/index.js';
import { HeldAcks, type Delivery } from './mqtt_acks.js';
import { ReplayLine } from './mqtt_replay.js';
import { expandMqttUrls, scrubMqttUrls, resolveClientId, type MqttConnectionConfig } from './mqtt_connection.js';

/** Just enough of an MqttClient: records what would go on the wire. */
function fakeClient() {
  const sent: Array<{ cmd: string; messageId?: number }> = [];
  const store = new Map<number, IPublishPacket>();
  const c = Object.assign(new EventEmitter(), {
    connected: true,
    incomingStore: { get: (p: { messageId: number }, cb: (err: Error | null, pkt?: IPublishPacket) => void) => (store.has(p.messageId) ? cb(null, store.get(p.messageId)) : cb(new Error('missing'))) },
    _sendPacket(packet: { cmd: string; messageId?: number }, cb?: () => void) {
      sent.push({ cmd: packet.cmd, messageId: packet.messageId });
      cb?.();
    },
  });
  return { client: c, sent, store };
}
const publish = (messageId: number, qos: 0 | 1 | 2): IPublishPacket => ({ cmd: 'publish', topic: 't', payload: Buffer.from(String(messageId)), qos, retain: false, dup: false, messageId });

test('held acks: the library PUBACK is swallowed; acks go out once delivered, in arrival order', () => {
  const { client, sent } = fakeClient();
  const got: Delivery[] = [];
  const acks = new HeldAcks(client as unknown as MqttClient, (d) => got.push(d));
  let libraryDone = 0;
  for (const id of [1, 2, 3]) {
    client.emit('message', 't', Buffer.from(''), publish(id, 1));
    client._sendPacket({ cmd: 'puback', messageId: id }, () => libraryDone++);
  }
  assert.equal(libraryDone, 3, "the library's pipeline is not held up");
  assert.equal(sent.length, 0, 'nothing acknowledged on receipt');
  assert.equal(got.length, 3);
  acks.settle(got[1]!);
  assert.equal(sent.length, 0, 'message 2 waits for message 1');
  acks.settle(got[0]!);
  assert.deepEqual(sent, [{ cmd: 'puback', messageId: 1 }, { cmd: 'puback', messageId: 2 }]);
  acks.settle(got[2]!);
  acks.settle(got[2]!);
  assert.deepEqual(sent.map((s) => s.messageId), [1, 2, 3], 'each acked once');
  assert.equal(acks.outstanding, 0);
});

test('held acks: QoS 2 is delivered from the store on PUBREC and confirmed after delivery; its PUBREL emit is ignored', () => {
  const { client, sent, store } = fakeClient();
  const got: Delivery[] = [];
  const acks = new HeldAcks(client as unknown as MqttClient, (d) => got.push(d));
  store.set(9, publish(9, 2));
  client._sendPacket({ cmd: 'pubrec', messageId: 9 });
  assert.equal(got.length, 1);
  assert.equal(sent.length, 0);
  acks.settle(got[0]!);
  assert.deepEqual(sent, [{ cmd: 'pubrec', messageId: 9 }]);
  client.emit('message', 't', Buffer.from(''), publish(9, 2));
  assert.equal(got.length, 1, 'not delivered twice');
  client._sendPacket({ cmd: 'pubcomp', messageId: 9 });
  assert.deepEqual(sent.at(-1), { cmd: 'pubcomp', messageId: 9 }, 'other packets pass through');
});

test('held acks: QoS 0 needs no ack; acks are not sent on a dead connection', () => {
  const { client, sent } = fakeClient();
  const got: Delivery[] = [];
  const acks = new HeldAcks(client as unknown as MqttClient, (d) => got.push(d));
  client.emit('message', 't', Buffer.from(''), publish(0, 0));
  assert.equal(got[0]!.settled, true);
  client.emit('message', 't', Buffer.from(''), publish(5, 1));
  client.connected = false;
  acks.settle(got[1]!);
  assert.equal(sent.length, 0, 'the broker redelivers instead');
});

test('replay line: entries come back after a growing delay, oldest first', async () => {
  const line = new ReplayLine<string>();
  line.push(Message.fromString('a'), 'da', 1);
  line.push(Message.fromString('b'), 'db', 1);
  assert.equal(line.due(), undefined, 'not before the delay');
  assert.ok(line.nextInMs()! <= 10);
  await new Promise((r) => setTimeout(r, 15));
  assert.equal(line.due()!.delivery, 'da');
  assert.equal(line.due()!.delivery, 'db');
  assert.equal(line.nextInMs(), undefined);
});

test('mqtt urls and client ids', () => {
  assert.deepEqual(expandMqttUrls(['tcp://a:1883,tcp://b:1883']), ['tcp://a:1883', 'tcp://b:1883']);
  assert.equal(scrubMqttUrls('tcp://me:pw@h:1883'), 'tcp://me:xxxxx@h:1883');
  const conf = { client_id: 'svc_', dynamic_client_id_suffix: 'nanoid' } as MqttConnectionConfig;
  const a = resolveClientId(conf);
  assert.match(a, /^svc_[A-Za-z0-9_-]{21}$/);
  assert.notEqual(a, resolveClientId(conf));
  assert.equal(resolveClientId({ client_id: 'fixed' } as MqttConnectionConfig), 'fixed');
});
