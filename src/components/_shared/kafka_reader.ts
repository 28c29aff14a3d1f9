/**
 * The one implementation behind the `kafka` and `kafka_franz` inputs.
 *
 * Records arrive per partition from the client (kafka_client.ts) into a buffer per partition;
 * read() hands them out as batches of a single partition, round-robin over partitions, and at
 * most `checkpoint_limit` messages of a partition are out (handed out, not yet acknowledged) at
 * a time. A partition whose buffer holds `bufferCap` records is paused at the client, so memory
 * stays bounded while the pipeline is slow, and resumed once it drains.
 *
 * Delivery guarantee: offsets are committed only inside the acknowledgement path, and only up
 * to the lowest unacknowledged message of each partition (PartitionCheckpointer), every
 * `commit_period`, when a rebalance starts, and at close.
 *
 * Nacks (why replay in-process): Kafka cannot take one message back, and seeking the partition
 * back to a nacked offset would also re-fetch and re-send every later message that is in flight
 * or already delivered. Like Benthos, we keep each batch while it is out (`auto_replay_nacks:
 * true`), as the fetched records it was made of (processors may have changed the messages, and
 * records cost nothing more to keep, where copies of the messages would), and hand out fresh
 * messages made from them again after a nack, with a growing delay so a poison message cannot
 * spin (`kafka_lag` is then computed anew). Its ticket stays unreleased meanwhile, so the
 * committed offset stays below it: if the process stops before the replay is delivered, the
 * next consumer of the group starts at the nacked message (and re-reads what followed it). With
 * `auto_replay_nacks: false` a nack releases the ticket: the message is dropped, as in Benthos.
 *
 * Rebalances: when a rebalance starts we commit what is acknowledged. After the (re)join,
 * partitions no longer assigned are dropped at once: their buffered records are discarded (the
 * new owner reads them from the committed offset) and late acks for them are ignored, so we
 * never commit for a partition we do not own. Partitions we keep retain their state; the
 * client may fetch them again from the committed offset, and records below what we already
 * took are skipped, so nothing is handed out twice.
 */
import {
  Message,
  NotConnectedError,
  errorMessage,
  type AckFn,
  type Batch,
  type BatchPolicy,
  type InputBatch,
  type Resources,
} from '../../plugin/index.js';
import { createKafkaClient, type ClientSettings, type ConsumerSettings, type FetchedBatch, type KafkaClient, type KafkaConsumer, type KafkaRecord, type TopicPartition } from './kafka_client.js';
import { PartitionCheckpointer, type Ticket } from './kafka_checkpointer.js';
import type { ParsedTopics } from './kafka_topics.js';

export interface ReaderOptions {
  client: Omit<ClientSettings, 'logger'>;
  consumer: Omit<ConsumerSettings, 'subscription'>;
  topics: ParsedTopics;
  checkpointLimit: number;
  autoReplayNacks: boolean;
  commitPeriodMs: number;
  batchPolicy: BatchPolicy | undefined;
  /**
   * Without a batch policy: hand out what is buffered for a partition (up to the checkpoint
   * room) as one batch (kafka_franz), or one message per batch (kafka, as sarama's input does).
   */
  fetchedAsBatch: boolean;
  /** Records buffered per partition before it is paused. */
  bufferCap: number;
  multiHeader: boolean;
  /** Add `kafka_lag` metadata (the `kafka` input does). */
  lagMetadata: boolean;
}

interface Replay {
  /** Rebuilt into fresh messages when handed out again (what the pipeline got may have been changed). */
  records: KafkaRecord[];
  ticket: Ticket;
  notBefore: number;
  failures: number;
}

interface Forming {
  messages: Message[];
  records: KafkaRecord[];
  last: number;
  bytes: number;
  deadline: number;
  full: boolean;
}

class PartitionState {
  readonly key: string;
  /** Fetched records not yet handed out (a queue: `head` is the first live index). */
  buffer: KafkaRecord[] = [];
  head = 0;
  highWatermark = 0;
  readonly replays: Replay[] = [];
  forming: Forming | undefined;
  readonly cp = new PartitionCheckpointer();
  /** Records below this offset were taken already (re-fetches after a rebalance are skipped). */
  nextOffset: number | undefined;
  committed: number | undefined;
  paused = false;
  revoked = false;

  constructor(readonly tp: TopicPartition) {
    this.key = `${tp.topic}\u0000${tp.partition}`;
  }

  get buffered(): number {
    return this.buffer.length - this.head;
  }

  take(n: number): KafkaRecord[] {
    const out = this.buffer.slice(this.head, this.head + n);
    this.head += out.length;
    if (this.head === this.buffer.length) {
      this.buffer = [];
      this.head = 0;
    }
    return out;
  }
}

const tpKey = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

export class KafkaReader {
  private client: KafkaClient | undefined;
  private consumer: KafkaConsumer | undefined;
  private readonly states = new Map<string, PartitionState>();
  private order: PartitionState[] = [];
  private cursor = 0;
  private failed: Error | undefined;
  private closing = false;
  private waiter: (() => void) | undefined;
  /** Bumped by every notify(): a read that saw it change must look again instead of waiting. */
  private events = 0;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;
  private commitAgain = false;
  /** The last commit was refused (typically: the group is rebalancing until this member rejoins). */
  private commitFailed = false;
  /** Resolved by the next assignment (a close waiting to commit after a rejoin). */
  private onNextAssignment: (() => void) | undefined;
  /** Explicit start offsets not applied yet (applied on the first assignment of the partition). */
  private readonly startOffsets = new Map<string, number>();

  constructor(
    private readonly opts: ReaderOptions,
    private readonly res: Resources,
  ) {
    for (const e of opts.topics.explicit) if (e.offset !== undefined) this.startOffsets.set(tpKey(e), e.offset);
  }

  private get name(): string {
    return this.opts.client.component;
  }

  async connect(): Promise<void> {
    if (this.closing) return;
    await this.dropConsumer();
    this.failed = undefined;
    this.client ??= await createKafkaClient({ ...this.opts.client, logger: this.res.logger });
    const consumer = this.client.consumer({
      ...this.opts.consumer,
      subscription: { balanced: this.opts.topics.balanced, explicit: this.opts.topics.explicit.map(({ topic, partition }) => ({ topic, partition })) },
    });
    this.consumer = consumer;
    try {
      await consumer.start({
        onBatch: (b) => this.onBatch(consumer, b),
        onAssigned: (parts) => this.onAssigned(consumer, parts),
        onRevoking: () => void this.commitNow(),
        onFailed: (err) => {
          if (this.consumer !== consumer) return;
          this.failed = err;
          this.res.logger.error(`${this.name}: the consumer stopped: ${errorMessage(err)}`);
          this.notify();
        },
      });
    } catch (e) {
      this.consumer = undefined;
      await consumer.close().catch(() => {});
      throw e;
    }
    if (this.closing) {
      await this.dropConsumer();
      return;
    }
    if (!this.commitTimer && this.opts.consumer.groupId !== undefined && this.opts.commitPeriodMs > 0) {
      this.commitTimer = setInterval(() => void this.commitNow(), this.opts.commitPeriodMs);
      this.commitTimer.unref();
    }
  }

  async read(): Promise<InputBatch | null> {
    for (;;) {
      if (this.closing) return null;
      if (this.failed || !this.consumer) throw new NotConnectedError(`${this.name}: ${this.failed ? errorMessage(this.failed) : 'not connected'}`);
      const seen = this.events;
      const batch = this.next();
      if (batch) return this.opts.batchPolicy?.processors?.length ? this.withProcessors(batch) : batch;
      // Records or acks may have arrived while next() was settling: do not sleep through them.
      if (this.events !== seen) continue;
      await new Promise<void>((r) => (this.waiter = r));
    }
  }

  /**
   * The batches ready now, up to `max`, without waiting: the engine takes what was fetched in
   * one turn instead of one await per message. None with batch processors (they may await).
   */
  readReady(max: number): InputBatch[] {
    if (this.closing || this.failed || !this.consumer || this.opts.batchPolicy?.processors?.length) return NONE;
    let out: InputBatch[] | undefined;
    while ((out?.length ?? 0) < max) {
      const batch = this.next();
      if (!batch) break;
      (out ??= []).push(batch);
    }
    return out ?? NONE;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.notify();
    clearInterval(this.commitTimer);
    clearTimeout(this.wakeTimer);
    this.commitTimer = undefined;
    // Offsets are always committed during shutdown. A rebalance (another member leaving, say)
    // refuses commits until this member rejoined: wait for that, briefly, and commit again, so
    // a clean shutdown does not leave delivered messages to be read a second time.
    await this.commitNow();
    if (this.commitFailed && this.consumer && (await this.nextAssignment(Math.min(this.opts.consumer.sessionTimeoutMs, CLOSE_REJOIN_WAIT_MS)))) {
      await this.commitNow();
    }
    await this.dropConsumer();
  }

  // ---- consumer callbacks ----

  private onBatch(from: KafkaConsumer, batch: FetchedBatch): void {
    if (from !== this.consumer) return;
    const st = this.states.get(tpKey(batch));
    if (!st || st.revoked) return;
    st.highWatermark = batch.highWatermark;
    let records = batch.records;
    if (st.nextOffset !== undefined && records.length > 0 && records[0]!.offset < st.nextOffset) {
      const from = st.nextOffset;
      records = records.filter((r) => r.offset >= from);
    }
    if (records.length === 0) return;
    st.nextOffset = records[records.length - 1]!.offset + 1;
    if (st.buffered === 0) {
      st.buffer = records;
      st.head = 0;
    } else {
      for (const r of records) st.buffer.push(r);
    }
    if (!st.paused && st.buffered >= this.opts.bufferCap) {
      st.paused = true;
      from.pause([st.tp]);
    }
    this.notify();
  }

  private onAssigned(from: KafkaConsumer, parts: TopicPartition[]): void {
    if (from !== this.consumer) return;
    const waiting = this.onNextAssignment;
    this.onNextAssignment = undefined;
    // Resolved after the states below were updated (a waiting close commits what it still owns).
    if (waiting) queueMicrotask(waiting);
    const keep = new Set(parts.map(tpKey));
    for (const [key, st] of this.states) {
      if (keep.has(key)) continue;
      st.revoked = true;
      this.states.delete(key);
    }
    for (const tp of parts) {
      const key = tpKey(tp);
      const st = this.states.get(key);
      if (st) {
        // A restarted client forgets pauses: apply ours again.
        if (st.paused) from.pause([tp]);
        continue;
      }
      const fresh = new PartitionState(tp);
      this.states.set(key, fresh);
      // Clear a pause the client may remember from an earlier assignment of this partition.
      from.resume([tp]);
      const start = this.startOffsets.get(key);
      if (start !== undefined) {
        this.startOffsets.delete(key);
        from.seek(tp, start);
        fresh.nextOffset = start;
      }
    }
    this.order = [...this.states.values()];
    this.cursor = 0;
    this.res.logger.debug(`${this.name}: assigned ${parts.map((p) => `${p.topic}:${p.partition}`).join(', ') || 'no partitions'}`);
    this.notify();
  }

  // ---- handing out ----

  /** The next batch ready to go out (before batch processors), round-robin over partitions; null when none is. */
  private next(): InputBatch | null {
    const n = this.order.length;
    const now = Date.now();
    for (let i = 0; i < n; i++) {
      const st = this.order[(this.cursor + i) % n]!;
      const batch = this.fromPartition(st, now);
      if (!batch) continue;
      this.cursor = (this.cursor + i + 1) % n;
      return batch;
    }
    return null;
  }

  private fromPartition(st: PartitionState, now: number): InputBatch | null {
    const replay = st.replays[0];
    if (replay) {
      if (replay.notBefore <= now) {
        st.replays.shift();
        return this.handOut(st, replay.records, replay.records.map((r) => this.toMessage(r, st)), replay.ticket, replay.failures);
      }
      this.wakeBy(replay.notBefore);
    }
    if (st.cp.pending >= this.opts.checkpointLimit) return null;
    const policy = this.opts.batchPolicy;
    if (!policy) {
      if (st.buffered === 0) return null;
      const n = this.opts.fetchedAsBatch ? Math.min(st.buffered, this.opts.checkpointLimit - st.cp.pending) : 1;
      const records = st.take(n);
      this.maybeResume(st);
      const messages = n === 1 ? [this.toMessage(records[0]!, st)] : records.map((r) => this.toMessage(r, st));
      return this.handOut(st, records, messages, st.cp.track(records[records.length - 1]!.offset, records.length), 0);
    }
    // Batching: gather this partition's records until the policy says flush.
    while (st.buffered > 0 && !st.forming?.full) {
      const rec = st.take(1)[0]!;
      const msg = this.toMessage(rec, st);
      const f = (st.forming ??= { messages: [], records: [], last: rec.offset, bytes: 0, deadline: policy.periodMs > 0 ? now + policy.periodMs : Infinity, full: false });
      f.messages.push(msg);
      f.records.push(rec);
      f.last = rec.offset;
      if (policy.byteSize > 0) f.bytes += msg.byteLength;
      f.full =
        (policy.count > 0 && f.messages.length >= policy.count) ||
        (policy.byteSize > 0 && f.bytes >= policy.byteSize) ||
        (policy.check !== undefined && safeCheck(policy.check, f.messages, f.messages.length - 1));
    }
    this.maybeResume(st);
    const f = st.forming;
    if (!f) return null;
    if (!f.full && f.deadline > now) {
      this.wakeBy(f.deadline);
      return null;
    }
    st.forming = undefined;
    return this.handOut(st, f.records, f.messages, st.cp.track(f.last, f.messages.length), 0);
  }

  private maybeResume(st: PartitionState): void {
    if (st.paused && st.buffered < this.opts.bufferCap && !st.revoked) {
      st.paused = false;
      this.consumer?.resume([st.tp]);
    }
  }

  /** `records` are what `messages` were made from: a replay makes fresh messages from them. */
  private handOut(st: PartitionState, records: KafkaRecord[], messages: Message[], ticket: Ticket, failures: number): InputBatch {
    let settled = false;
    const ack: AckFn = (err?: Error) => {
      if (settled) return;
      settled = true;
      if (st.revoked) return; // not ours any more: the new owner reads it from the committed offset
      if (err && this.opts.autoReplayNacks) {
        st.replays.push({ records, ticket, notBefore: Date.now() + Math.min(1000, 10 * 2 ** failures), failures: failures + 1 });
        this.notify();
        return;
      }
      if (err) this.res.logger.warn(`${this.name}: dropping ${messages.length} nacked message(s) of ${st.tp.topic}:${st.tp.partition} (auto_replay_nacks is off): ${err.message}`);
      st.cp.release(ticket);
      this.notify();
    };
    return { messages, ack };
  }

  private async withProcessors(batch: InputBatch): Promise<InputBatch> {
    // Benthos flushes whatever the batch processors produce as one batch; an empty one is
    // acknowledged by the engine as dropped on purpose.
    const out = (await this.res.runProcessors(this.opts.batchPolicy!.processors!, batch.messages)).flat();
    return { messages: out, ack: batch.ack };
  }

  private toMessage(r: KafkaRecord, st: PartitionState): Message {
    const meta = new Map<string, unknown>();
    if (this.opts.multiHeader) {
      for (const [k, v] of r.headers) {
        const list = meta.get(k);
        if (Array.isArray(list)) list.push(v.toString());
        else meta.set(k, [v.toString()]);
      }
    } else {
      for (const [k, v] of r.headers) meta.set(k, v.toString());
    }
    meta.set('kafka_key', r.key === null ? '' : r.key.toString());
    meta.set('kafka_topic', r.topic);
    meta.set('kafka_partition', r.partition);
    meta.set('kafka_offset', r.offset);
    if (this.opts.lagMetadata) meta.set('kafka_lag', Math.max(0, st.highWatermark - r.offset - 1));
    meta.set('kafka_timestamp_unix', Math.floor(r.timestampMs / 1000));
    meta.set('kafka_timestamp_unix_ms', r.timestampMs);
    meta.set('kafka_tombstone_message', r.value === null);
    return Message.fromBytes(r.value ?? EMPTY, meta);
  }

  // ---- waking the reader ----

  private notify(): void {
    this.events++;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private wakeBy(at: number): void {
    if (at >= this.wakeAt) return;
    clearTimeout(this.wakeTimer);
    this.wakeAt = at;
    this.wakeTimer = setTimeout(
      () => {
        this.wakeAt = Infinity;
        this.notify();
      },
      Math.max(0, at - Date.now()),
    );
  }

  // ---- committing ----

  /** Commit every partition whose committable offset moved; one commit at a time. */
  commitNow(): Promise<void> {
    if (this.opts.consumer.groupId === undefined) return Promise.resolve();
    if (this.committing) {
      this.commitAgain = true;
      return this.committing;
    }
    this.committing = this.commitLoop().finally(() => (this.committing = undefined));
    return this.committing;
  }

  private async commitLoop(): Promise<void> {
    do {
      this.commitAgain = false;
      const consumer = this.consumer;
      if (!consumer) return;
      const offsets: Array<TopicPartition & { offset: number }> = [];
      const states: Array<[PartitionState, number]> = [];
      for (const st of this.states.values()) {
        const at = st.cp.committable();
        if (at === undefined || at === st.committed) continue;
        offsets.push({ ...st.tp, offset: at });
        states.push([st, at]);
      }
      if (offsets.length === 0) continue;
      try {
        await consumer.commit(offsets);
        for (const [st, at] of states) st.committed = at;
        this.commitFailed = false;
      } catch (e) {
        this.commitFailed = true;
        this.res.logger.warn(`${this.name}: failed to commit offsets: ${errorMessage(e)}`);
        return;
      }
    } while (this.commitAgain);
  }

  /** Whether the group assigned partitions again within `ms`. */
  private nextAssignment(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onNextAssignment = undefined;
        resolve(false);
      }, ms);
      this.onNextAssignment = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  private async dropConsumer(): Promise<void> {
    const c = this.consumer;
    this.consumer = undefined;
    for (const st of this.states.values()) st.revoked = true;
    this.states.clear();
    this.order = [];
    if (c) {
      try {
        await c.close();
      } catch (e) {
        this.res.logger.warn(`${this.name}: closing the consumer failed: ${errorMessage(e)}`);
      }
    }
  }

  /** For tests: the committed offset of a partition as this reader last stored it. */
  committedOffset(topic: string, partition: number): number | undefined {
    return this.states.get(tpKey({ topic, partition }))?.committed;
  }
}

const EMPTY = Buffer.alloc(0);
/** How long a close waits for a rejoin to commit after a refused commit (bounded by the session timeout). */
const CLOSE_REJOIN_WAIT_MS = 5000;
const NONE: InputBatch[] = [];

/** The default (empty) `batching` object sets no limit at all: that is no policy. */
export function activeBatchPolicy(p: BatchPolicy | undefined): BatchPolicy | undefined {
  if (!p) return undefined;
  return p.count > 0 || p.byteSize > 0 || p.periodMs > 0 || p.check !== undefined || (p.processors?.length ?? 0) > 0 ? p : undefined;
}

function safeCheck(check: (b: Batch, i: number) => boolean, batch: Batch, i: number): boolean {
  try {
    return check(batch, i);
  } catch {
    return false;
  }
}
