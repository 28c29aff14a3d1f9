/**
 * Finding or creating the JetStream pull consumer a `nats_jetstream` input reads from.
 *
 * Benthos's semantics map onto one pull consumer: `durable` (or else `queue`) names a durable
 * consumer that every Sluice instance using the same name shares, so they split the work like a
 * queue group; without either, an ephemeral consumer is created and removed on close.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy, type Consumer, type ConsumerConfig, type ConsumerInfo, type JetStreamManager } from '@nats-io/jetstream';

export interface ConsumerWanted {
  subject?: string;
  stream?: string;
  durable?: string;
  queue?: string;
  bind?: boolean;
  deliver: string;
  ackWaitMs: number;
  maxAckPending: number;
}

export interface ResolvedConsumer {
  consumer: Consumer;
  jsm: JetStreamManager;
  stream: string;
  name: string;
  /** Created by us for this connection only: delete on close. */
  ephemeral: boolean;
}

const DELIVER: Record<string, DeliverPolicy> = {
  all: DeliverPolicy.All,
  last: DeliverPolicy.Last,
  last_per_subject: DeliverPolicy.LastPerSubject,
  new: DeliverPolicy.New,
};

export const DELIVER_OPTIONS = Object.keys(DELIVER);

/** Config problems Benthos reports at construction. */
export function checkConsumerConfig(w: ConsumerWanted): string | undefined {
  if (w.bind) {
    if (!w.stream || !(w.durable || w.queue)) return 'bind requires both stream and durable (or queue)';
  } else if (!w.subject && !w.stream) return 'either subject or stream must be specified';
  if (!(w.deliver in DELIVER)) return `deliver must be one of ${DELIVER_OPTIONS.join(', ')}`;
  return undefined;
}

function isNotFound(e: unknown): boolean {
  return (e as { code?: number }).code === 10014;
}

/** Bring an existing durable's adjustable settings in line with the config. */
async function reconcile(jsm: JetStreamManager, stream: string, info: ConsumerInfo, w: ConsumerWanted): Promise<void> {
  if (info.config.deliver_subject) throw new Error(`consumer ${info.name} on stream ${stream} is a push consumer; nats_jetstream needs a pull consumer (choose another durable name)`);
  const ackWaitNs = w.ackWaitMs * 1_000_000;
  if (info.config.ack_wait !== ackWaitNs || info.config.max_ack_pending !== w.maxAckPending) {
    await jsm.consumers.update(stream, info.name, { ack_wait: ackWaitNs, max_ack_pending: w.maxAckPending });
  }
}

export async function resolveConsumer(nc: NatsConnection, w: ConsumerWanted): Promise<ResolvedConsumer> {
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  let stream = w.stream;
  if (!stream) {
    try {
      stream = await jsm.streams.find(w.subject!);
    } catch (e) {
      throw new Error(`no stream holds subject ${w.subject}: ${(e as Error).message}`);
    }
  }
  const durable = w.durable || w.queue || undefined;
  if (w.bind) {
    const consumer = await js.consumers.get(stream, durable!);
    return { consumer, jsm, stream, name: durable!, ephemeral: false };
  }
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DELIVER[w.deliver]!,
    ack_wait: w.ackWaitMs * 1_000_000,
    max_ack_pending: w.maxAckPending,
  };
  if (w.subject) config.filter_subject = w.subject;
  if (durable) {
    config.durable_name = durable;
    let existing: ConsumerInfo | undefined;
    try {
      existing = await jsm.consumers.info(stream, durable);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (existing) await reconcile(jsm, stream, existing, w);
    else {
      try {
        await jsm.consumers.add(stream, config);
      } catch (e) {
        // Another instance created it first (servers >= 2.10 refuse a second create): use theirs.
        const again = await jsm.consumers.info(stream, durable).catch(() => undefined);
        if (!again) throw e;
        await reconcile(jsm, stream, again, w);
      }
    }
    return { consumer: await js.consumers.get(stream, durable), jsm, stream, name: durable, ephemeral: false };
  }
  // Ephemeral: the server removes it after a while without pulls, and we remove it on close.
  config.inactive_threshold = Math.max(w.ackWaitMs * 2, 30_000) * 1_000_000;
  const info = await jsm.consumers.add(stream, config);
  return { consumer: await js.consumers.get(stream, info.name), jsm, stream, name: info.name, ephemeral: true };
}
