/**
 * The `kafka_franz` input and output (the franz-go field set, on the same reader and writer as
 * `kafka`) against librdkafka's mock cluster: the shared connector suite.
 */
import { test, after } from 'node:test';
import '../../src/components/index.js';
import { connectorSuite } from '../../src/testing/index.js';
import { requireKcat, startKafkaMock } from '../../src/testing/kafka_mock.js';

const skip = requireKcat();

if (skip) {
  test('kafka_franz integration', { skip }, () => {});
} else {
  const mock = await startKafkaMock();
  after(() => mock.stop());
  connectorSuite({
    name: 'kafka_franz',
    address: mock.brokers.join(','),
    output: (id, address) => ({
      kafka_franz: {
        seed_brokers: [address],
        topic: id,
        key: '${! json("seq") }',
        metadata: { include_prefixes: ['sluice_'] },
        batching: { count: 50, period: '20ms' },
        // kafkajs asks the cluster controller for a producer id, and the mock reports a
        // controller id that is not one of its brokers (ids start at 1): no idempotence here.
        idempotent_write: false,
      },
    }),
    input: (id, address, group) => ({ kafka_franz: { seed_brokers: [address], topics: [id], consumer_group: group, commit_period: '100ms' } }),
    redelivers: true,
    metadataRoundTrip: true,
    skip: {
      reconnect:
        "Kafka clients fetch from the brokers the cluster metadata advertises (the mock brokers' own ports), not from the bootstrap address: a FaultProxy in front of one address only ever sees the first metadata request",
      nack: "librdkafka's mock keeps a member that left the group (LeaveGroup) until its session times out, which is franz-go's 45 s for kafka_franz (it has no field to shorten it); the same reader passes this test in the kafka suite with a 3 s session timeout",
      kill: 'kafka_franz has no session timeout field and keeps franz-go\'s 45 s default, so a killed member would hold its partitions for 45 s; the same reader is covered by the kafka suite\'s kill test',
    },
  });
}
