/**
 * `kafka_franz` output (Benthos's franz-go field set), on the shared writer
 * (_shared/kafka_writer.ts) like `kafka`.
 */
import { RE2JS } from 're2js';
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
import { makePartitioner, type Partitioner } from '../_shared/kafka_partitioners.js';
import { expandAddresses, franzSasl, franzSaslField, parseByteSize, tlsField, tlsOptions, type FranzSaslConfig, type TlsConfig } from '../_shared/kafka_config.js';
import type { Compression } from '../_shared/kafka_client.js';

interface FranzOutputConfig {
  seed_brokers: string[];
  topic: string;
  key?: string;
  partitioner?: string;
  partition?: string;
  client_id: string;
  rack_id: string;
  idempotent_write: boolean;
  metadata: { include_prefixes: string[]; include_patterns: string[] };
  max_in_flight: number;
  timeout: string;
  batching?: Parameters<typeof parseBatchPolicy>[0];
  max_message_bytes: string;
  max_buffered_records: number;
  metadata_max_age: string;
  compression?: Compression;
  tls?: TlsConfig;
  sasl?: FranzSaslConfig[];
}

const PARTITIONERS = ['least_backup', 'manual', 'murmur2_hash', 'round_robin', 'uniform_bytes'];

registerOutput(
  {
    name: 'kafka_franz',
    summary: 'A Kafka output using the Franz Kafka client library field set.',
    description: [
      'Writes a batch of messages to Kafka brokers and waits for acknowledgement before propagating it back to the input.',
      '',
      'Without `partitioner`, keyed messages are placed with Kafka\'s murmur2 hash (as the Java client and franz-go do) and messages without a key go to a random partition. Sluice runs this output on the kafkajs client: `least_backup` behaves like `round_robin`, and `uniform_bytes` like the default.',
      '',
      'Without `compression`, snappy is used (franz-go\'s preference). `idempotent_write` (default true) waits for all in-sync replicas.',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      field
        .stringList('seed_brokers', 'A list of broker addresses to connect to in order to establish connections. If an item of the list contains commas it will be expanded into multiple addresses.')
        .examples(['localhost:9092'], ['foo:9092', 'bar:9092'], ['foo:9092,bar:9092']),
      field.interpolated('topic', 'A topic to write messages to.'),
      field.interpolated('key', 'An optional key to populate for each message.').optional(),
      field.string('partitioner', 'Override the default murmur2 hashing partitioner.').optional().options(...PARTITIONERS).advanced(),
      field
        .object('uniform_bytes_options', 'Sets partitioner options when `partitioner` is of type `uniform_bytes` (accepted for compatibility).', [
          field.string('bytes', 'The number of bytes the partitioner will return the same partition for.').default('1MB'),
          field.bool('adaptive', 'Sets a slight imbalance so that the partitioner can produce more to brokers that are less loaded.').default(false),
          field.bool('keys', 'If `true`, uses standard hashing based on record key for records with non-nil keys.').default(false),
        ])
        .advanced(),
      field
        .interpolated('partition', 'An optional explicit partition to set for each message. This field is only relevant when the `partitioner` is set to `manual`. The provided interpolation string must be a valid integer.')
        .optional()
        .examples('${! metadata("partition") }'),
      field.string('client_id', 'An identifier for the client connection.').default('bento').advanced(),
      field.string('rack_id', 'A rack identifier for this client.').default('').advanced(),
      field.bool('idempotent_write', 'Enable the idempotent write producer option. This requires the `IDEMPOTENT_WRITE` permission on `CLUSTER` and can be disabled if this permission is not available.').default(true).advanced(),
      field.object('metadata', 'Determine which (if any) metadata values should be added to messages as headers.', [
        field.stringList('include_prefixes', 'Provide a list of explicit metadata key prefixes to match against.').default([]).examples(['foo_', 'bar_'], ['kafka_'], ['content-']),
        field
          .stringList('include_patterns', 'Provide a list of explicit metadata key regular expression (re2) patterns to match against.')
          .default([])
          .examples(['.*'], ['_timestamp_unix$'])
          .check((v) => {
            for (const p of v as string[]) {
              try {
                RE2JS.compile(p);
              } catch (e) {
                return `invalid pattern ${JSON.stringify(p)}: ${(e as Error).message}`;
              }
            }
            return undefined;
          }),
      ]),
      maxInFlightField(10),
      field.duration('timeout', 'The maximum period of time to wait for message sends before abandoning the request and retrying').default('10s').advanced(),
      batchingField(),
      field.string('max_message_bytes', "The maximum space in bytes than an individual message may take, messages larger than this value will be rejected. This field corresponds to Kafka's `max.message.bytes`.").default('1MB').examples('100MB', '50mib').advanced(),
      field.int('max_buffered_records', 'Accepted for compatibility (kafkajs does not buffer records beyond a write).').default(10000).advanced(),
      field.duration('metadata_max_age', "This sets the maximum age for the client's cached metadata, to allow detection of new topics, partitions, etc.").default('5m').advanced(),
      field.string('compression', 'Optionally set an explicit compression type. The default preference is to use snappy.').optional().options('lz4', 'snappy', 'gzip', 'none', 'zstd').advanced(),
      tlsField(),
      franzSaslField(),
    ]),
    examples: [
      {
        title: 'Keyed writes',
        config: 'input:\n  stdin: {}\noutput:\n  kafka_franz:\n    seed_brokers: [ localhost:9092 ]\n    topic: events\n    key: ${! json("id") }\n',
      },
    ],
  },
  async (conf: FranzOutputConfig, res: Resources): Promise<Output> => {
    const manual = conf.partitioner === 'manual';
    if (manual && !conf.partition) throw new Error('kafka_franz: partition is required when partitioner is manual');
    const prefixes = conf.metadata?.include_prefixes ?? [];
    const patterns = (conf.metadata?.include_patterns ?? []).map((p) => RE2JS.compile(p));
    return new KafkaWriter(
      {
        client: {
          component: 'kafka_franz',
          brokers: expandAddresses(conf.seed_brokers, 'seed_brokers'),
          clientId: conf.client_id,
          tls: tlsOptions(conf.tls),
          sasl: franzSasl('kafka_franz', conf.sasl),
        },
        producer: {
          idempotent: conf.idempotent_write,
          acks: conf.idempotent_write ? -1 : 1,
          compression: conf.compression ?? 'snappy',
          timeoutMs: parseDuration(conf.timeout),
        },
        partitioner: franzPartitioner(conf.partitioner),
        topic: compileInterpolation(conf.topic),
        key: conf.key ? compileInterpolation(conf.key) : undefined,
        partition: manual ? compileInterpolation(conf.partition!) : undefined,
        headerFilter: (k) => prefixes.some((p) => k.startsWith(p)) || patterns.some((re) => re.matcher(k).find()),
        staticHeaders: {},
        maxMessageBytes: parseByteSize(conf.max_message_bytes, 'max_message_bytes'),
        maxInFlight: conf.max_in_flight,
        batchPolicy: await parseBatchPolicy(conf.batching, res),
      },
      res,
    );
  },
);

function franzPartitioner(name: string | undefined): Partitioner {
  switch (name) {
    case 'round_robin':
    case 'least_backup':
      return makePartitioner('round_robin');
    case 'manual':
      return makePartitioner('manual');
    default:
      return makePartitioner('murmur2_hash');
  }
}
