/**
 * Merges several inputs into one stream of batches: one reader per child, each reading its next
 * batch only once the previous one was taken, so a fast child cannot run ahead unboundedly.
 * Each batch keeps the child's own acknowledgement, so acks go back to where the batch came from.
 */
import { errorMessage, type Input, type InputBatch, type Logger } from '../../plugin/index.js';

interface Offer {
  batch: InputBatch;
  taken: () => void;
}

export class FanIn {
  private readonly offers: Offer[] = [];
  private takers: Array<(b: InputBatch | null) => void> = [];
  private running = 0;
  private started = false;
  private stopped = false;

  constructor(
    private readonly inputs: Input[],
    private readonly logger: Logger,
  ) {}

  /** The next batch from any child, or null once every child ended (or the fan-in stopped). */
  take(): Promise<InputBatch | null> {
    this.start();
    const offer = this.offers.shift();
    if (offer) {
      offer.taken();
      return Promise.resolve(offer.batch);
    }
    if (this.running === 0 || this.stopped) return Promise.resolve(null);
    return new Promise((resolve) => this.takers.push(resolve));
  }

  /**
   * The reading side is closing: wake every waiting taker with null, and hand batches read but
   * never taken back to their sources (a nack), so sources that can redeliver them do.
   */
  stop(): void {
    this.stopped = true;
    for (const t of this.takers.splice(0)) t(null);
    for (const o of this.offers.splice(0)) {
      o.taken();
      this.giveBack(o.batch);
    }
  }

  private giveBack(batch: InputBatch): void {
    void (async () => batch.ack(new Error('broker input closed before the batch was read')))().catch(() => {});
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    this.running = this.inputs.length;
    this.inputs.forEach((input, i) => void this.pump(input, i));
  }

  private async pump(input: Input, index: number): Promise<void> {
    try {
      while (!this.stopped) {
        const batch = await input.read();
        if (batch === null) break;
        await this.offer(batch);
      }
    } catch (e) {
      this.logger.error(`child input ${index} failed: ${errorMessage(e)}`);
    } finally {
      this.running--;
      // The last child ended: whoever waits learns that the broker ended too.
      if (this.running === 0) for (const t of this.takers.splice(0)) t(null);
    }
  }

  private offer(batch: InputBatch): Promise<void> {
    if (this.stopped) {
      this.giveBack(batch);
      return Promise.resolve();
    }
    const taker = this.takers.shift();
    if (taker) {
      taker(batch);
      return Promise.resolve();
    }
    return new Promise((taken) => this.offers.push({ batch, taken }));
  }
}
