// Long-running child processes for the service workloads: Sluice (the compiled CLI) or a baseline
// script, with peak RSS sampled from /proc and a clean stop that reports how the process ended.
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { procStatusKiB } from './measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const sluiceBin = join(root, 'bin', 'sluice.js');

/** Write a config into a fresh temp dir and return its path. */
export function tempConfig(name, yaml) {
  const dir = mkdtempSync(join(tmpdir(), `sluice-bench-${name}-`));
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, yaml);
  return path;
}

/**
 * Start `node args...`; `peakRssMiB()` reads the kernel's high-water mark while it runs, `stop()`
 * sends SIGTERM (SIGKILL after 10 s) and resolves the exit code.
 */
export function startChild(args, { env = {}, stdout = 'ignore' } = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (stderr.length < 8192) stderr += d;
  });
  let peakKiB = 0;
  const timer = setInterval(() => {
    const v = procStatusKiB(child.pid, 'VmHWM');
    if (v !== undefined && v > peakKiB) peakKiB = v;
  }, 50);
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve(code ?? signal);
    }),
  );
  return {
    child,
    exited,
    stderr: () => stderr,
    peakRssMiB: () => {
      const v = procStatusKiB(child.pid, 'VmHWM');
      if (v !== undefined && v > peakKiB) peakKiB = v;
      return Math.round((peakKiB / 1024) * 10) / 10;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(killer);
      return code;
    },
  };
}
