/**
 * `nats` output: publish each message to a core NATS subject (interpolated per message), with
 * headers from the `headers` map and the metadata filter. A write resolves once the server has
 * processed the batch (a flush round trip), so the engine's retries cover a dropped connection.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { registerOutput, field, objectConfig, compileInterpolation, maxInFlightField, NotConnectedError, type Output, type Resources, type Batch } from '../../plugin/index.js';
import { natsUrlsField, natsTailFields, openNatsConnection, closeNatsConnection, describeNatsUrls, scrubNatsUrls, type NatsConnectionConfig } from '../_shared/nats_connection.js';
import { HeaderWriter, natsHeadersField, metadataFilterField, type MetadataFilterConfig } from '../_shared/nats_headers.js';
import { checkMaxPayload } from '../_shared/nats_payload_limit.js';

interface NatsOutputConfig extends NatsConnectionConfig {
  subject: string;
  headers: Record<string, string>;
  metadata: MetadataFilterConfig;
  max_in_flight: number;
}

registerOutput(
  {
    name: 'nats',
    summary: 'Publish to a NATS subject.',
    description:
      'Each message is published to `subject` (interpolated per message). Headers come from `headers` and from the metadata keys selected by `metadata`. A batch counts as delivered once the server answered a flush after it; core NATS has no per-message acknowledgement.',
    status: 'stable',
    categories: ['Services'],
    config: objectConfig([
      natsUrlsField(),
      field.interpolated('subject', 'The subject to publish to.').examples('foo.bar.baz'),
      natsHeadersField(),
      metadataFilterField(),
      maxInFlightField(64),
      ...natsTailFields(),
    ]),
  },
  (conf: NatsOutputConfig, res: Resources): Output => {
    const subject = compileInterpolation(conf.subject);
    const headers = new HeaderWriter(conf.headers, conf.metadata);
    const where = describeNatsUrls(conf.urls);
    let nc: NatsConnection | undefined;
    return {
      maxInFlight: conf.max_in_flight,
      async connect() {
        await closeNatsConnection(nc);
        nc = await openNatsConnection(conf, res, 'nats');
      },
      async write(batch: Batch) {
        const c = nc;
        if (!c || c.isClosed()) throw new NotConnectedError(`nats: not connected to ${where}`);
        checkMaxPayload(c, batch, 'nats');
        for (let i = 0; i < batch.length; i++) {
          const h = headers.build(batch, i);
          c.publish(subject.render(batch, i), batch[i]!.asBytes(), h ? { headers: h } : undefined);
        }
        try {
          await c.flush();
        } catch (e) {
          if (c.isClosed()) throw new NotConnectedError(`nats: connection to ${where} closed`);
          throw new Error(`nats: publishing failed: ${scrubNatsUrls((e as Error).message)}`);
        }
      },
      async close() {
        await closeNatsConnection(nc);
        nc = undefined;
      },
    };
  },
);
