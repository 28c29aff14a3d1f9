/**
 * The server's `max_payload` (1 MiB by default) as a permanent write error. The NATS client
 * throws a generic "max_payload size exceeded" from inside `publish`, halfway through a batch:
 * the messages before it were already sent (duplicates on retry), and the engine would retry the
 * same too-large message forever, holding a write slot. Checking the whole batch first lets the
 * output refuse it before anything is published, with an error that names the size and the
 * limit, and as a PermanentError so the batch is nacked (or routed by `fallback`) at once.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { PermanentError, type Batch } from '../../plugin/index.js';

/** Throws when a message of the batch is larger than the connected server accepts. */
export function checkMaxPayload(nc: NatsConnection, batch: Batch, component: string): void {
  const max = nc.info?.max_payload;
  if (max === undefined || max <= 0) return;
  for (let i = 0; i < batch.length; i++) {
    const size = batch[i]!.asBytes().byteLength;
    if (size > max) {
      throw new PermanentError(
        'E_MESSAGE_TOO_LARGE',
        `${component}: message ${i} of the batch is ${size} bytes, over the server's max_payload of ${max} bytes (raise max_payload on the server or route large messages elsewhere)`,
      );
    }
  }
}
