/**
 * `nats_kv` input: watch a NATS KV bucket (all keys or those matching `key`) and emit every
 * entry: the current values first, then each change as it happens. The watch is an ordered
 * consumer without acknowledgements, so nacked messages are replayed from memory.
 */
import type { NatsConnection, QueuedIterator } from '@nats-io/transport-node';
import { KvWatchInclude, type KvWatchEntry } from '@nats-io/kv';
import { registerInput, field, objectConfig, NotConnectedError, type Input, type InputBatch, type Message, type Resources } from '../../plugin/index.js';
import { natsUrlsField, natsTailFields, openNatsConnection, closeNatsConnection, describeNatsUrls, type NatsConnectionConfig } from '../_shared/nats_connection.js';
import { kvBucketField, openBucket, kvEntryToMessage } from '../_shared/nats_kv.js';

interface NatsKvInputConfig extends NatsConnectionConfig {
  bucket: string;
  key: string;
  auto_replay_nacks: boolean;
  ignore_deletes: boolean;
  include_history: boolean;
  meta_only: boolean;
}

registerInput(
  {
    name: 'nats_kv',
    summary: 'Watches for updates in a NATS key-value bucket.',
    description:
      'Emits the latest value of every matching key (or its whole history with `include_history`), then every update. ' +
      'Metadata: `nats_kv_key`, `nats_kv_bucket`, `nats_kv_revision`, `nats_kv_delta`, `nats_kv_operation` (KeyValuePutOp, KeyValueDeleteOp, KeyValuePurgeOp) and `nats_kv_created` (RFC 3339).',
    status: 'beta',
    categories: ['Services'],
    config: objectConfig([
      natsUrlsField(),
      kvBucketField(),
      field.string('key', 'Key to watch for updates, can include wildcards.').default('>').examples('foo.bar.baz', 'foo.*.baz', 'foo.bar.*', 'foo.>'),
      field.bool('auto_replay_nacks', 'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely. If false they are dropped.').default(true),
      field.bool('ignore_deletes', 'Do not send delete markers as messages.').default(false).advanced(),
      field.bool('include_history', 'Include all the history per key, not just the last one.').default(false).advanced(),
      field.bool('meta_only', 'Retrieve only the metadata of the entry').default(false).advanced(),
      ...natsTailFields(),
    ]),
  },
  (conf: NatsKvInputConfig, res: Resources): Input => new NatsKvInput(conf, res),
);

class NatsKvInput implements Input {
  private nc: NatsConnection | undefined;
  private watch: QueuedIterator<KvWatchEntry> | undefined;
  private entries: AsyncIterator<KvWatchEntry> | undefined;
  /** A pending pull from the watch, kept across reads when a replay came first. */
  private pending: Promise<IteratorResult<KvWatchEntry>> | undefined;
  private readonly replay: Message[][] = [];
  private wakeReplay: (() => void) | undefined;
  private closing = false;

  constructor(
    private readonly conf: NatsKvInputConfig,
    private readonly res: Resources,
  ) {}

  async connect(): Promise<void> {
    await this.dispose();
    const nc = await openNatsConnection(this.conf, this.res, 'nats_kv');
    try {
      const kv = await openBucket(nc, this.conf.bucket);
      const watch = await kv.watch({
        key: this.conf.key,
        include: this.conf.include_history ? KvWatchInclude.AllHistory : KvWatchInclude.LastValue,
        ignoreDeletes: this.conf.ignore_deletes,
        headers_only: this.conf.meta_only,
      });
      this.watch = watch;
      this.entries = watch[Symbol.asyncIterator]();
      this.nc = nc;
      // A connection that gave up reconnecting leaves the watch silent: wake the reader.
      void nc.closed().then(() => {
        if (this.nc === nc && !this.closing) {
          this.nc = undefined;
          this.wakeReplay?.();
        }
      });
    } catch (e) {
      await closeNatsConnection(nc, 1000);
      throw new Error(`nats_kv: cannot watch ${this.conf.bucket} at ${describeNatsUrls(this.conf.urls)}: ${(e as Error).message}`);
    }
  }

  async read(): Promise<InputBatch | null> {
    for (;;) {
      const again = this.replay.shift();
      if (again) return this.batchOf(again);
      if (this.closing) return null;
      const entries = this.entries;
      if (!entries || !this.nc) throw new NotConnectedError(`nats_kv: not connected to ${describeNatsUrls(this.conf.urls)}`);
      this.pending ??= entries.next();
      const woken = new Promise<'replay'>((r) => (this.wakeReplay = () => r('replay')));
      const got = await Promise.race([this.pending, woken]);
      this.wakeReplay = undefined;
      if (got === 'replay') continue;
      this.pending = undefined;
      if (got.done) {
        if (this.closing) return null;
        this.entries = undefined;
        throw new NotConnectedError(`nats_kv: the watch on ${this.conf.bucket} ended`);
      }
      return this.batchOf([kvEntryToMessage(got.value, this.conf.meta_only)]);
    }
  }

  private batchOf(messages: Message[]): InputBatch {
    if (!this.conf.auto_replay_nacks) return { messages, ack: () => {} };
    const originals = messages.map((m) => m.copy());
    return {
      messages,
      ack: (err?: Error) => {
        if (!err) return;
        this.replay.push(originals.map((m) => m.copy()));
        this.wakeReplay?.();
      },
    };
  }

  private async dispose(): Promise<void> {
    const nc = this.nc;
    this.nc = undefined;
    this.watch?.stop();
    this.watch = undefined;
    this.entries = undefined;
    this.pending = undefined;
    await closeNatsConnection(nc);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.wakeReplay?.();
    await this.dispose();
  }
}
