/**
 * `kafka_franz` input (Benthos's franz-go field set), on the same implementation as `kafka`:
 * see _shared/kafka_reader.ts for delivery, nacks and rebalances.
 */
import { registerInput, field, objectConfig, batchingField, parseBatchPolicy, parseDuration, type Input, type InputBatch, type Resources } from '../../plugin/index.js';
import { KafkaReader, activeBatchPolicy } from '../_shared/kafka_reader.js';
import { parseTopics } from '../_shared/kafka_topics.js';
import { expandAddresses, franzSasl, franzSaslField, parseByteSize, tlsField, tlsOptions, type FranzSaslConfig, type TlsConfig } from '../_shared/kafka_config.js';

interface FranzInputConfig {
  seed_brokers: string[];
  topics: string[];
  regexp_topics: boolean;
  consumer_group?: string;
  client_id: string;
  rack_id: string;
  checkpoint_limit: number;
  auto_replay_nacks: boolean;
  commit_period: string;
  start_from_oldest: boolean;
  reconnect_on_unknown_topic_or_partition: boolean;
  auto_offset_reset?: string;
  group_balancers: string[];
  metadata_max_age: string;
  fetch_max_bytes: string;
  fetch_max_partition_bytes: string;
  fetch_max_wait: string;
  preferring_lag?: number;
  transaction_isolation_level: string;
  tls?: TlsConfig;
  sasl?: FranzSaslConfig[];
  multi_header: boolean;
  batching?: Parameters<typeof parseBatchPolicy>[0];
  rate_limit: string;
}

/**
 * kafkajs sleeps for the whole fetch wait when every partition of a broker is paused, so a
 * partition resumed after back pressure waits that long: keep it short.
 */
const MAX_FETCH_WAIT_MS = 500;

registerInput(
  {
    name: 'kafka_franz',
    summary: 'A Kafka input using the Franz Kafka client library field set.',
    description: [
      'When a consumer group is specified this input consumes one or more topics where partitions will automatically balance across any other connected clients with the same consumer group. When a consumer group is not specified topics can either be consumed in their entirety or with explicit partitions.',
      '',
      'Without `batching`, the records fetched for a partition are handed on as one batch (at most `checkpoint_limit` messages). With `batching`, batches are formed per partition.',
      '',
      'An offset is committed only once every message up to it was delivered (acks may arrive in any order). A nacked message is sent again by this consumer (`auto_replay_nacks: true`), or dropped (`false`); until it is delivered the committed offset stays below it.',
      '',
      '### Metadata',
      '',
      'This input adds the following metadata fields to each message: `kafka_key`, `kafka_topic`, `kafka_partition`, `kafka_offset`, `kafka_timestamp_unix`, `kafka_timestamp_unix_ms`, `kafka_tombstone_message`, and all record headers.',
      '',
      'Sluice runs this input on the kafkajs client: `group_balancers`, `metadata_max_age`, `preferring_lag` and `reconnect_on_unknown_topic_or_partition` are accepted for compatibility but not used, partitions are balanced by Sluice\'s own assigner (all members of a group must be Sluice instances), `regexp_topics` is not supported yet, and `fetch_max_wait` is capped at 500ms.',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      field
        .stringList('seed_brokers', 'A list of broker addresses to connect to in order to establish connections. If an item of the list contains commas it will be expanded into multiple addresses.')
        .examples(['localhost:9092'], ['foo:9092', 'bar:9092'], ['foo:9092,bar:9092']),
      field
        .stringList(
          'topics',
          "A list of topics to consume from. Multiple comma separated topics can be listed in a single element. When a `consumer_group` is specified partitions are automatically distributed across consumers of a topic, otherwise all partitions are consumed.\n\nAlternatively, it's possible to specify explicit partitions to consume from with a colon after the topic name, e.g. `foo:0` would consume the partition 0 of the topic foo. This syntax supports ranges, e.g. `foo:0-10` would consume partitions 0 through to 10 inclusive.\n\nFinally, it's also possible to specify an explicit offset to consume from by adding another colon after the partition, e.g. `foo:0:10` would consume the partition 0 of the topic foo starting from the offset 10. If the offset is not present (or remains unspecified) then the field `start_from_oldest` determines which offset to start from.",
        )
        .examples(['foo', 'bar'], ['foo,bar'], ['foo:0', 'bar:1', 'bar:3'], ['foo:0,bar:1,bar:3'], ['foo:0-5']),
      field
        .bool('regexp_topics', 'Whether listed topics should be interpreted as regular expression patterns for matching multiple topics (not supported by Sluice yet).')
        .default(false)
        .check((v) => (v === true ? 'regexp_topics is not supported by Sluice yet' : undefined)),
      field.string('consumer_group', 'An optional consumer group to consume as. When specified the partitions of specified topics are automatically distributed across consumers sharing a consumer group, and partition offsets are automatically committed and resumed under this name.').optional(),
      field.string('client_id', 'An identifier for the client connection.').default('bento').advanced(),
      field.string('rack_id', 'A rack identifier for this client.').default('').advanced(),
      field
        .int('checkpoint_limit', 'Determines how many messages of the same partition can be processed in parallel before applying back pressure. When a message of a given offset is delivered to the output the offset is only allowed to be committed when all messages of prior offsets have also been delivered, this ensures at-least-once delivery guarantees. However, this mechanism also increases the likelihood of duplicates in the event of crashes or server faults, reducing the checkpoint limit will mitigate this.')
        .default(1024)
        .check((v) => ((v as number) < 1 ? 'must be at least 1' : undefined))
        .advanced(),
      field
        .bool('auto_replay_nacks', 'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely, eventually resulting in back pressure if the cause of the rejections is persistent. If set to `false` these messages will instead be deleted.')
        .default(true),
      field.duration('commit_period', 'The period of time between each commit of the current partition offsets. Offsets are always committed during shutdown.').default('5s').advanced(),
      field
        .bool('start_from_oldest', 'Determines whether to consume from the oldest available offset, otherwise messages are consumed from the latest offset. The setting is applied when creating a new consumer group or the saved offset no longer exists.')
        .default(true)
        .advanced(),
      field.bool('reconnect_on_unknown_topic_or_partition', 'Accepted for compatibility (kafkajs refreshes metadata and retries by itself).').default(false).advanced(),
      field
        .string('auto_offset_reset', "Determines which offset to automatically consume from, matching Kafka's `auto.offset.reset` property. When specified, this takes precedence over `start_from_oldest`.")
        .optional()
        .options('earliest', 'latest', 'none')
        .advanced(),
      field.stringList('group_balancers', 'Accepted for compatibility; Sluice balances partitions with its own assigner.').default(['cooperative_sticky']).advanced(),
      field.duration('metadata_max_age', "This sets the maximum age for the client's cached metadata, to allow detection of new topics, partitions, etc.").default('5m').advanced(),
      field.string('fetch_max_bytes', 'This sets the maximum amount of bytes a broker will try to send during a fetch.').default('50MiB').advanced(),
      field.string('fetch_max_partition_bytes', 'Sets the maximum amount of bytes that will be consumed for a single partition in a fetch request.').default('1MiB').advanced(),
      field.duration('fetch_max_wait', 'This sets the maximum amount of time a broker will wait for a fetch response to hit the minimum number of required bytes before returning (capped at 500ms by Sluice).').default('5s').advanced(),
      field.int('preferring_lag', 'Accepted for compatibility, not used.').optional().advanced(),
      field
        .string('transaction_isolation_level', 'Controls the isolation level used for Kafka fetch requests.')
        .default('read_uncommitted')
        .options('read_uncommitted', 'read_committed')
        .advanced(),
      tlsField(),
      franzSaslField(),
      field.bool('multi_header', 'Decode headers into lists to allow handling of multiple values with the same key').default(false).advanced(),
      batchingField(),
      field.string('rate_limit', 'An optional `rate_limit` to throttle invocations by.').default('').advanced(),
      field.bloblang('extract_tracing_map', 'EXPERIMENTAL: accepted, not used yet.').optional().advanced(),
      field.bool('new_root_span_with_link', 'EXPERIMENTAL: accepted, not used yet.').optional().advanced(),
    ]),
    examples: [
      {
        title: 'Consume as a group',
        config: 'input:\n  kafka_franz:\n    seed_brokers: [ localhost:9092 ]\n    topics: [ orders ]\n    consumer_group: sluice\noutput:\n  stdout: {}\n',
      },
    ],
  },
  async (conf: FranzInputConfig, res: Resources): Promise<Input> => {
    const topics = parseTopics(conf.topics, { allowOffsets: true });
    if (conf.auto_offset_reset === 'none') throw new Error("kafka_franz: auto_offset_reset 'none' is not supported by Sluice yet");
    const fromBeginning = conf.auto_offset_reset ? conf.auto_offset_reset === 'earliest' : conf.start_from_oldest;
    const reader = new KafkaReader(
      {
        client: {
          component: 'kafka_franz',
          brokers: expandAddresses(conf.seed_brokers, 'seed_brokers'),
          clientId: conf.client_id,
          tls: tlsOptions(conf.tls),
          sasl: franzSasl('kafka_franz', conf.sasl),
        },
        consumer: {
          groupId: conf.consumer_group || undefined,
          fromBeginning,
          sessionTimeoutMs: 45_000,
          heartbeatIntervalMs: 3_000,
          rebalanceTimeoutMs: 60_000,
          maxWaitMs: Math.min(parseDuration(conf.fetch_max_wait), MAX_FETCH_WAIT_MS),
          maxBytesPerPartition: parseByteSize(conf.fetch_max_partition_bytes, 'fetch_max_partition_bytes'),
          maxBytes: parseByteSize(conf.fetch_max_bytes, 'fetch_max_bytes'),
          readCommitted: conf.transaction_isolation_level === 'read_committed',
          rackId: conf.rack_id,
        },
        topics,
        checkpointLimit: conf.checkpoint_limit,
        autoReplayNacks: conf.auto_replay_nacks,
        commitPeriodMs: parseDuration(conf.commit_period),
        batchPolicy: activeBatchPolicy(await parseBatchPolicy(conf.batching, res)),
        fetchedAsBatch: true,
        bufferCap: conf.checkpoint_limit,
        multiHeader: conf.multi_header,
        lagMetadata: false,
      },
      res,
    );
    return conf.rate_limit ? rateLimited(reader, conf.rate_limit, res) : reader;
  },
);

/** Wait for the rate limit before each read, as Benthos does for this input. */
function rateLimited(inner: KafkaReader, label: string, res: Resources): Input {
  return {
    connect: () => inner.connect(),
    close: () => inner.close(),
    async read(): Promise<InputBatch | null> {
      for (;;) {
        const wait = await res.getRateLimit(label).access();
        if (wait <= 0) break;
        await new Promise((r) => setTimeout(r, wait));
      }
      return inner.read();
    },
  };
}
