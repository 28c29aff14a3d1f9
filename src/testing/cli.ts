/**
 * How tests start the `sluice` CLI as a child process: the compiled bin when the tests run from
 * dist/, or the TypeScript source through tsx when they run from src/ (`npx tsx --test`).
 */
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = here.includes(`${'/'}dist${'/'}`);
/** The repository root. */
export const repoRoot = compiled ? resolve(here, '../../..') : resolve(here, '../..');

export function cliArgs(args: string[]): string[] {
  return compiled ? [resolve(repoRoot, 'bin/sluice.js'), ...args] : ['--import', 'tsx', resolve(repoRoot, 'src/cli/bin.ts'), ...args];
}

export function spawnCli(args: string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, cliArgs(args), { cwd: repoRoot, ...opts });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the CLI to completion, feeding `input` on stdin. */
export function runCli(args: string[], opts: { input?: string | Buffer; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli(args, { env: { ...process.env, ...opts.env }, cwd: opts.cwd ?? repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sluice ${args.join(' ')} timed out; stderr: ${Buffer.concat(err).toString()}`));
    }, opts.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin!.on('error', () => {});
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}
