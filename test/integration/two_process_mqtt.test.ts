/**
 * Two `sluice run` processes in one MQTT shared subscription (`$share/<group>/<topic>`, MQTT 5;
 * Mosquitto 2 also allows it on 3.1.1) split a topic with no loss. Each member has a persistent
 * session (clean_session: false, its own client_id), so when one is SIGKILLed mid-way the broker
 * keeps what it had not acknowledged (and, in Mosquitto, what the group routed to it meanwhile)
 * and hands it over when the member comes back: nothing lost, duplicates at most the broker's
 * in-flight window for one client.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../src/components/index.js';
import { requireService } from '../../src/testing/index.js';
import { runTwoProcess, describeTwoProcess, type MemberName } from '../../src/testing/two_process.js';
import { runStream } from '../../src/library.js';
import { silentLogger } from '../../src/core/logger.js';

const URL = 'tcp://127.0.0.1:1883';
const skip = await requireService('mosquitto', 1883);
const TOTAL = 5000;
/** Mosquitto's max_inflight_messages default: QoS 1 messages a client holds unacknowledged. */
const BROKER_IN_FLIGHT = 20;

let seq = 0;
const uniq = (what: string): string => `tp_mqtt_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

if (skip) {
  test('two processes in one MQTT shared subscription', { skip }, () => {});
} else {
  // Paced at about 1,000 messages/s: both members keep up, so neither's queue at the broker
  // reaches Mosquitto's max_queued_messages (1,000 by default), past which it drops messages.
  const produce = async (topic: string, first: number, count: number): Promise<void> => {
    const h = await runStream(
      {
        http: { enabled: false },
        input: { generate: { count, interval: '1ms', mapping: `root.seq = counter() + ${first - 1}` } },
        output: { mqtt: { urls: [URL], client_id: `${topic}_producer`, topic, qos: 1, protocol_version: 5, max_in_flight: 64 } },
      },
      { logger: silentLogger },
    );
    assert.equal(await h.done, 0, 'the producer exited cleanly');
  };

  const plan = (topic: string) => ({
    name: 'mqtt',
    total: TOTAL,
    input: (member: MemberName) => ({
      mqtt: { urls: [URL], client_id: `${topic}_${member}`, clean_session: false, protocol_version: 5, qos: 1, topics: [`$share/tp_workers/${topic}`] },
    }),
    produce: (first: number, count: number) => produce(topic, first, count),
  });

  test('two processes in one MQTT shared subscription split the topic: nothing lost, nothing twice', async () => {
    const topic = uniq('split');
    const r = await runTwoProcess(plan(topic));
    console.log(describeTwoProcess('mqtt', r));
    assert.deepEqual(r.lost, [], 'no message lost');
    assert.equal(r.duplicates, 0, 'no message delivered twice');
    assert.ok(r.delivered.a > TOTAL / 10 && r.delivered.b > TOTAL / 10, `both took a share: ${r.delivered.a} / ${r.delivered.b}`);
    assert.deepEqual(r.exitCodes, { a: 0, b: 0 }, 'both shut down cleanly');
  });

  test('MQTT shared subscription: one of two processes SIGKILLed mid-way and restarted, nothing lost', async () => {
    const topic = uniq('kill');
    const r = await runTwoProcess({ ...plan(topic), killAt: 0.25, restartAfterKill: true });
    console.log(describeTwoProcess('mqtt kill', r));
    assert.ok(r.aAtKill! > 0 && r.aAtKill! < TOTAL / 2, 'the killed member had made progress, and was killed mid-stream');
    assert.deepEqual(r.lost, [], 'no message lost');
    // Delivered by the killed member but not yet PUBACKed: at most the broker's in-flight window.
    assert.ok(r.duplicates <= BROKER_IN_FLIGHT, `${r.duplicates} duplicates > broker in-flight window ${BROKER_IN_FLIGHT}`);
    assert.deepEqual(r.exitCodes, { a: 0, b: 0 }, 'both shut down cleanly');
  });
}
