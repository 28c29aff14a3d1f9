/**
 * MQTT 5 flow control for publishers: the server announces in CONNACK how many QoS 1/2 messages
 * it accepts unacknowledged from a client (Receive Maximum). Publishing more gets them refused
 * ("Quota exceeded") and retried; waiting for a free slot instead keeps the stream quiet and fast.
 */
export class SendQuota {
  private free: number;
  private readonly waiters: Array<() => void> = [];

  constructor(limit: number) {
    this.free = limit;
  }

  /** Resolves once a slot is free (at once while there is one). */
  acquire(): Promise<void> | undefined {
    if (this.free > 0) {
      this.free--;
      return undefined;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.free++;
  }

  /** Let every waiter through (the connection is gone; their publishes fail on their own). */
  releaseAll(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
