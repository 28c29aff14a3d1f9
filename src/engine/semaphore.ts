/** A counting semaphore whose fast path (a free slot) allocates nothing. */
export class Semaphore {
  private waiters: Array<() => void> = [];
  private used = 0;
  constructor(private readonly size: number) {}

  get inUse(): number {
    return this.used;
  }
  get free(): boolean {
    return this.used < this.size;
  }
  /** Slots that can be taken now without waiting. */
  get available(): number {
    return this.size - this.used;
  }

  /** null when acquired at once; otherwise a promise that resolves once acquired. */
  tryAcquire(): Promise<void> | null {
    if (this.used < this.size) {
      this.used++;
      return null;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.used--;
  }

  get waiting(): number {
    return this.waiters.length;
  }
}
