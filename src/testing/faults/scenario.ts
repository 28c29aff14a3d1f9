/**
 * The kill/restart scenario shared by F1–F4 and F17: start `sluice run` on a preloaded source,
 * send `signal` at seeded points of sink progress, restart after each exit, wait until every
 * expected message reached the sink (or progress stalls), stop cleanly, drain the sink and run
 * the checker. Source-side end checks (queue empty, PEL empty...) stay in the tests.
 */
import { check, describeCheck, type CheckResult } from './checker.js';
import { SluiceProcess, faultCycles, faultPoints, seededRandom, waitForProgress, type KillCycle, type ExitInfo } from './process.js';
import { settle, type FaultSink } from './sinks.js';
import type { PreloadResult } from './sources.js';

export interface KillScenarioOptions {
  name: string;
  config: object;
  sink: FaultSink;
  run: string;
  preload: PreloadResult;
  /** Fault points are drawn from [10%, 90%] of this many sink deliveries. */
  n: number;
  kills: number;
  seed: number;
  signal: NodeJS.Signals;
  restartDelayMs?: number;
  resumeTimeoutMs?: number;
  /**
   * A source still being fed while the pipeline runs (Kafka, see feedKafka): `preload` fills in
   * as it goes, and the final check waits for this first. `expectedCount` must then be given.
   */
  feeding?: Promise<void>;
  expectedCount?: number;
  /** Which acked seqs the pipeline should deliver (default all). */
  expect?: (seq: number) => boolean;
  /** No sink progress for this long while messages are missing counts as a hang. */
  stallMs?: number;
  env?: NodeJS.ProcessEnv;
  /** The config of the restart after fault `i` (undefined: unchanged). */
  restartConfig?: (i: number) => object | undefined;
  log?: (line: string) => void;
}

export interface KillScenarioResult {
  result: CheckResult;
  cycles: KillCycle[];
  /** The final clean stop (SIGTERM) after everything arrived. */
  finalStop: ExitInfo & { durationMs: number };
  points: number[];
  totalMs: number;
  logs: string;
  /**
   * Duplicates attributed to each fault: the growth of the dup count between one fault point and
   * the next (redeliveries come right after a restart, long before the next fault point).
   */
  dupPerFault: number[];
  /** Set when the sink stopped short of the expected count (the checker then shows what is lost). */
  stalled?: string;
}

export async function runKillScenario(o: KillScenarioOptions): Promise<KillScenarioResult> {
  const t0 = Date.now();
  const points = faultPoints(o.n, o.kills, seededRandom(o.seed));
  const expectFn = o.expect ?? (() => true);
  const expectedCount = o.expectedCount ?? o.preload.acked.filter(expectFn).length;
  const proc = SluiceProcess.start({ config: o.config, name: o.name, env: o.env });
  const checkNow = async (): Promise<CheckResult> =>
    check({ run: o.run, acked: o.preload.acked, unknown: o.preload.unknown, failed: o.preload.failed, received: await o.sink.drain(), expect: o.expect });
  // Cumulative dup count at each fault point after the first.
  const dupAt: number[] = [];
  try {
    const cycles = await faultCycles(proc, () => o.sink.progress(), points, {
      signal: o.signal,
      restartDelayMs: o.restartDelayMs ?? 2000,
      resumeTimeoutMs: o.resumeTimeoutMs ?? 60_000,
      total: expectedCount,
      restartConfig: o.restartConfig,
      beforeSignal: async (i) => {
        if (i > 0) dupAt.push((await checkNow()).dup);
      },
    });
    for (const c of cycles) o.log?.(`${o.signal} at ${c.atProgress}: exit code=${c.exit.code} signal=${c.exit.signal} after ${c.exit.durationMs} ms; resumed in ${c.resumeMs ?? '-'} ms`);

    if (o.feeding) await o.feeding;
    // Wait for every expected message. Deliveries include duplicates, so "count ≥ expected" is
    // only a first gate: check, and when something is missing keep waiting while the sink moves.
    let stalled: string | undefined;
    let target = o.expectedCount === undefined ? expectedCount : o.preload.acked.filter(expectFn).length;
    let result: CheckResult;
    for (;;) {
      try {
        await waitForProgress(() => o.sink.progress(), target, { proc, stallMs: o.stallMs ?? 20_000, what: `${o.name}: waiting for ${target} deliveries` });
      } catch (e) {
        stalled = (e as Error).message;
      }
      await settle(o.sink, 0, { quietMs: 1000, timeoutMs: 30_000 });
      result = await checkNow();
      if (result.lost === 0 || stalled !== undefined) break;
      target = result.received + result.lost;
    }
    const finalStop = await proc.stop('SIGTERM', 30_000);
    // Anything written during the final drain counts too.
    result = await checkNow();
    const marks = [0, ...dupAt, result.dup];
    const dupPerFault = cycles.map((_, i) => marks[i + 1]! - marks[i]!);
    o.log?.(`${o.name}: ${describeCheck(result)}; dup per fault ${dupPerFault.join(', ')}; final stop code=${finalStop.code} in ${finalStop.durationMs} ms; total ${Date.now() - t0} ms`);
    return { result, cycles, finalStop, points, totalMs: Date.now() - t0, logs: proc.logs, stalled, dupPerFault };
  } finally {
    await proc.dispose();
  }
}
