/** Capped exponential backoff with jitter, as Benthos uses for reconnects and retries. */

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** Give up after this long in total (0: never). */
  maxElapsedMs?: number;
  multiplier?: number;
  /** Fraction of randomisation, 0..1. */
  jitter?: number;
}

export class Backoff {
  private attempt = 0;
  private startedAt = 0;
  constructor(private readonly opts: BackoffOptions) {}

  reset(): void {
    this.attempt = 0;
    this.startedAt = 0;
  }

  /** The next wait in ms, or -1 when maxElapsed is exceeded. */
  next(): number {
    const now = Date.now();
    if (this.attempt === 0) this.startedAt = now;
    const { initialMs, maxMs, maxElapsedMs = 0, multiplier = 2, jitter = 0.2 } = this.opts;
    if (maxElapsedMs > 0 && now - this.startedAt >= maxElapsedMs) return -1;
    const base = Math.min(maxMs, initialMs * multiplier ** this.attempt);
    this.attempt++;
    const spread = base * jitter;
    return Math.max(0, Math.min(maxMs, base - spread + Math.random() * 2 * spread));
  }

  get attempts(): number {
    return this.attempt;
  }
}

/** A sleep that an AbortSignal can cut short (resolves false when aborted). */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
