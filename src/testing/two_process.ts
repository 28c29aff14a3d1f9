/**
 * Two real `sluice run` processes consuming the same source as one group (Kafka consumer group,
 * NATS queue group, JetStream durable, AMQP queue, Redis consumer group, MQTT shared
 * subscription): each writes what it delivers to a file of its own, and the files tell whether
 * every message arrived, how the work was split, and how many came twice. Optionally one member
 * is SIGKILLed mid-way (and restarted when the source keeps its messages for it).
 *
 * Messages are JSON documents `{"seq": n}` with n = 1..total; the members' files hold one per line.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { stringify } from 'yaml';
import { spawnCli } from './cli.js';
import { deadPort } from './services.js';
import { waitFor } from './wait.js';

export type MemberName = 'a' | 'b';

export interface TwoProcessPlan {
  /** Used in the temporary directory's name. */
  name: string;
  /** Messages produced, numbered 1..total. */
  total: number;
  /** The input config (the value under `input:`) of each member. */
  input(member: MemberName): Record<string, unknown>;
  /** Publish messages seq first..first+count-1 to the source (called once both members are ready). */
  produce(first: number, count: number): Promise<void>;
  /** Per-message delay in the members' pipelines, so a kill lands mid-stream (default 1ms; '' for none). */
  delay?: string;
  /** max_in_flight of the members' file outputs (default 4). */
  sinkMaxInFlight?: number;
  /** SIGKILL member a once the members delivered this share of `total` between them. */
  killAt?: number;
  /** Called right after the kill (e.g. to record what the dead member left behind at the source). */
  afterKill?(): Promise<void>;
  /** Start member a again (same config) after the kill: for sources that keep its messages for it. */
  restartAfterKill?: boolean;
  /** Stop waiting for every message after this long (default 90 s). */
  timeoutMs?: number;
  /** Expect (and wait for) every message; false for at-most-once sources after a kill. */
  expectAll?: boolean;
  /** When expectAll is false: how long the deliveries must stand still before counting. */
  settleMs?: number;
}

export interface TwoProcessResult {
  /** Lines each member wrote (duplicates included). */
  delivered: Record<MemberName, number>;
  /** Distinct messages over both members. */
  unique: number;
  /** seqs that never arrived. */
  lost: number[];
  /** Deliveries beyond the first of each message. */
  duplicates: number;
  /** Lines member a had written when it was killed (kill runs only). */
  aAtKill?: number;
  /** Exit codes of the final SIGTERM shutdown (null when a member was killed and not restarted). */
  exitCodes: Record<MemberName, number | null>;
  /** Each member's stderr, for failure messages. */
  stderr: Record<MemberName, string>;
}

/** One running member: its process, its output file, and what it printed on stderr. */
class Member {
  child: ChildProcess | undefined;
  stderr = '';
  constructor(
    readonly name: MemberName,
    readonly config: string,
    readonly out: string,
    readonly port: number,
  ) {}

  start(): void {
    const child = spawnCli(['run', this.config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => {
      // Keep the tail only: a member that logs a lot must not fill the test's memory.
      this.stderr = (this.stderr + d.toString()).slice(-20_000);
    });
    this.child = child;
  }

  /** Resolves once /ready answers 200: the input is connected (subscribed) and the output open. */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child?.exitCode !== null) throw new Error(`member ${this.name} exited early (${this.child?.exitCode}): ${this.stderr}`);
      try {
        const res = await fetch(`http://127.0.0.1:${this.port}/ready`);
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`member ${this.name} not ready after ${timeoutMs}ms: ${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Complete lines only: the member may be half-way through writing the last one. */
  seqs(): number[] {
    if (!existsSync(this.out)) return [];
    const parts = readFileSync(this.out, 'utf8').split('\n');
    parts.pop();
    const out: number[] = [];
    for (const line of parts) if (line !== '') out.push((JSON.parse(line) as { seq: number }).seq);
    return out;
  }

  async stop(signal: NodeJS.Signals): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Run the plan; always stops both members and removes the temporary directory. */
export async function runTwoProcess(plan: TwoProcessPlan): Promise<TwoProcessResult> {
  const dir = mkdtempSync(join(tmpdir(), `sluice-tp-${plan.name}-`));
  const members: Member[] = [];
  for (const name of ['a', 'b'] as const) {
    const port = await deadPort();
    const out = join(dir, `${name}.jsonl`);
    const config = join(dir, `${name}.yaml`);
    writeFileSync(
      config,
      stringify({
        http: { enabled: true, address: `127.0.0.1:${port}` },
        input: plan.input(name),
        pipeline: { processors: plan.delay === '' ? [] : [{ sleep: { duration: plan.delay ?? '1ms' } }] },
        output: { file: { path: out, codec: 'lines', max_in_flight: plan.sinkMaxInFlight ?? 4 } },
        logger: { level: 'WARN' },
        shutdown_timeout: '10s',
      }),
    );
    members.push(new Member(name, config, out, port));
  }
  const [a, b] = members as [Member, Member];
  const distinct = (): number => new Set([...a.seqs(), ...b.seqs()]).size;
  const timeoutMs = plan.timeoutMs ?? 90_000;
  const result: Partial<TwoProcessResult> = {};
  try {
    a.start();
    b.start();
    await Promise.all([a.ready(), b.ready()]);
    const producing = plan.produce(1, plan.total);
    // Awaited below; until then a failure must not count as unhandled.
    producing.catch(() => {});
    if (plan.killAt !== undefined) {
      await waitFor(() => a.seqs().length > 0 && distinct() >= plan.total * plan.killAt!, timeoutMs, `${plan.killAt * 100}% of the messages before the kill`);
      await a.stop('SIGKILL');
      result.aAtKill = a.seqs().length;
      await plan.afterKill?.();
      if (plan.restartAfterKill) {
        a.start();
        await a.ready();
      }
    }
    await producing;
    if (plan.expectAll ?? true) {
      await waitFor(() => distinct() >= plan.total, timeoutMs, `all ${plan.total} messages over both members`);
    } else {
      // Nothing more will come once the counts stop moving.
      const settle = plan.settleMs ?? 2000;
      let last = -1;
      let since = Date.now();
      await waitFor(
        () => {
          const n = a.seqs().length + b.seqs().length;
          if (n !== last) [last, since] = [n, Date.now()];
          return Date.now() - since >= settle;
        },
        timeoutMs,
        'deliveries to stop',
      );
    }
  } catch (e) {
    await Promise.all([a.stop('SIGKILL'), b.stop('SIGKILL')]);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\nmember a stderr: ${a.stderr}\nmember b stderr: ${b.stderr}`, { cause: e });
  }
  const [ca, cb] = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
  result.exitCodes = { a: ca, b: cb };
  const sa = a.seqs();
  const sb = b.seqs();
  const seen = new Set([...sa, ...sb]);
  const lost: number[] = [];
  for (let i = 1; i <= plan.total; i++) if (!seen.has(i)) lost.push(i);
  const res: TwoProcessResult = {
    delivered: { a: sa.length, b: sb.length },
    unique: seen.size,
    lost,
    duplicates: sa.length + sb.length - seen.size,
    exitCodes: result.exitCodes!,
    stderr: { a: a.stderr, b: b.stderr },
    ...(result.aAtKill !== undefined ? { aAtKill: result.aAtKill } : {}),
  };
  rmSync(dir, { recursive: true, force: true });
  return res;
}

/** One line for the test log: the figures the report quotes. */
export function describeTwoProcess(name: string, r: TwoProcessResult): string {
  const kill = r.aAtKill !== undefined ? `, a killed after ${r.aAtKill} lines` : '';
  return `${name}: a=${r.delivered.a} b=${r.delivered.b} unique=${r.unique} lost=${r.lost.length} duplicates=${r.duplicates}${kill}`;
}
