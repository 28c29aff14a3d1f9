/**
 * The `kafka` input and output against librdkafka's mock cluster (3 brokers, started through
 * kcat): the shared connector suite. Component-specific tests are in kafka_features.test.ts,
 * the kafka_franz field set in kafka_franz.test.ts, throughput in kafka_throughput.test.ts.
 */
import { test, after } from 'node:test';
import '../../src/components/index.js';
import { connectorSuite } from '../../src/testing/index.js';
import { requireKcat, startKafkaMock } from '../../src/testing/kafka_mock.js';

const skip = requireKcat();

/** The suite's kill test: the consumer's checkpoint window and commit period. */
const CHECKPOINT_LIMIT = 64;
const COMMIT_PERIOD_MS = 100;
/** The suite's slow_file sink: 4 writes in flight, 2 ms each (at most ~2,000 msg/s). */
const SINK_RATE_PER_MS = 2;

if (skip) {
  test('kafka integration', { skip }, () => {});
} else {
  const mock = await startKafkaMock();
  after(() => mock.stop());
  connectorSuite({
    name: 'kafka',
    address: mock.brokers.join(','),
    output: (id, address) => ({ kafka: { addresses: [address], topic: id, key: '${! json("seq") }', max_in_flight: 8, batching: { count: 50, period: '20ms' } } }),
    input: (id, address, group) => ({
      kafka: {
        addresses: [address],
        topics: [id],
        consumer_group: group,
        checkpoint_limit: CHECKPOINT_LIMIT,
        commit_period: `${COMMIT_PERIOD_MS}ms`,
        // A killed member holds its partitions until its session times out: keep that short.
        group: { session_timeout: '3s', heartbeat_interval: '500ms' },
      },
    }),
    redelivers: true,
    metadataRoundTrip: true,
    // After a SIGKILL, what comes back twice is what was delivered but not yet committed: at
    // most one commit period (plus the commit's round trip, taken as another period) of the
    // sink's rate, plus what the sink had written but not yet reported (its 4 writes in flight).
    inFlightWindow: 2 * COMMIT_PERIOD_MS * SINK_RATE_PER_MS + 4,
    skip: {
      reconnect:
        'Kafka clients fetch from the brokers the cluster metadata advertises (the mock brokers\' own ports), not from the bootstrap address: a FaultProxy in front of one address only ever sees the first metadata request, so resetting it does not cut the consumer off',
    },
  });
}
