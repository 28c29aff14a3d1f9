import {
  registerInput,
  field,
  objectConfig,
  parseDuration,
  Message,
  NotConnectedError,
  errorMessage,
  type Input,
  type InputBatch,
  type Resources,
} from '../../plugin/index.js';
import { redisConnFields, connectRedis, closeRedis, commandFailure, isConnectionLost, type RedisClient, type RedisConnConfig } from '../_shared/redis_client.js';
import { StreamAcker } from '../_shared/redis_streams_acks.js';
import { PendingClaimer, type RawEntry } from '../_shared/redis_streams_claim.js';
import { ReplayQueue } from '../_shared/replay_queue.js';

interface RedisStreamsInputConfig extends RedisConnConfig {
  body_key: string;
  streams: string[];
  auto_replay_nacks: boolean;
  limit: number;
  client_id: string;
  consumer_group: string;
  create_streams: boolean;
  start_from_oldest: boolean;
  commit_period: string;
  timeout: string;
  claim_min_idle: string;
  claim_period: string;
}

/** An entry read from a stream, on its way through the engine until XACKed. */
interface Entry {
  stream: string;
  id: string;
  msg: Message;
}

const positive = (v: unknown): string | undefined => ((v as number) < 1 ? 'must be at least 1' : undefined);

registerInput(
  {
    name: 'redis_streams',
    summary: 'Pulls messages from Redis (v5.0+) streams with the XREADGROUP command. The `client_id` should be unique for each consumer of a group.',
    description: [
      'Redis stream entries are key/value pairs, as such it is necessary to specify the key that contains the body of the message. All other keys/value pairs are saved as metadata fields, and the entry ID as the metadata field `redis_stream`.',
      '',
      'Each entry is a message of its own. It is acknowledged (XACK) only once the engine confirmed its delivery: IDs are sent every `commit_period`, as soon as `limit` of them are waiting, and at shutdown. A nacked entry is replayed (`auto_replay_nacks: true`) or acknowledged and dropped (`false`), as in Benthos.',
      '',
      'On start the consumer first reads its own pending entries again (ID `0`), so what a previous run under the same `client_id` read but never acknowledged is processed. Sluice extension: entries that another consumer of the group has left pending for longer than `claim_min_idle` (it died, or came back under another `client_id`) are claimed with XAUTOCLAIM (Redis 6.2+) every `claim_period`, while the entries this consumer still works on are kept fresh so that others do not claim them.',
      '',
      'Entries without the `body_key` field (or deleted from the stream while pending) are acknowledged and skipped with a warning.',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field.string('body_key', 'The field key to extract the raw message from. All other keys will be stored in the message as metadata.').default('body'),
      field.stringList('streams', 'A list of streams to consume from.').check((v) => ((v as string[]).length === 0 ? 'at least one stream is required' : undefined)),
      field
        .bool(
          'auto_replay_nacks',
          'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely, eventually resulting in back pressure if the cause of the rejections is persistent. If set to `false` these messages will instead be deleted.',
        )
        .default(true),
      field.int('limit', 'The maximum number of messages to consume from a single request.').default(10).check(positive),
      field.string('client_id', 'An identifier for the client connection (the consumer name within the group).').default(''),
      field.string('consumer_group', 'An identifier for the consumer group of the stream.').default(''),
      field.bool('create_streams', 'Create subscribed streams if they do not exist (MKSTREAM option).').default(true).advanced(),
      field
        .bool('start_from_oldest', 'If an offset is not found for a stream, determines whether to consume from the oldest available offset, otherwise messages are consumed from the latest offset.')
        .default(true)
        .advanced(),
      field.duration('commit_period', 'The period of time between each commit of the current offset. Offsets are always committed during shutdown.').default('1s').advanced(),
      field.duration('timeout', 'The length of time to poll for new messages before reattempting.').default('1s').advanced(),
      field
        .duration('claim_min_idle', 'Sluice extension: claim entries other consumers of the group left pending for at least this long (XAUTOCLAIM). An empty string disables claiming.')
        .default('1m')
        .optional()
        .advanced(),
      field
        .duration('claim_period', 'Sluice extension: how often to look for entries to claim, and to keep the entries this consumer holds from being claimed by others. Must be shorter than half of `claim_min_idle`.')
        .default('10s')
        .advanced(),
    ]),
    examples: [
      {
        title: 'Consume a stream as part of a group',
        config:
          'input:\n  redis_streams:\n    url: redis://localhost:6379\n    streams: [ orders ]\n    consumer_group: sluice\n    client_id: worker-1\noutput:\n  stdout: {}\n',
      },
    ],
  },
  (conf: RedisStreamsInputConfig, res: Resources): Input => new RedisStreamsInput(conf, res),
);

class RedisStreamsInput implements Input {
  /** Blocking reads have a connection of their own, so acks and claims never wait behind them. */
  private reader: RedisClient | undefined;
  private control: RedisClient | undefined;
  private readonly buffer: Entry[] = [];
  /** Nacked entries waiting to be read again (with a growing delay when they keep failing). */
  private readonly replay: ReplayQueue;
  /** Streams still being read from our own pending list: the ID to read after. */
  private readonly backlog = new Map<string, string>();
  /** Entries read and not yet XACKed, per stream (claims skip them; heartbeats refresh them). */
  private readonly held = new Map<string, Set<string>>();
  private readonly acker: StreamAcker;
  private readonly claimer: PendingClaimer | undefined;
  private readonly timeoutMs: number;
  private readonly commitMs: number;
  private readonly claimPeriodMs: number;
  private nextClaimAt = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly conf: RedisStreamsInputConfig,
    private readonly res: Resources,
  ) {
    this.replay = new ReplayQueue(conf.auto_replay_nacks);
    this.timeoutMs = parseDuration(conf.timeout);
    this.commitMs = parseDuration(conf.commit_period);
    for (const s of conf.streams) {
      this.backlog.set(s, '0');
      this.held.set(s, new Set());
    }
    const minIdle = conf.claim_min_idle ? parseDuration(conf.claim_min_idle) : 0;
    this.claimPeriodMs = parseDuration(conf.claim_period);
    if (minIdle > 0) {
      if (this.claimPeriodMs <= 0 || this.claimPeriodMs * 2 > minIdle) throw new Error('claim_period must be above zero and at most half of claim_min_idle');
      this.claimer = new PendingClaimer(conf.consumer_group, conf.client_id, minIdle, res.logger);
    }
    this.acker = new StreamAcker(
      () => this.control,
      conf.consumer_group,
      // Without a commit period every acknowledgement goes out at once (rounds still coalesce).
      this.commitMs > 0 ? conf.limit : 1,
      (stream, ids) => {
        const set = this.held.get(stream);
        if (set) for (const id of ids) set.delete(id);
      },
      res.logger,
    );
  }

  async connect(): Promise<void> {
    this.dropConnections();
    const name = 'redis_streams';
    const control = await connectRedis(this.conf, name, { logger: this.res.logger });
    let reader: RedisClient;
    try {
      reader = await connectRedis(this.conf, name, { logger: this.res.logger });
    } catch (e) {
      closeRedis(control);
      throw e;
    }
    try {
      for (const s of this.conf.streams) await this.createGroup(control, s);
    } catch (e) {
      closeRedis(control);
      closeRedis(reader);
      throw e;
    }
    this.control = control;
    this.reader = reader;
    this.startTimers();
    // Acks gathered while disconnected go out now.
    if (this.acker.waiting > 0) void this.acker.flush();
  }

  private async createGroup(client: RedisClient, stream: string): Promise<void> {
    const from = this.conf.start_from_oldest ? '0' : '$';
    const args = ['CREATE', stream, this.conf.consumer_group, from, ...(this.conf.create_streams ? ['MKSTREAM'] : [])];
    try {
      await client.call('XGROUP', ...args);
    } catch (e) {
      if (/BUSYGROUP/.test(errorMessage(e))) return;
      throw new Error(`redis_streams: failed to create group ${this.conf.consumer_group} for stream ${stream}: ${errorMessage(e)}`);
    }
  }

  private startTimers(): void {
    if (!this.commitTimer && this.commitMs > 0) {
      this.commitTimer = setInterval(() => void this.acker.flush(), this.commitMs);
      this.commitTimer.unref();
    }
    if (!this.heartbeatTimer && this.claimer) {
      this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.claimPeriodMs);
      this.heartbeatTimer.unref();
    }
  }

  private async heartbeat(): Promise<void> {
    const client = this.control;
    if (!client || client.status !== 'ready' || !this.claimer) return;
    try {
      await this.claimer.heartbeat(client, this.held);
    } catch (e) {
      this.res.logger.warn(`redis_streams: failed to refresh pending entries: ${errorMessage(e)}`);
    }
  }

  async read(): Promise<InputBatch | null> {
    for (;;) {
      if (this.closing) return null;
      const again = this.replay.shift();
      if (again) return again;
      const entry = this.buffer.shift();
      if (entry) return this.emit(entry);
      await this.fetch();
    }
  }

  private emit(entry: Entry): InputBatch {
    const messages = [entry.msg];
    // Done once delivered, or once nacked when replays are off (then dropped, as in Benthos).
    return { messages, ack: this.replay.ackFor(messages, () => this.acker.add(entry.stream, entry.id)) };
  }

  /** Fill the buffer: claimed entries first (when due), then XREADGROUP. */
  private async fetch(): Promise<void> {
    const reader = this.reader;
    if (!reader || !this.control) throw new NotConnectedError('redis_streams: not connected');
    if (this.claimer && Date.now() >= this.nextClaimAt) {
      this.nextClaimAt = Date.now() + this.claimPeriodMs;
      await this.claim();
      if (this.buffer.length > 0) return;
    }
    const streams = this.conf.streams;
    const ids = streams.map((s) => this.backlog.get(s) ?? '>');
    const blocking = ids.every((id) => id === '>');
    const args: string[] = ['GROUP', this.conf.consumer_group, this.conf.client_id, 'COUNT', String(this.conf.limit)];
    if (blocking) args.push('BLOCK', String(this.timeoutMs));
    args.push('STREAMS', ...streams, ...ids);
    let reply: unknown;
    try {
      reply = await reader.callBuffer('XREADGROUP', ...args);
    } catch (e) {
      if (this.closing) return;
      // A missing group (stream deleted) is recreated by reconnecting.
      if (isConnectionLost(e, reader) || /NOGROUP/.test(errorMessage(e))) {
        this.dropConnections();
        throw new NotConnectedError(`redis_streams: ${errorMessage(e)}`, { cause: e });
      }
      throw commandFailure(e, reader, 'redis_streams');
    }
    if (reply === null || reply === undefined) return; // timed out: poll again
    for (const [streamBuf, entries] of reply as Array<[Buffer, RawEntry[]]>) {
      const stream = streamBuf.toString();
      if (this.backlog.has(stream)) {
        // Our own pending entries come first; an empty answer means we caught up.
        if (entries.length === 0) this.backlog.delete(stream);
        else this.backlog.set(stream, entries[entries.length - 1]![0].toString());
      }
      this.take(stream, entries, false);
    }
  }

  private async claim(): Promise<void> {
    const client = this.control!;
    for (const stream of this.conf.streams) {
      // Until our own pending entries are re-read, they would come back twice.
      if (this.backlog.has(stream)) continue;
      try {
        const entries = await this.claimer!.claim(client, stream, this.conf.limit);
        if (entries.length > 0) this.res.logger.info(`redis_streams: claimed ${entries.length} stale pending entries of stream ${stream}`);
        this.take(stream, entries, true);
      } catch (e) {
        if (isConnectionLost(e, client)) {
          this.dropConnections();
          throw new NotConnectedError(`redis_streams: ${errorMessage(e)}`, { cause: e });
        }
        this.res.logger.warn(`redis_streams: failed to claim pending entries of stream ${stream}: ${errorMessage(e)}`);
      }
    }
  }

  /** Turn raw entries into buffered messages; unusable ones are acknowledged and skipped. */
  private take(stream: string, entries: RawEntry[], claimed: boolean): void {
    const held = this.held.get(stream)!;
    for (const [idBuf, fields] of entries) {
      const id = idBuf.toString();
      if (claimed && held.has(id)) continue;
      held.add(id);
      const msg = fields ? toMessage(id, fields, this.conf.body_key) : null;
      if (!msg) {
        this.res.logger.warn(
          fields ? `redis_streams: entry ${id} of stream ${stream} has no field ${this.conf.body_key}; skipping it` : `redis_streams: pending entry ${id} of stream ${stream} was deleted; skipping it`,
        );
        this.acker.add(stream, id);
        continue;
      }
      this.buffer.push({ stream, id, msg });
    }
  }

  private dropConnections(): void {
    closeRedis(this.reader);
    closeRedis(this.control);
    this.reader = undefined;
    this.control = undefined;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.commitTimer);
    clearInterval(this.heartbeatTimer);
    // Offsets are always committed during shutdown.
    try {
      await this.acker.flush();
    } catch (e) {
      this.res.logger.error(`redis_streams: failed to acknowledge at shutdown: ${errorMessage(e)}`);
    }
    this.dropConnections();
  }
}

function toMessage(id: string, fields: Buffer[], bodyKey: string): Message | null {
  let body: Buffer | undefined;
  const meta = new Map<string, unknown>();
  meta.set('redis_stream', id);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const k = fields[i]!.toString();
    if (k === bodyKey) body = fields[i + 1]!;
    else meta.set(k, fields[i + 1]!.toString());
  }
  if (body === undefined) return null;
  return Message.fromBytes(body, meta);
}
