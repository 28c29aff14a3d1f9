/**
 * Keeps pending entries from being stranded in a consumer group's PEL (a Sluice extension to
 * Benthos's redis_streams input):
 *
 * - `claim()` takes over entries another consumer has held longer than `min_idle` without
 *   acknowledging them (it crashed, or was replaced under a new client_id), with XAUTOCLAIM.
 * - `heartbeat()` re-claims, to ourselves, the entries this consumer is still working on
 *   (XCLAIM ... JUSTID resets their idle time without counting a delivery), so a live but slow
 *   consumer does not lose its entries to another consumer's `claim()`.
 */
import { errorMessage, type Logger } from '../../plugin/index.js';
import type { RedisClient } from './redis_client.js';

/** A raw stream entry as Redis returns it: the ID and flat field/value pairs (null when deleted). */
export type RawEntry = [id: Buffer, fields: Buffer[] | null];

export class PendingClaimer {
  private readonly cursors = new Map<string, string>();
  private unsupported = false;

  constructor(
    private readonly group: string,
    private readonly consumer: string,
    private readonly minIdleMs: number,
    private readonly logger: Logger,
  ) {}

  /** Entries of `stream` idle longer than min_idle, now owned by this consumer (at most `count`). */
  async claim(client: RedisClient, stream: string, count: number): Promise<RawEntry[]> {
    if (this.unsupported) return [];
    const cursor = this.cursors.get(stream) ?? '0-0';
    let reply: unknown;
    try {
      reply = await client.callBuffer('XAUTOCLAIM', stream, this.group, this.consumer, String(this.minIdleMs), cursor, 'COUNT', String(count));
    } catch (e) {
      if (/unknown command/i.test(errorMessage(e))) {
        this.unsupported = true;
        this.logger.warn('redis_streams: this Redis has no XAUTOCLAIM (6.2+); pending entries of other consumers are not claimed');
        return [];
      }
      throw e;
    }
    const [next, entries] = reply as [Buffer, RawEntry[]];
    // A cursor of 0-0 means the scan of the PEL went round; start over next time.
    this.cursors.set(stream, next.toString());
    return entries ?? [];
  }

  /** Reset the idle time of the entries we hold, so no other consumer claims them. */
  async heartbeat(client: RedisClient, held: Map<string, Set<string>>): Promise<void> {
    for (const [stream, ids] of held) {
      if (ids.size === 0) continue;
      const all = [...ids];
      for (let i = 0; i < all.length; i += 500) {
        await client.call('XCLAIM', stream, this.group, this.consumer, '0', ...all.slice(i, i + 500), 'JUSTID');
      }
    }
  }
}
