/**
 * Open file descriptors of the `file` output, one per path, kept open between writes (opening a
 * file per message would cost two extra syscalls each). Handles unused for `idleMs` are closed,
 * and the least recently used one is closed when more than `maxOpen` are open.
 *
 * Writes to one path are chained, so they reach the file in the order they were asked for even
 * when several batches are in flight; a write resolves once its bytes are in the file (the
 * write returned or its callback fired; no fsync). Small writes are synchronous while the disk
 * answers fast, which is several times quicker than the thread pool for one line per message.
 */
import { open, write, writeSync, close, mkdir, constants as fsConstants } from 'node:fs';
import { dirname } from 'node:path';

/** New directories 0755 and files 0644: safer than Benthos's 0777 / 0666 (both minus umask). */
export const DIR_MODE = 0o755;
export const FILE_MODE = 0o644;

/** Writes up to this size are done synchronously when nothing else is queued on the file. */
const SYNC_WRITE_MAX = 64 * 1024;
/**
 * Synchronous writes slower than this (a few, so one descheduling of the process does not count)
 * switch the pool to asynchronous writes for a while, so a slow file system (network mount,
 * saturated disk) cannot stall the event loop; then synchronous writes are tried again.
 */
const SLOW_SYNC_WRITE_MS = 20;
const SLOW_WRITES_TO_SWITCH = 3;
const ASYNC_COOLDOWN_MS = 10_000;

interface Handle {
  fd: number;
  lastUsed: number;
  /** The last write queued on this handle. */
  tail: Promise<void>;
  pending: number;
}

export interface HandlePoolOptions {
  idleMs: number;
  maxOpen: number;
  /** Refuse a symbolic link as the final path component (used with base_dir). */
  noFollow: boolean;
}

export class FileHandlePool {
  private readonly handles = new Map<string, Handle>();
  private readonly opening = new Map<string, Promise<Handle>>();
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  /** After slow synchronous writes, every write goes through the thread pool until this time. */
  private asyncUntil = 0;
  private slowWrites = 0;

  constructor(private readonly opts: HandlePoolOptions) {
    this.timer = setInterval(() => this.closeIdle(), Math.max(50, Math.min(opts.idleMs, 5000)));
    this.timer.unref();
  }

  /** Append `data` to the file at `path` (created with its directories when missing). */
  async append(path: string, data: Buffer): Promise<void> {
    let h = this.handles.get(path);
    while (!h) {
      // Another open may have evicted the fresh handle before we got to use it: open again.
      const opened = await this.openHandle(path);
      if (this.handles.get(path) === opened) h = opened;
    }
    h.lastUsed = Date.now();
    if (h.pending === 0 && data.length <= SYNC_WRITE_MAX && this.syncAllowed()) {
      // Nothing queued on this file: a small write into the page cache takes microseconds, far
      // less than a round trip through libuv's thread pool (tens of microseconds per message).
      const start = performance.now();
      try {
        writeAllSync(h.fd, data);
      } catch (e) {
        this.drop(path, h);
        throw e;
      }
      if (performance.now() - start > SLOW_SYNC_WRITE_MS && ++this.slowWrites >= SLOW_WRITES_TO_SWITCH) {
        this.asyncUntil = Date.now() + ASYNC_COOLDOWN_MS;
        this.slowWrites = 0;
      }
      return;
    }
    h.pending++;
    const done = h.tail.then(() => writeAll(h.fd, data));
    h.tail = done.catch(() => {});
    try {
      await done;
    } catch (e) {
      // A failed descriptor (disk removed, file system full) is reopened on the next write.
      this.drop(path, h);
      throw e;
    } finally {
      h.pending--;
      h.lastUsed = Date.now();
    }
  }

  /** Replace the whole file at `path` with `data` (the `all-bytes` codec): no handle is kept. */
  async replace(path: string, data: Buffer): Promise<void> {
    await mkdirp(dirname(path));
    const fd = await openFd(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | this.noFollowFlag());
    try {
      await writeAll(fd, data);
    } finally {
      await closeFd(fd);
    }
  }

  private syncAllowed(): boolean {
    return this.asyncUntil === 0 || Date.now() >= this.asyncUntil;
  }

  get openCount(): number {
    return this.handles.size;
  }

  private noFollowFlag(): number {
    return this.opts.noFollow ? fsConstants.O_NOFOLLOW : 0;
  }

  private openHandle(path: string): Promise<Handle> {
    let p = this.opening.get(path);
    if (!p) {
      p = (async () => {
        await mkdirp(dirname(path));
        const fd = await openFd(path, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_APPEND | this.noFollowFlag());
        const h: Handle = { fd, lastUsed: Date.now(), tail: Promise.resolve(), pending: 0 };
        if (this.closed) {
          await closeFd(fd);
          throw new Error('file output is closed');
        }
        this.handles.set(path, h);
        this.evictOverLimit();
        return h;
      })().finally(() => this.opening.delete(path));
      this.opening.set(path, p);
    }
    return p;
  }

  private evictOverLimit(): void {
    while (this.handles.size > this.opts.maxOpen) {
      let oldestPath: string | undefined;
      let oldest = Infinity;
      for (const [p, h] of this.handles) {
        if (h.pending === 0 && h.lastUsed < oldest) {
          oldest = h.lastUsed;
          oldestPath = p;
        }
      }
      if (oldestPath === undefined) return;
      this.drop(oldestPath, this.handles.get(oldestPath)!);
    }
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.opts.idleMs;
    for (const [p, h] of this.handles) {
      if (h.pending === 0 && h.lastUsed <= cutoff) this.drop(p, h);
    }
  }

  /** Forget a handle and close its descriptor once its queued writes are done. */
  private drop(path: string, h: Handle): void {
    if (this.handles.get(path) === h) this.handles.delete(path);
    void h.tail.then(() => closeFd(h.fd)).catch(() => {});
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    const all = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(all.map((h) => h.tail.then(() => closeFd(h.fd)).catch(() => {})));
  }
}

function mkdirp(dir: string): Promise<void> {
  return new Promise((resolve, reject) => mkdir(dir, { recursive: true, mode: DIR_MODE }, (err) => (err ? reject(err) : resolve())));
}

function openFd(path: string, flags: number): Promise<number> {
  return new Promise((resolve, reject) =>
    open(path, flags, FILE_MODE, (err, fd) => {
      if (!err) return resolve(fd);
      if (err.code === 'ELOOP') {
        reject(new Error(`file output: refusing to write ${JSON.stringify(path)}: it is a symbolic link`));
      } else reject(err);
    }),
  );
}

function closeFd(fd: number): Promise<void> {
  return new Promise((resolve) => close(fd, () => resolve()));
}

function writeAllSync(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

/** Write every byte (a regular file may take fewer bytes than asked in one call). */
function writeAll(fd: number, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number): void => {
      if (offset >= data.length) return resolve();
      write(fd, data, offset, data.length - offset, null, (err, n) => {
        if (err) return reject(err);
        step(offset + n);
      });
    };
    step(0);
  });
}
