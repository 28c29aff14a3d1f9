/**
 * Batching for the `broker` input: batches from all children are combined until the policy's
 * count, byte size, period or check says flush. The combined batch acknowledges every batch it
 * was made of, each towards its own child.
 */
import type { AckFn, Batch, BatchPolicy, InputBatch, Message, Resources } from '../../plugin/index.js';

type Next = InputBatch | null | 'timeout';

export class InputBatcher {
  /** A read that lost a race with the period timer: its batch belongs to the next flush. */
  private pendingRead: Promise<InputBatch | null> | undefined;
  private ended = false;

  constructor(
    private readonly source: () => Promise<InputBatch | null>,
    private readonly policy: BatchPolicy,
    private readonly res: Resources,
  ) {}

  async read(): Promise<(InputBatch & { batches: Batch[] }) | null> {
    const p = this.policy;
    for (;;) {
      if (this.ended) return null;
      const messages: Message[] = [];
      const acks: AckFn[] = [];
      let bytes = 0;
      let deadline: number | undefined;
      let full = false;
      while (!full) {
        const next = await this.next(deadline === undefined ? undefined : deadline - Date.now());
        if (next === 'timeout') break;
        if (next === null) {
          this.ended = true;
          break;
        }
        acks.push(next.ack);
        for (const m of next.messages) {
          if (messages.length === 0 && p.periodMs > 0) deadline = Date.now() + p.periodMs;
          messages.push(m);
          if (p.byteSize > 0) bytes += m.byteLength;
          if (
            (p.count > 0 && messages.length >= p.count) ||
            (p.byteSize > 0 && bytes >= p.byteSize) ||
            (p.check !== undefined && safeCheck(p.check, messages, messages.length - 1))
          ) {
            full = true;
          }
        }
      }
      const ack = combineAcks(acks);
      // Batches that held no messages (all filtered by child processors) are done already.
      if (messages.length === 0) {
        await ack();
        continue;
      }
      if (!p.processors || p.processors.length === 0) return { messages, batches: [messages], ack };
      // Benthos flushes whatever the batch processors produce as one batch.
      const processed = (await this.res.runProcessors(p.processors, messages)).flat();
      return { messages: processed, batches: [processed], ack };
    }
  }

  private async next(timeoutMs: number | undefined): Promise<Next> {
    this.pendingRead ??= this.source();
    if (timeoutMs === undefined) return this.settle(await this.pendingRead);
    if (timeoutMs <= 0) return 'timeout';
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const r = await Promise.race([this.pendingRead, timedOut]);
    clearTimeout(timer);
    return r === 'timeout' ? r : this.settle(r);
  }

  private settle(r: InputBatch | null): InputBatch | null {
    this.pendingRead = undefined;
    return r;
  }
}

function combineAcks(acks: AckFn[]): AckFn {
  if (acks.length === 1) return acks[0]!;
  return async (err?: Error) => {
    await Promise.all(acks.map((a) => a(err)));
  };
}

function safeCheck(check: (b: Batch, i: number) => boolean, batch: Batch, i: number): boolean {
  try {
    return check(batch, i);
  } catch {
    return false;
  }
}
