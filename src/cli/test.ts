/**
 * `sluice test [paths...]`: runs the config unit tests found under the paths, Benthos style:
 * one `Test 'FILE' succeeded|failed` line per target, then every failure with its test name,
 * line and reason, then `N passed, N failed`. Exit 1 on any failure (or when nothing was found).
 */
import { readFileSync } from 'node:fs';
import { createLogger, parseLogLevel, silentLogger, type Logger } from '../core/logger.js';
import { errorMessage } from '../core/errors.js';
import { defaultRegistry } from '../plugin/registry.js';
import type { SourceFile } from '../config/load.js';
import { findTargets, type TestTarget } from '../testing/unit_tests/targets.js';
import { parseDefinition } from '../testing/unit_tests/definition.js';
import { runCase } from '../testing/unit_tests/run_case.js';

export interface TestArgs {
  paths: string[];
  resources?: string[];
  /** Let components log at this level (to stderr); silent by default. */
  logLevel?: string;
}

interface CaseFailure {
  name: string;
  line: number;
  reasons: string[];
}

interface TargetResult {
  target: TestTarget;
  failures: CaseFailure[];
  passed: number;
}

async function runTarget(target: TestTarget, resources: SourceFile[], logger: Logger): Promise<TargetResult | undefined> {
  let text: string;
  try {
    text = readFileSync(target.definitionFile, 'utf8');
  } catch (e) {
    return { target, passed: 0, failures: [{ name: target.definitionFile, line: 0, reasons: [`failed to read test definition: ${errorMessage(e)}`] }] };
  }
  const def = parseDefinition(target.definitionFile, text);
  if (def.problem) return { target, passed: 0, failures: [{ name: target.definitionFile, line: 0, reasons: [def.problem] }] };
  if (def.cases.length === 0) return undefined;
  const result: TargetResult = { target, failures: [], passed: 0 };
  for (const c of def.cases) {
    const reasons = await runCase(c, { definitionFile: target.definitionFile, configFile: target.configFile, resources, logger });
    if (reasons.length === 0) result.passed++;
    else result.failures.push({ name: c.name, line: c.line, reasons });
  }
  return result;
}

export async function testCommand(args: TestArgs, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  // Test definitions build processors of their own, and configs may name any component.
  await defaultRegistry.loadAll();
  let logger = silentLogger;
  if (args.logLevel) {
    const level = parseLogLevel(args.logLevel);
    if (!level) {
      out(`unknown log level "${args.logLevel}": use none, error, warn, info, debug or trace`);
      return 1;
    }
    logger = createLogger({ level });
  }
  const resources: SourceFile[] = [];
  for (const r of args.resources ?? []) {
    try {
      resources.push({ file: r, text: readFileSync(r, 'utf8') });
    } catch (e) {
      out(`Failed to read resources file '${r}': ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`);
      return 1;
    }
  }
  let targets: TestTarget[];
  try {
    targets = findTargets(args.paths);
  } catch (e) {
    out(`Failed to obtain test targets: ${errorMessage(e)}`);
    return 1;
  }

  const results: TargetResult[] = [];
  for (const t of targets) {
    const r = await runTarget(t, resources, logger);
    if (!r) continue;
    results.push(r);
    out(`Test '${t.display}' ${r.failures.length > 0 ? 'failed' : 'succeeded'}`);
  }
  if (results.length === 0) {
    out('No tests were found');
    out('0 passed, 0 failed');
    return 1;
  }

  const failed = results.filter((r) => r.failures.length > 0);
  if (failed.length > 0) {
    out('');
    out('Failures:');
    for (const r of failed) {
      out('');
      out(`--- ${r.target.display} ---`);
      for (const f of r.failures) {
        out('');
        out(f.line > 0 ? `${f.name} [line ${f.line}]:` : `${f.name}:`);
        for (const reason of f.reasons) out(reason);
      }
    }
  }
  const passedCount = results.reduce((n, r) => n + r.passed, 0);
  const failedCount = results.reduce((n, r) => n + r.failures.length, 0);
  out('');
  out(`${passedCount} passed, ${failedCount} failed`);
  return failedCount > 0 ? 1 : 0;
}
