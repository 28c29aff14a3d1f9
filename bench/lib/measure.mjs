// Runs one benchmark process and measures it from the outside: wall time from spawn to exit and
// peak resident memory, sampled from /proc/<pid>/status (VmHWM is the kernel's own high-water mark,
// so sampling only has to catch the process before it exits, not at its peak).
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';

const SAMPLE_MS = 20;

/** KiB value of a field (VmHWM, VmRSS) of /proc/<pid>/status, or undefined once the process is gone. */
export function procStatusKiB(pid, field) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Run `cmd args` with stdout to /dev/null (the workload's sink) and stderr captured.
 * Resolves { wallMs, peakRssKiB, code, stderr }.
 */
export function runToDevNull(cmd, args, { env, timeoutMs = 600_000 } = {}) {
  const devnull = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', devnull, 'pipe'] });
  closeSync(devnull);
  let peak = 0;
  const sample = () => {
    const v = procStatusKiB(child.pid, 'VmHWM');
    if (v !== undefined && v > peak) peak = v;
  };
  const timer = setInterval(sample, SAMPLE_MS);
  sample();
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (stderr.length < 8192) stderr += d;
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearInterval(timer);
      clearTimeout(killer);
      resolve({ wallMs, peakRssKiB: peak, code: code ?? signal, stderr });
    });
  });
}

/**
 * Start a long-running process, note when its first stdout byte arrives, read its resident memory
 * after `idleAfterMs`, then stop it with SIGTERM. Resolves { firstMessageMs, idleRssKiB, peakRssKiB, code }.
 */
export function measureFootprint(cmd, args, { env, idleAfterMs = 2000 } = {}) {
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let firstMessageMs;
  let stderr = '';
  child.stdout.on('data', () => {
    firstMessageMs ??= Number(process.hrtime.bigint() - t0) / 1e6;
  });
  child.stderr.on('data', (d) => {
    if (stderr.length < 8192) stderr += d;
  });
  return new Promise((resolve, reject) => {
    let idleRssKiB;
    let peakRssKiB;
    child.on('error', reject);
    const probe = setTimeout(() => {
      idleRssKiB = procStatusKiB(child.pid, 'VmRSS');
      peakRssKiB = procStatusKiB(child.pid, 'VmHWM');
      child.kill('SIGTERM');
    }, idleAfterMs);
    const killer = setTimeout(() => child.kill('SIGKILL'), idleAfterMs + 10_000);
    child.on('exit', (code, signal) => {
      clearTimeout(probe);
      clearTimeout(killer);
      resolve({ firstMessageMs, idleRssKiB, peakRssKiB, code: code ?? signal, stderr });
    });
  });
}
