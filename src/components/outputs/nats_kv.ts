/**
 * `nats_kv` output: put each message into a NATS KV bucket under an interpolated key. A write
 * resolves once JetStream stored every entry of the batch.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { KV } from '@nats-io/kv';
import { registerOutput, field, objectConfig, compileInterpolation, maxInFlightField, NotConnectedError, type Output, type Resources, type Batch } from '../../plugin/index.js';
import { natsUrlsField, natsTailFields, openNatsConnection, closeNatsConnection, describeNatsUrls, scrubNatsUrls, type NatsConnectionConfig } from '../_shared/nats_connection.js';
import { kvBucketField, openBucket } from '../_shared/nats_kv.js';

interface NatsKvOutputConfig extends NatsConnectionConfig {
  bucket: string;
  key: string;
  max_in_flight: number;
}

registerOutput(
  {
    name: 'nats_kv',
    summary: 'Put messages in a NATS key-value bucket.',
    description: 'The bucket must exist. The key is interpolated per message and must be a valid NATS KV key.',
    status: 'beta',
    categories: ['Services'],
    config: objectConfig([
      natsUrlsField(),
      kvBucketField(),
      field.interpolated('key', 'The key for each message.').examples('foo', 'foo.bar.baz', 'foo.${! json("meta.type") }'),
      maxInFlightField(1024),
      ...natsTailFields(),
    ]),
  },
  (conf: NatsKvOutputConfig, res: Resources): Output => {
    const key = compileInterpolation(conf.key);
    const where = describeNatsUrls(conf.urls);
    let nc: NatsConnection | undefined;
    let kv: KV | undefined;
    return {
      maxInFlight: conf.max_in_flight,
      async connect() {
        await closeNatsConnection(nc);
        nc = undefined;
        const c = await openNatsConnection(conf, res, 'nats_kv');
        try {
          kv = await openBucket(c, conf.bucket);
        } catch (e) {
          await closeNatsConnection(c, 1000);
          throw new Error(`nats_kv: ${(e as Error).message}`);
        }
        nc = c;
      },
      async write(batch: Batch) {
        const c = nc;
        const bucket = kv;
        if (!c || !bucket || c.isClosed()) throw new NotConnectedError(`nats_kv: not connected to ${where}`);
        const puts: Array<Promise<number>> = [];
        for (let i = 0; i < batch.length; i++) puts.push(bucket.put(key.render(batch, i), batch[i]!.asBytes()));
        const results = await Promise.allSettled(puts);
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (!failed) return;
        if (c.isClosed()) throw new NotConnectedError(`nats_kv: connection to ${where} closed`);
        throw new Error(`nats_kv: put into ${conf.bucket} failed: ${scrubNatsUrls((failed.reason as Error).message)}`);
      },
      async close() {
        await closeNatsConnection(nc);
        nc = undefined;
        kv = undefined;
      },
    };
  },
);
