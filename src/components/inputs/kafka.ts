/**
 * `kafka` input (Benthos's sarama-based field set). Shares its implementation with
 * `kafka_franz`: see _shared/kafka_reader.ts for delivery, nacks and rebalances.
 */
import { registerInput, field, objectConfig, batchingField, parseBatchPolicy, parseDuration, type Input, type Resources } from '../../plugin/index.js';
import { KafkaReader, activeBatchPolicy } from '../_shared/kafka_reader.js';
import { parseTopics } from '../_shared/kafka_topics.js';
import { expandAddresses, kafkaSasl, kafkaSaslField, tlsField, tlsOptions, type KafkaSaslConfig, type TlsConfig } from '../_shared/kafka_config.js';

interface KafkaInputConfig {
  addresses: string[];
  topics: string[];
  target_version?: string;
  tls?: TlsConfig;
  sasl?: KafkaSaslConfig;
  consumer_group: string;
  client_id: string;
  rack_id: string;
  start_from_oldest: boolean;
  checkpoint_limit: number;
  auto_replay_nacks: boolean;
  commit_period: string;
  transaction_isolation_level: string;
  max_processing_period: string;
  group: { session_timeout: string; heartbeat_interval: string; rebalance_timeout: string };
  fetch_buffer_cap: number;
  multi_header: boolean;
  debug: boolean;
  batching?: Parameters<typeof parseBatchPolicy>[0];
}

const atLeastOne = (v: unknown): string | undefined => ((v as number) < 1 ? 'must be at least 1' : undefined);

registerInput(
  {
    name: 'kafka',
    summary: 'Connects to Kafka brokers and consumes one or more topics.',
    description: [
      'Offsets are managed within Kafka under the specified consumer group, and partitions for each topic are automatically balanced across members of the consumer group.',
      '',
      'The Kafka input allows parallel processing of messages from different topic partitions, and messages of the same topic partition are processed with a maximum parallelism determined by the field `checkpoint_limit`. In order to enforce ordered processing of partition messages set `checkpoint_limit` to `1`.',
      '',
      'Batching (`batching`) is performed per partition: the messages of a batch always come from the same partition. A batch may be larger than `checkpoint_limit`, in which case the next batch of that partition is only created once the current one was delivered.',
      '',
      'An offset is committed only once every message up to it was delivered (acks may arrive in any order). A nacked message is sent again by this consumer (`auto_replay_nacks: true`), or dropped (`false`); until it is delivered the committed offset stays below it. When partitions are revoked by a rebalance, what was acknowledged is committed and the rest of those partitions is left to the new owner.',
      '',
      '### Metadata',
      '',
      'This input adds the following metadata fields to each message: `kafka_key`, `kafka_topic`, `kafka_partition`, `kafka_offset`, `kafka_lag`, `kafka_timestamp_unix`, `kafka_timestamp_unix_ms`, `kafka_tombstone_message`, and all message headers.',
      '',
      'The field `kafka_lag` is the calculated difference between the high water mark offset of the partition at the time of ingestion and the current message offset.',
      '',
      'Sluice uses the kafkajs client. Members of one consumer group must all be Sluice instances (they share Sluice\'s partition assigner).',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      field
        .stringList('addresses', 'A list of broker addresses to connect to. If an item of the list contains commas it will be expanded into multiple addresses.')
        .examples(['localhost:9092'], ['localhost:9041,localhost:9042'], ['localhost:9041', 'localhost:9042']),
      field
        .stringList(
          'topics',
          'A list of topics to consume from. Multiple comma separated topics can be listed in a single element. Partitions are automatically distributed across consumers of a topic. Alternatively, it\'s possible to specify explicit partitions to consume from with a colon after the topic name, e.g. `foo:0` would consume the partition 0 of the topic foo. This syntax supports ranges, e.g. `foo:0-10` would consume partitions 0 through to 10 inclusive.',
        )
        .examples(['foo', 'bar'], ['foo,bar'], ['foo:0', 'bar:1', 'bar:3'], ['foo:0,bar:1,bar:3'], ['foo:0-5']),
      field.string('target_version', 'The version of the Kafka protocol to use. Accepted for compatibility; kafkajs negotiates versions with the brokers.').optional().examples('2.1.0', '3.1.0'),
      tlsField(),
      kafkaSaslField(),
      field.string('consumer_group', 'An identifier for the consumer group of the connection. This field can be explicitly made empty in order to disable stored offsets for the consumed topic partitions.').default(''),
      field.string('client_id', 'An identifier for the client connection.').default('bento').advanced(),
      field.string('rack_id', 'A rack identifier for this client.').default('').advanced(),
      field
        .bool('start_from_oldest', 'Determines whether to consume from the oldest available offset, otherwise messages are consumed from the latest offset. The setting is applied when creating a new consumer group or the saved offset no longer exists.')
        .default(true)
        .advanced(),
      field
        .int('checkpoint_limit', 'The maximum number of messages of the same topic and partition that can be processed at a given time. Increasing this limit enables parallel processing and batching at the output level to work on individual partitions. Any given offset will not be committed unless all messages under that offset are delivered in order to preserve at least once delivery guarantees.')
        .default(1024)
        .check(atLeastOne),
      field
        .bool('auto_replay_nacks', 'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely, eventually resulting in back pressure if the cause of the rejections is persistent. If set to `false` these messages will instead be deleted.')
        .default(true),
      field.duration('commit_period', 'The period of time between each commit of the current partition offsets. Offsets are always committed during shutdown.').default('1s').advanced(),
      field
        .string('transaction_isolation_level', 'Controls the isolation level used for Kafka fetch requests.')
        .default('read_uncommitted')
        .options('read_uncommitted', 'read_committed')
        .advanced(),
      field.duration('max_processing_period', 'A maximum estimate for the time taken to process a message, this is used for tuning consumer group synchronization.').default('100ms').advanced(),
      field.bloblang('extract_tracing_map', 'EXPERIMENTAL: A Bloblang mapping that attempts to extract an object containing tracing propagation information (accepted, not used yet).').optional().advanced(),
      field.bool('new_root_span_with_link', 'EXPERIMENTAL: Starts a new root span with link to parent (accepted, not used yet).').optional().advanced(),
      field
        .object('group', 'Tuning parameters for consumer group synchronization.', [
          field.duration('session_timeout', 'A period after which a consumer of the group is kicked after no heartbeats.').default('10s'),
          field.duration('heartbeat_interval', 'A period in which heartbeats should be sent out.').default('3s'),
          field.duration('rebalance_timeout', 'A period after which rebalancing is abandoned if unresolved.').default('60s'),
        ])
        .advanced(),
      field
        .int('fetch_buffer_cap', 'The maximum number of unprocessed messages to fetch at a given time. Sluice pauses fetching a partition once this many of its messages (at least `checkpoint_limit`) wait in its buffer.')
        .default(256)
        .check(atLeastOne)
        .advanced(),
      field.bool('multi_header', 'Decode headers into lists to allow handling of multiple values with the same key').default(false).advanced(),
      field.bool('debug', "Enable the client's internal protocol logging, forwarded to the Sluice logger at debug level.").default(false).advanced(),
      batchingField(),
    ]),
    examples: [
      {
        title: 'Consume as a group',
        config: 'input:\n  kafka:\n    addresses: [ localhost:9092 ]\n    topics: [ orders ]\n    consumer_group: sluice\noutput:\n  stdout: {}\n',
      },
    ],
  },
  async (conf: KafkaInputConfig, res: Resources): Promise<Input> => {
    const topics = parseTopics(conf.topics, { allowOffsets: false });
    return new KafkaReader(
      {
        client: {
          component: 'kafka',
          brokers: expandAddresses(conf.addresses, 'addresses'),
          clientId: conf.client_id,
          tls: tlsOptions(conf.tls),
          sasl: kafkaSasl('kafka', conf.sasl, res),
          debug: conf.debug,
        },
        consumer: {
          groupId: conf.consumer_group === '' ? undefined : conf.consumer_group,
          fromBeginning: conf.start_from_oldest,
          sessionTimeoutMs: parseDuration(conf.group.session_timeout),
          heartbeatIntervalMs: parseDuration(conf.group.heartbeat_interval),
          rebalanceTimeoutMs: parseDuration(conf.group.rebalance_timeout),
          // Short: kafkajs sleeps this long when every partition of a broker is paused, so a
          // partition resumed after back pressure waits up to this much for its next fetch.
          maxWaitMs: 100,
          maxBytesPerPartition: 1024 * 1024,
          maxBytes: 100 * 1024 * 1024,
          readCommitted: conf.transaction_isolation_level === 'read_committed',
          rackId: conf.rack_id,
        },
        topics,
        checkpointLimit: conf.checkpoint_limit,
        autoReplayNacks: conf.auto_replay_nacks,
        commitPeriodMs: parseDuration(conf.commit_period),
        batchPolicy: activeBatchPolicy(await parseBatchPolicy(conf.batching, res)),
        fetchedAsBatch: false,
        // kafkajs fetches up to 1 MiB per partition at once, so the cap is a pause threshold;
        // below the checkpoint window it would pause (and stall on resume) all the time.
        bufferCap: Math.max(conf.fetch_buffer_cap, conf.checkpoint_limit),
        multiHeader: conf.multi_header,
        lagMetadata: true,
      },
      res,
    );
  },
);

