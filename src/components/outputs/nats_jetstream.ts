/**
 * `nats_jetstream` output: publish to JetStream and resolve a write only once the stream
 * acknowledged every message of the batch (PubAck).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { registerOutput, field, objectConfig, compileInterpolation, maxInFlightField, NotConnectedError, type Output, type Resources, type Batch } from '../../plugin/index.js';
import { natsUrlsField, natsTailFields, openNatsConnection, closeNatsConnection, describeNatsUrls, scrubNatsUrls, type NatsConnectionConfig } from '../_shared/nats_connection.js';
import { HeaderWriter, natsHeadersField, metadataFilterField, type MetadataFilterConfig } from '../_shared/nats_headers.js';
import { checkMaxPayload } from '../_shared/nats_payload_limit.js';

interface JetStreamOutputConfig extends NatsConnectionConfig {
  subject: string;
  headers: Record<string, string>;
  metadata: MetadataFilterConfig;
  max_in_flight: number;
}

registerOutput(
  {
    name: 'nats_jetstream',
    summary: 'Write messages to a NATS JetStream subject.',
    description:
      'A batch counts as delivered once JetStream acknowledged (PubAck) every message in it. Headers come from `headers` and from the metadata keys selected by `metadata`.',
    status: 'stable',
    categories: ['Services'],
    config: objectConfig([
      natsUrlsField(),
      field.interpolated('subject', 'A subject to write to.').examples('foo.bar.baz', '${! metadata("kafka_topic") }', 'foo.${! json("meta.type") }'),
      natsHeadersField(),
      metadataFilterField(),
      maxInFlightField(1024),
      ...natsTailFields(),
    ]),
  },
  (conf: JetStreamOutputConfig, res: Resources): Output => {
    const subject = compileInterpolation(conf.subject);
    const headers = new HeaderWriter(conf.headers, conf.metadata);
    const where = describeNatsUrls(conf.urls);
    let nc: NatsConnection | undefined;
    let js: JetStreamClient | undefined;
    return {
      maxInFlight: conf.max_in_flight,
      async connect() {
        await closeNatsConnection(nc);
        nc = await openNatsConnection(conf, res, 'nats_jetstream');
        js = jetstream(nc);
      },
      async write(batch: Batch) {
        const c = nc;
        const client = js;
        if (!c || !client || c.isClosed()) throw new NotConnectedError(`nats_jetstream: not connected to ${where}`);
        checkMaxPayload(c, batch, 'nats_jetstream');
        const acks: Array<Promise<unknown>> = [];
        for (let i = 0; i < batch.length; i++) {
          const h = headers.build(batch, i);
          acks.push(client.publish(subject.render(batch, i), batch[i]!.asBytes(), h ? { headers: h } : undefined));
        }
        const results = await Promise.allSettled(acks);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (!failed) return;
        if (c.isClosed()) throw new NotConnectedError(`nats_jetstream: connection to ${where} closed`);
        const n = results.filter((r) => r.status === 'rejected').length;
        throw new Error(`nats_jetstream: ${n} of ${batch.length} message(s) not acknowledged: ${scrubNatsUrls((failed.reason as Error).message)}`);
      },
      async close() {
        await closeNatsConnection(nc);
        nc = undefined;
        js = undefined;
      },
    };
  },
);
