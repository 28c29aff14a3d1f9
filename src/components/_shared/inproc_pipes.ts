/**
 * Named in-process pipes shared by the `inproc` output (which writes) and the `inproc` input
 * (which reads), for connecting streams that run in the same process.
 *
 * A batch sent into a pipe waits until a reader takes it; the sender's promise settles with the
 * reader's acknowledgement, so delivery guarantees carry across streams. Several readers of one
 * pipe take batches in turn. Pipes live for the whole process, keyed by name.
 */
import { SluiceError, type AckFn, type Batch } from '../../plugin/index.js';

export interface InprocDelivery {
  messages: Batch;
  ack: AckFn;
}

interface Pending extends InprocDelivery {
  /** Fail the sender without a reader having taken it (the sender closed). */
  cancel(err: Error): void;
}

type Reader = (d: Pending | null) => void;

export class InprocPipe {
  private readonly queue: Pending[] = [];
  private readonly readers: Reader[] = [];

  constructor(readonly name: string) {}

  /**
   * Hand a batch to a reader. Resolves when the reader acknowledged it, rejects when the reader
   * nacked it or `signal` (the sender closing) aborts before any reader took it.
   */
  send(messages: Batch, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(new SluiceError('E_CLOSED', `inproc output "${this.name}" is closed`));
      let settled = false;
      const settle = (err?: Error): void => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const pending: Pending = {
        messages,
        ack: (err?: Error) => settle(err),
        cancel: (err) => settle(err),
      };
      const onAbort = (): void => {
        const at = this.queue.indexOf(pending);
        // Only a batch no reader has taken can be withdrawn; a taken one waits for its ack.
        if (at >= 0) {
          this.queue.splice(at, 1);
          pending.cancel(new SluiceError('E_CLOSED', `inproc output "${this.name}" closed before a reader took the batch`));
        }
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const reader = this.readers.shift();
      if (reader) reader(pending);
      else this.queue.push(pending);
    });
  }

  /** The next batch, or null once `signal` (the reader closing or the stream stopping) aborts. */
  receive(signal: AbortSignal): Promise<InprocDelivery | null> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const reader: Reader = (d) => {
        signal.removeEventListener('abort', onAbort);
        resolve(d);
      };
      const onAbort = (): void => {
        const at = this.readers.indexOf(reader);
        if (at >= 0) this.readers.splice(at, 1);
        resolve(null);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.readers.push(reader);
    });
  }
}

const pipes = new Map<string, InprocPipe>();

/** The pipe with this name, created on first use by either end. */
export function inprocPipe(name: string): InprocPipe {
  let p = pipes.get(name);
  if (!p) pipes.set(name, (p = new InprocPipe(name)));
  return p;
}
