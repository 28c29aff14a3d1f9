/**
 * Process control for fault tests (RELIABILITY.md §2.1 "Process control"): run `sluice run
 * <config>` as a child with a temp config, keep its logs, signal it (SIGKILL / SIGTERM / SIGSTOP)
 * at seeded random points measured by sink progress, wait for its exit with code and duration,
 * and restart it with the same config.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, createWriteStream, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from '../cli.js';

// ---------------------------------------------------------------------------------------------
// Tiers

export type TierName = 'smoke' | 'nightly' | 'full';

export interface Tier {
  name: TierName;
  /** Messages per test. */
  n: number;
  /** Kills (or bounces) per test. */
  kills: number;
}

/**
 * FAULT_TIER=smoke (default: 10,000 messages, 1 kill per test) or full/nightly (the plan's
 * numbers: 100,000 messages and each test's own kill count, given as `fullKills`).
 * FAULT_N overrides N for quick local runs.
 */
export function tier(fullKills = 3): Tier {
  const raw = (process.env.FAULT_TIER ?? 'smoke').toLowerCase();
  const name: TierName = raw === 'full' ? 'full' : raw === 'nightly' ? 'nightly' : 'smoke';
  const n = Number(process.env.FAULT_N ?? (name === 'smoke' ? 10_000 : 100_000));
  return { name, n, kills: name === 'smoke' ? 1 : fullKills };
}

// ---------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a small deterministic PRNG, so a failing run can be replayed with its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: FAULT_SEED, or a fresh one (printed by the tests so it can be replayed). */
export function runSeed(): number {
  const s = process.env.FAULT_SEED;
  return s !== undefined && s !== '' ? Number(s) : Math.floor(Math.random() * 2 ** 31);
}

/**
 * `count` fault points, ascending, drawn from [10%, 90%] of `n` (the plan's range) and spread so
 * that each lands in its own slice of that range (two kills at nearly the same point would test
 * nothing more than one).
 */
export function faultPoints(n: number, count: number, rand: () => number): number[] {
  const lo = n * 0.1;
  const span = (n * 0.8) / count;
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.floor(lo + span * i + rand() * span));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The child process

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When it exited (Date.now()). */
  at: number;
}

export interface SluiceProcessOptions {
  /** The config, as YAML text or as an object (written as JSON, which is YAML). */
  config: string | object;
  /** A short name for the temp dir and log file. */
  name: string;
  env?: NodeJS.ProcessEnv;
  /** Extra arguments after `run <config>`. */
  args?: string[];
}

const LOG_KEEP = 256 * 1024;

/**
 * One `sluice run` child. `restart()` starts a fresh child with the same config; logs of every
 * generation go to the same file (`logPath`) and the in-memory tail (`logs`).
 */
export class SluiceProcess {
  readonly dir: string;
  readonly configPath: string;
  readonly logPath: string;
  private child!: ChildProcess;
  private exitPromise!: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private readonly logStream: WriteStream;
  private logTail = '';
  /** Logs of the current generation only. */
  private genLogs = '';
  /** How many times the child was started. */
  generation = 0;
  startedAt = 0;
  signalledAt = 0;

  private constructor(private readonly opts: SluiceProcessOptions) {
    this.dir = mkdtempSync(join(tmpdir(), `sluice-fault-${opts.name}-`));
    this.configPath = join(this.dir, 'config.yaml');
    this.logPath = join(this.dir, 'sluice.log');
    const text = typeof opts.config === 'string' ? opts.config : JSON.stringify(opts.config, null, 2);
    writeFileSync(this.configPath, text);
    this.logStream = createWriteStream(this.logPath, { flags: 'a' });
  }

  static start(opts: SluiceProcessOptions): SluiceProcess {
    const p = new SluiceProcess(opts);
    p.spawnChild();
    return p;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last 256 KiB of logs, every generation. */
  get logs(): string {
    return this.logTail;
  }

  /** Logs of the running (or last) generation. */
  get currentLogs(): string {
    return this.genLogs;
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  private spawnChild(): void {
    this.generation++;
    this.exitInfo = undefined;
    this.genLogs = '';
    this.signalledAt = 0;
    this.startedAt = Date.now();
    const child = spawn(process.execPath, [resolve(repoRoot, 'bin/sluice.js'), 'run', this.configPath, ...(this.opts.args ?? [])], {
      cwd: repoRoot,
      env: { ...process.env, ...this.opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const onData = (d: Buffer): void => {
      const s = d.toString();
      this.logStream.write(s);
      this.genLogs += s;
      if (this.genLogs.length > LOG_KEEP * 2) this.genLogs = this.genLogs.slice(-LOG_KEEP);
      this.logTail += s;
      if (this.logTail.length > LOG_KEEP * 2) this.logTail = this.logTail.slice(-LOG_KEEP);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.logStream.write(`--- generation ${this.generation} started ${new Date().toISOString()} pid ${child.pid}\n`);
    this.exitPromise = new Promise<ExitInfo>((res) => {
      child.once('error', (e) => {
        onData(Buffer.from(`spawn error: ${e.message}\n`));
      });
      child.once('close', (code, signal) => {
        const info = { code, signal, at: Date.now() };
        this.exitInfo = info;
        this.logStream.write(`--- generation ${this.generation} exited code=${code} signal=${signal}\n`);
        res(info);
      });
    });
  }

  /** Send a signal now and remember when (for shutdown durations). */
  signal(sig: NodeJS.Signals): void {
    if (!this.running) return;
    this.signalledAt = Date.now();
    this.child.kill(sig);
  }

  /** Wait for the child to exit; throws (after SIGKILLing it) when it takes longer than timeoutMs. */
  async waitExit(timeoutMs = 30_000): Promise<ExitInfo & { durationMs: number }> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    const r = await Promise.race([this.exitPromise, timeout]);
    clearTimeout(timer);
    if (r === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exitPromise;
      throw new Error(`sluice (${this.opts.name}) did not exit within ${timeoutMs} ms; log tail:\n${this.genLogs.slice(-3000)}`);
    }
    return { ...r, durationMs: this.signalledAt > 0 ? r.at - this.signalledAt : r.at - this.startedAt };
  }

  /** Signal and wait for the exit. */
  async stop(sig: NodeJS.Signals = 'SIGTERM', timeoutMs = 30_000): Promise<ExitInfo & { durationMs: number }> {
    this.signal(sig);
    return this.waitExit(timeoutMs);
  }

  /**
   * Start a new generation (the previous one must have exited), with the same config or a new
   * one (e.g. a new consumer name).
   */
  restart(config?: string | object): void {
    if (this.running) throw new Error('restart: the previous sluice process is still running');
    if (config !== undefined) writeFileSync(this.configPath, typeof config === 'string' ? config : JSON.stringify(config, null, 2));
    this.spawnChild();
  }

  /** Kill whatever runs and remove the temp dir (keeps it when KEEP_FAULT_DIRS is set). */
  async dispose(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGKILL');
      await this.exitPromise;
    }
    await new Promise<void>((r) => this.logStream.end(() => r()));
    if (!process.env.KEEP_FAULT_DIRS) rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Progress-driven faults

export type Progress = () => Promise<number>;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Poll `progress` (a sink count) until it reaches `target`; throws when it has not moved for
 * `stallMs` (a hang) or the process exited meanwhile.
 */
export async function waitForProgress(progress: Progress, target: number, opts: { proc?: SluiceProcess; stallMs?: number; pollMs?: number; what?: string } = {}): Promise<number> {
  const stallMs = opts.stallMs ?? 30_000;
  let last = -1;
  let lastMoved = Date.now();
  for (;;) {
    const v = await progress();
    if (v >= target) return v;
    if (v !== last) {
      last = v;
      lastMoved = Date.now();
    }
    if (opts.proc && !opts.proc.running) throw new Error(`${opts.what ?? 'progress'}: sluice exited at ${v}/${target}; log tail:\n${opts.proc.currentLogs.slice(-3000)}`);
    if (Date.now() - lastMoved > stallMs) throw new Error(`${opts.what ?? 'progress'}: stalled at ${v}/${target} for ${stallMs} ms${opts.proc ? `; log tail:\n${opts.proc.currentLogs.slice(-3000)}` : ''}`);
    await sleep(opts.pollMs ?? 25);
  }
}

/**
 * Time from now until `progress` exceeds `baseline` (consumption resumed after a restart).
 * Throws after timeoutMs.
 */
export async function measureResume(progress: Progress, baseline: number, timeoutMs: number, proc?: SluiceProcess): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if ((await progress()) > baseline) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`no progress past ${baseline} within ${timeoutMs} ms after restart${proc ? `; log tail:\n${proc.currentLogs.slice(-3000)}` : ''}`);
    if (proc && !proc.running) throw new Error(`sluice exited before resuming; log tail:\n${proc.currentLogs.slice(-3000)}`);
    await sleep(25);
  }
}

export interface KillCycle {
  /** Sink progress when the signal was sent. */
  atProgress: number;
  signal: NodeJS.Signals;
  exit: ExitInfo & { durationMs: number };
  /** ms from restart to the first progress beyond the count at restart. */
  resumeMs?: number;
  /** Logs of the generation that received the signal. */
  logs: string;
}

/**
 * The kill/restart loop of F1–F4: for each fault point, wait until the sink has `point`
 * messages, send `signal`, wait for the exit, pause `restartDelayMs`, restart, and measure the
 * time until the sink moves again. Returns one record per cycle.
 */
export async function faultCycles(
  proc: SluiceProcess,
  progress: Progress,
  points: number[],
  opts: {
    signal: NodeJS.Signals;
    restartDelayMs?: number;
    resumeTimeoutMs?: number;
    exitTimeoutMs?: number;
    total?: number;
    /** The config of the restart after fault `i` (undefined: unchanged). */
    restartConfig?: (i: number) => object | undefined;
    /** Runs once fault point `i` is reached, just before the signal (e.g. to snapshot the sink). */
    beforeSignal?: (i: number) => Promise<void>;
  },
): Promise<KillCycle[]> {
  const cycles: KillCycle[] = [];
  for (const [i, point] of points.entries()) {
    await waitForProgress(progress, point, { proc, what: `waiting for ${point} messages before ${opts.signal}` });
    await opts.beforeSignal?.(i);
    const atProgress = await progress();
    proc.signal(opts.signal);
    const exit = await proc.waitExit(opts.exitTimeoutMs ?? 30_000);
    const logs = proc.currentLogs;
    await sleep(opts.restartDelayMs ?? 0);
    const before = await progress();
    proc.restart(opts.restartConfig?.(i));
    let resumeMs: number | undefined;
    // Nothing left to consume means nothing to resume: only measure when work remains.
    if (opts.total === undefined || before < opts.total) resumeMs = await measureResume(progress, before, opts.resumeTimeoutMs ?? 60_000, proc);
    cycles.push({ atProgress, signal: opts.signal, exit, resumeMs, logs });
  }
  return cycles;
}
