/**
 * `kafka` output (Benthos's sarama-based field set), on the shared writer
 * (_shared/kafka_writer.ts) like `kafka_franz`.
 */
import {
  registerOutput,
  field,
  objectConfig,
  compileInterpolation,
  batchingField,
  maxInFlightField,
  parseBatchPolicy,
  parseDuration,
  type Output,
  type Resources,
} from '../../plugin/index.js';
import { KafkaWriter } from '../_shared/kafka_writer.js';
import { makePartitioner, type PartitionerName } from '../_shared/kafka_partitioners.js';
import { expandAddresses, kafkaSasl, kafkaSaslField, tlsField, tlsOptions, type KafkaSaslConfig, type TlsConfig } from '../_shared/kafka_config.js';
import type { Compression } from '../_shared/kafka_client.js';

interface KafkaOutputConfig {
  addresses: string[];
  tls?: TlsConfig;
  sasl?: KafkaSaslConfig;
  topic: string;
  client_id: string;
  target_version?: string;
  rack_id: string;
  key: string;
  partitioner: PartitionerName;
  partition: string;
  compression: Compression;
  static_headers?: Record<string, string>;
  metadata: { exclude_prefixes: string[] };
  max_in_flight: number;
  idempotent_write: boolean;
  ack_replicas: boolean;
  max_msg_bytes: number;
  timeout: string;
  batching?: Parameters<typeof parseBatchPolicy>[0];
}

registerOutput(
  {
    name: 'kafka',
    summary: 'The kafka output type writes a batch of messages to Kafka brokers and waits for acknowledgement before propagating it back to the input.',
    description: [
      'The config field `ack_replicas` determines whether we wait for acknowledgement from all replicas or just a single broker.',
      '',
      'Both the `key` and `topic` fields can be dynamically set using function interpolations.',
      '',
      'Metadata will be added to each message sent as headers (version 0.11+), but can be restricted using the field `metadata`.',
      '',
      'A failed write is retried by Sluice as a whole batch, with backoff and without limit (the fields `max_retries`, `backoff` and `retry_as_batch` are accepted for compatibility). For strict ordering set `max_in_flight` to `1`.',
      '',
      'Partitioners compute the same partition for a key as Benthos: `fnv1a_hash` (sarama\'s hash partitioner), `murmur2_hash` (the Java client\'s), `random`, `round_robin`, or `manual` with `partition`. Messages with an empty key go to a random partition under the hash partitioners.',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      field
        .stringList('addresses', 'A list of broker addresses to connect to. If an item of the list contains commas it will be expanded into multiple addresses.')
        .examples(['localhost:9092'], ['localhost:9041,localhost:9042'], ['localhost:9041', 'localhost:9042']),
      tlsField(),
      kafkaSaslField(),
      field.interpolated('topic', 'The topic to publish messages to.'),
      field.string('client_id', 'An identifier for the client connection.').default('bento').advanced(),
      field.string('target_version', 'The version of the Kafka protocol to use. Accepted for compatibility; kafkajs negotiates versions with the brokers.').optional().advanced(),
      field.string('rack_id', 'A rack identifier for this client.').default('').advanced(),
      field.interpolated('key', 'The key to publish messages with.').default(''),
      field.string('partitioner', 'The partitioning algorithm to use.').default('fnv1a_hash').options('fnv1a_hash', 'murmur2_hash', 'random', 'round_robin', 'manual'),
      field
        .interpolated('partition', 'The manually-specified partition to publish messages to, relevant only when the field `partitioner` is set to `manual`. Must be able to parse as a 32-bit integer.')
        .default('')
        .advanced(),
      field
        .object('custom_topic_creation', 'If enabled, topics will be created with the specified number of partitions and replication factor if they do not already exist (accepted; Sluice relies on the brokers\' auto-creation).', [
          field.bool('enabled', 'Whether to enable custom topic creation.').default(false),
          field.int('partitions', 'The number of partitions to create for new topics.').default(-1),
          field.int('replication_factor', 'The replication factor to use for new topics.').default(-1),
        ])
        .advanced(),
      field.string('compression', 'The compression algorithm to use.').default('none').options('none', 'snappy', 'lz4', 'gzip', 'zstd'),
      field.map('static_headers', 'An optional map of static headers that should be added to messages in addition to metadata.', field.string('')).optional().examples({ 'first-static-header': 'value-1', 'second-static-header': 'value-2' }),
      field.object('metadata', 'Specify criteria for which metadata values are sent with messages as headers.', [
        field.stringList('exclude_prefixes', 'Provide a list of explicit metadata key prefixes to be excluded when adding metadata to sent messages.').default([]),
      ]),
      field.bloblang('inject_tracing_map', 'EXPERIMENTAL: accepted, not used yet.').optional().advanced(),
      maxInFlightField(64),
      field.bool('idempotent_write', 'Enable the idempotent write producer option. This requires the `IDEMPOTENT_WRITE` permission on `CLUSTER` and can be disabled if this permission is not available.').default(false).advanced(),
      field.bool('ack_replicas', 'Ensure that messages have been copied across all replicas before acknowledging receipt.').default(false).advanced(),
      field.int('max_msg_bytes', 'The maximum size in bytes of messages sent to the target topic.').default(1000000).advanced(),
      field.duration('timeout', 'The maximum period of time to wait for message sends before abandoning the request and retrying.').default('5s').advanced(),
      field.bool('retry_as_batch', 'Accepted for compatibility: Sluice always retries a failed batch as a whole.').default(false).advanced(),
      batchingField(),
      field.int('max_retries', 'Accepted for compatibility: Sluice retries without limit.').default(0).advanced(),
      field
        .object('backoff', 'Control time intervals between retry attempts (accepted for compatibility; the engine applies its own backoff).', [
          field.duration('initial_interval', 'The initial period to wait between retry attempts.').default('3s'),
          field.duration('max_interval', 'The maximum period to wait between retry attempts').default('10s'),
          field.duration('max_elapsed_time', 'The maximum overall period of time to spend on retry attempts before the request is aborted.').default('30s'),
        ])
        .advanced(),
    ]),
    examples: [
      {
        title: 'Keyed writes',
        config: 'input:\n  stdin: {}\noutput:\n  kafka:\n    addresses: [ localhost:9092 ]\n    topic: events\n    key: ${! json("id") }\n',
      },
    ],
  },
  async (conf: KafkaOutputConfig, res: Resources): Promise<Output> => {
    if (conf.partitioner === 'manual' && conf.partition === '') throw new Error('kafka: partition is required when partitioner is manual');
    const exclude = conf.metadata?.exclude_prefixes ?? [];
    return new KafkaWriter(
      {
        client: {
          component: 'kafka',
          brokers: expandAddresses(conf.addresses, 'addresses'),
          clientId: conf.client_id,
          tls: tlsOptions(conf.tls),
          sasl: kafkaSasl('kafka', conf.sasl, res),
        },
        producer: {
          idempotent: conf.idempotent_write,
          acks: conf.ack_replicas || conf.idempotent_write ? -1 : 1,
          compression: conf.compression,
          timeoutMs: parseDuration(conf.timeout),
        },
        partitioner: makePartitioner(conf.partitioner),
        topic: compileInterpolation(conf.topic),
        key: conf.key ? compileInterpolation(conf.key) : undefined,
        partition: conf.partitioner === 'manual' ? compileInterpolation(conf.partition) : undefined,
        headerFilter: (k) => !exclude.some((p) => k.startsWith(p)),
        staticHeaders: conf.static_headers ?? {},
        maxMessageBytes: conf.max_msg_bytes,
        maxInFlight: conf.max_in_flight,
        batchPolicy: await parseBatchPolicy(conf.batching, res),
      },
      res,
    );
  },
);
