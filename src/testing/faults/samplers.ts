/**
 * Samples a child Sluice process every 250 ms (RELIABILITY.md §2.1 "Samplers"): RSS from
 * /proc/<pid>/status, open file descriptors from /proc/<pid>/fd, and V8 heapUsed and event-loop
 * lag from the child's /metrics when its HTTP server is on. Fault tests assert on the series:
 * RSS rise over a baseline, the RSS slope (least squares, MiB/min), fd growth.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';

export interface Sample {
  /** ms since the sampler started. */
  t: number;
  rssBytes?: number;
  fds?: number;
  heapUsedBytes?: number;
  heapTotalBytes?: number;
  /** Memory held outside the V8 heap by Buffers and other native objects. */
  externalBytes?: number;
  /** Longest event-loop stall since the previous scrape (seconds). */
  lagMaxSec?: number;
  lagP99Sec?: number;
}

export function readRss(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined; // the process is gone
  }
}

export function countFds(pid: number): number | undefined {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return undefined;
  }
}

/** Sockets of `pid` in CLOSE_WAIT (state 08 in /proc/net/tcp{,6}), matched by socket inode. */
export function countCloseWait(pid: number): number {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        /* closed meanwhile */
      }
    }
  } catch {
    return 0;
  }
  let n = 0;
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '08' && inodes.has(cols[9] ?? '')) n++;
    }
  }
  return n;
}

/** Parses the process gauges Sluice exports (see src/engine/process_metrics.ts). */
export function parseProcessMetrics(text: string): Pick<Sample, 'heapUsedBytes' | 'heapTotalBytes' | 'externalBytes' | 'lagMaxSec' | 'lagP99Sec'> {
  const get = (name: string): number | undefined => {
    const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  };
  return {
    heapUsedBytes: get('nodejs_heap_size_used_bytes'),
    heapTotalBytes: get('nodejs_heap_size_total_bytes'),
    externalBytes: get('nodejs_external_memory_bytes'),
    lagMaxSec: get('nodejs_eventloop_lag_max_seconds'),
    lagP99Sec: get('nodejs_eventloop_lag_p99_seconds'),
  };
}

export function fetchText(port: number, path: string, timeoutMs = 1000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve(Buffer.concat(parts).toString()));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export interface SamplerOptions {
  pid: number;
  /** The child's HTTP server port (for /metrics); omit when it has none. */
  metricsPort?: number;
  intervalMs?: number;
}

export class Sampler {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly start = Date.now();
  private scraping = false;

  constructor(private readonly opts: SamplerOptions) {}

  begin(): this {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.opts.intervalMs ?? 250);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const s: Sample = { t: Date.now() - this.start, rssBytes: readRss(this.opts.pid), fds: countFds(this.opts.pid) };
    this.samples.push(s);
    // A scrape still running (the child is stalled) is not stacked with another one.
    if (this.opts.metricsPort === undefined || this.scraping) return;
    this.scraping = true;
    void fetchText(this.opts.metricsPort, '/metrics').then((text) => {
      this.scraping = false;
      if (text) Object.assign(s, parseProcessMetrics(text));
    });
  }

  /** Samples taken at or after `fromMs` (ms since start), and before `toMs`. */
  window(fromMs = 0, toMs = Infinity): Sample[] {
    return this.samples.filter((s) => s.t >= fromMs && s.t < toMs);
  }

  /** Median RSS of the samples in a window (robust against a single GC spike). */
  medianRss(fromMs = 0, toMs = Infinity): number {
    return median(this.window(fromMs, toMs).flatMap((s) => (s.rssBytes === undefined ? [] : [s.rssBytes])));
  }

  maxRss(fromMs = 0, toMs = Infinity): number {
    return Math.max(0, ...this.window(fromMs, toMs).flatMap((s) => (s.rssBytes === undefined ? [] : [s.rssBytes])));
  }

  /** Least-squares slope of RSS over the window, in MiB per minute. */
  rssSlopeMiBPerMin(fromMs = 0, toMs = Infinity): number {
    const pts = this.window(fromMs, toMs).flatMap((s) => (s.rssBytes === undefined ? [] : [[s.t / 60_000, s.rssBytes / 2 ** 20] as const]));
    return slope(pts);
  }

  /**
   * Sustained RSS growth over a window in MiB: median of its last third minus median of its
   * first third. Unlike the slope of a short window, a single GC step or sawtooth barely moves
   * it; a leak moves it by its full size.
   */
  rssGrowthMiB(fromMs: number, toMs: number): number {
    const third = (toMs - fromMs) / 3;
    return (this.medianRss(toMs - third, toMs) - this.medianRss(fromMs, fromMs + third)) / MiB;
  }

  fds(fromMs = 0, toMs = Infinity): number[] {
    return this.window(fromMs, toMs).flatMap((s) => (s.fds === undefined ? [] : [s.fds]));
  }

  maxLagSec(fromMs = 0, toMs = Infinity): number {
    return Math.max(0, ...this.window(fromMs, toMs).flatMap((s) => (s.lagMaxSec === undefined ? [] : [s.lagMaxSec])));
  }
}

export function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Least-squares slope dy/dx of (x, y) points; 0 with fewer than two distinct x. */
export function slope(pts: ReadonlyArray<readonly [number, number]>): number {
  const n = pts.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of pts) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of pts) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export const MiB = 2 ** 20;
