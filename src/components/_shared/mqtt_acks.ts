/**
 * Holding MQTT acknowledgements until Sluice delivered a message.
 *
 * mqtt.js acknowledges on receipt: PUBACK (QoS 1) right after the `message` event, PUBREC (QoS 2)
 * before the application even sees the message. Its hooks for doing otherwise (`handleMessage`,
 * and `customHandleAcks`, MQTT 5 only) hold the whole packet pipeline while they wait, so at most
 * one message could be in flight and keepalive answers would queue behind it. Instead the client's
 * packet writer is wrapped: PUBACK/PUBREC packets the library sends for incoming messages are
 * swallowed (its pipeline moves on), and sent here once the message was delivered.
 *
 * Acks are released in the order the messages arrived, as MQTT requires ([MQTT-4.6.0-2]): a
 * message delivered early waits for the ones before it. A message whose ack was never sent (the
 * process died, the connection dropped) is redelivered by the broker when the session resumes.
 */
import type { IPublishPacket, MqttClient } from 'mqtt';

export interface Delivery {
  packet: IPublishPacket;
  /** Set once delivered (or given up on): its ack may go out. */
  settled: boolean;
}

type SendPacket = (packet: { cmd: string; messageId?: number; [k: string]: unknown }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;
interface ClientInternals {
  _sendPacket: SendPacket;
  incomingStore: { get(packet: { messageId: number }, cb: (err: Error | null, packet?: IPublishPacket) => void): void };
}

export class HeldAcks {
  private readonly pending: Delivery[] = [];
  private head = 0;
  private readonly send: SendPacket;

  /** `deliver` gets each incoming message once, in arrival order (QoS 0 ones too). */
  constructor(
    private readonly client: MqttClient,
    deliver: (d: Delivery) => void,
  ) {
    const internals = client as unknown as ClientInternals;
    if (typeof internals._sendPacket !== 'function') throw new Error('this mqtt client version cannot hold acknowledgements (no _sendPacket)');
    const original = internals._sendPacket.bind(client) as SendPacket;
    this.send = original;
    internals._sendPacket = (packet, cb, ...rest) => {
      if (packet.cmd === 'puback') {
        // The message was emitted just before: it is held already.
        cb?.();
        return;
      }
      if (packet.cmd === 'pubrec') {
        cb?.();
        // QoS 2: the library stored the message and would confirm it now; deliver it from the store instead.
        internals.incomingStore.get({ messageId: packet.messageId! }, (err, stored) => {
          if (!err && stored) this.hold(stored, deliver);
        });
        return;
      }
      original(packet, cb, ...rest);
    };
    client.on('message', (_topic: string, _payload: Buffer, packet: IPublishPacket) => {
      if (packet.qos === 0) deliver({ packet, settled: true });
      else if (packet.qos === 1) this.hold(packet, deliver);
      // QoS 2 messages are emitted again at PUBREL, after they were delivered on PUBREC: ignore.
    });
  }

  private hold(packet: IPublishPacket, deliver: (d: Delivery) => void): void {
    const d: Delivery = { packet, settled: false };
    this.pending.push(d);
    deliver(d);
  }

  /** Messages received and not yet acknowledged to the broker. */
  get outstanding(): number {
    return this.pending.length - this.head;
  }

  /** The message was delivered (or dropped on purpose): acknowledge it, in arrival order. */
  settle(d: Delivery): void {
    if (d.settled) return;
    d.settled = true;
    while (this.head < this.pending.length && this.pending[this.head]!.settled) {
      const p = this.pending[this.head++]!.packet;
      // On a dead connection the ack would be queued for a reconnect that never comes: the broker redelivers instead.
      if (this.client.connected) this.send({ cmd: p.qos === 2 ? 'pubrec' : 'puback', messageId: p.messageId });
    }
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
  }
}
