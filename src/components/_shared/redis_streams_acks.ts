/**
 * Gathers the stream entry IDs the engine acknowledged and sends them with XACK. Like Benthos,
 * acks go out every `commit_period` and at shutdown; Sluice also sends them as soon as `limit`
 * IDs are waiting, so a crash redelivers at most about two reads' worth of delivered entries
 * (the waiting IDs plus one XACK on the wire) whatever the throughput.
 *
 * One XACK round runs at a time; IDs acknowledged meanwhile go out in the next round.
 */
import { errorMessage, type Logger } from '../../plugin/index.js';
import type { RedisClient } from './redis_client.js';

export class StreamAcker {
  private gathered = new Map<string, string[]>();
  private count = 0;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly client: () => RedisClient | undefined,
    private readonly group: string,
    /** Send as soon as this many IDs are waiting (0: only on the timer). */
    private readonly threshold: number,
    /** Called with the IDs Redis confirmed. */
    private readonly onAcked: (stream: string, ids: string[]) => void,
    private readonly logger: Logger,
  ) {}

  get waiting(): number {
    return this.count;
  }

  add(stream: string, id: string): void {
    let ids = this.gathered.get(stream);
    if (!ids) this.gathered.set(stream, (ids = []));
    ids.push(id);
    this.count++;
    if (this.threshold > 0 && this.count >= this.threshold) void this.flush();
  }

  /** Send everything waiting; resolves once nothing is left (or Redis is unreachable). */
  flush(): Promise<void> {
    this.flushing ??= this.run().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async run(): Promise<void> {
    while (this.count > 0) {
      const client = this.client();
      if (!client || client.status !== 'ready') return; // kept for the next round after reconnecting
      const round = this.gathered;
      this.gathered = new Map();
      this.count = 0;
      const results = await Promise.allSettled([...round].map(([stream, ids]) => client.xack(stream, this.group, ...ids).then(() => [stream, ids] as const)));
      let failed = false;
      for (const [i, r] of results.entries()) {
        if (r.status === 'fulfilled') this.onAcked(r.value[0], r.value[1]);
        else {
          failed = true;
          const [stream, ids] = [...round][i]!;
          this.logger.error(`redis_streams: failed to acknowledge ${ids.length} entries of stream ${stream}: ${errorMessage(r.reason)}`);
          for (const id of ids) this.add(stream, id);
        }
      }
      if (failed) return;
    }
  }
}
