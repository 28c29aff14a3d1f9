/**
 * Running one unit test case: build its target, feed each input batch through the processors
 * (the engine's runProcessors), and compare the resulting batches with the expected ones, with
 * Benthos's failure wording ("batch 0 message 1: content_equals: content mismatch ...").
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Logger } from '../../core/logger.js';
import { Message, type Batch } from '../../core/message.js';
import { errorMessage } from '../../core/errors.js';
import type { SourceFile } from '../../config/load.js';
import { runProcessors } from '../../engine/run_processors.js';
import type { InputPart, TestCase } from './definition.js';
import { compileConditions, type CompiledCondition } from './conditions.js';
import { buildMappingProcessor, buildTargetProcessors, type BuiltTarget } from './processors.js';

export interface CaseContext {
  /** The test definition file; relative paths in the case resolve from its directory. */
  definitionFile: string;
  /** The config the case tests, unless its target names another file (`other.yaml#/pointer`). */
  configFile?: string;
  resources: SourceFile[];
  logger: Logger;
}

function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

function displayPath(p: string): string {
  const r = relative(process.cwd(), p);
  return r === '' || r.startsWith('..') ? p : r;
}

async function buildTarget(c: TestCase, ctx: CaseContext, env: Record<string, string | undefined>): Promise<BuiltTarget> {
  const dir = dirname(ctx.definitionFile);
  if (c.targetMapping !== '') {
    const file = resolve(dir, c.targetMapping);
    let src: string;
    try {
      src = readText(file);
    } catch (e) {
      throw new Error(`failed to initialise Bloblang mapping '${c.targetMapping}': ${errorMessage(e)}`);
    }
    try {
      return await buildMappingProcessor(displayPath(file), src, ctx.logger);
    } catch (e) {
      throw new Error(`failed to initialise Bloblang mapping '${c.targetMapping}': ${errorMessage(e)}`);
    }
  }
  let configFile = ctx.configFile;
  let target = c.targetProcessors;
  const hash = target.indexOf('#');
  if (hash >= 0) {
    if (hash > 0) configFile = resolve(dir, target.slice(0, hash));
    target = target.slice(hash + 1) || '/pipeline/processors';
  }
  try {
    if (configFile === undefined) throw new Error('no config file to test: name one as target_processors: file.yaml#/pointer');
    let text: string;
    try {
      text = readText(configFile);
    } catch (e) {
      throw new Error(`unable to read config file ${displayPath(configFile)}: ${(e as NodeJS.ErrnoException).code ?? errorMessage(e)}`);
    }
    return await buildTargetProcessors({ config: { file: displayPath(configFile), text }, target, mocks: c.mocks, env, resources: ctx.resources, logger: ctx.logger });
  } catch (e) {
    throw new Error(`failed to initialise processors '${c.targetProcessors}': ${errorMessage(e)}`);
  }
}

function makeBatch(parts: InputPart[], dir: string, offset: number): Batch {
  return parts.map((p, i) => {
    let content = p.content;
    if (p.file !== undefined) {
      try {
        content = readText(resolve(dir, p.file));
      } catch (e) {
        throw new Error(`failed to create mock input ${offset + i}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? `open ${p.file}: no such file or directory` : errorMessage(e)}`);
      }
    }
    const msg = Message.fromString(content);
    for (const [k, v] of Object.entries(p.metadata)) msg.setMeta(k, v);
    return msg;
  });
}

/** Run the environment's variables for the duration of `fn` (Bloblang's env() reads them too). */
async function withEnvironment<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(vars)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Runs the case; returns its failure reasons (empty when it passed). */
export async function runCase(c: TestCase, ctx: CaseContext): Promise<string[]> {
  if (c.problems.length > 0) return c.problems.map((p) => `invalid test definition: ${p}`);
  const dir = dirname(ctx.definitionFile);
  const expected: CompiledCondition[][][] = [];
  const failures: string[] = [];
  for (const batch of c.outputBatches) {
    expected.push(
      batch.map((set) => {
        const r = compileConditions(set, dir);
        for (const p of r.problems) failures.push(`invalid test definition: ${p}`);
        return r.conditions;
      }),
    );
  }
  if (failures.length > 0) return failures;

  return withEnvironment(c.environment, async () => {
    let target: BuiltTarget;
    try {
      target = await buildTarget(c, ctx, { ...process.env, ...c.environment });
    } catch (e) {
      return [errorMessage(e)];
    }
    try {
      const outputs: Batch[] = [];
      let offset = 0;
      for (const parts of c.inputBatches) {
        const batch = makeBatch(parts, dir, offset);
        offset += parts.length;
        outputs.push(...(await runProcessors(target.processors, [batch])));
      }
      return compare(outputs, expected);
    } catch (e) {
      return [errorMessage(e)];
    } finally {
      await target.close();
    }
  });
}

function compare(outputs: Batch[], expected: CompiledCondition[][][]): string[] {
  const failures: string[] = [];
  if (outputs.length < expected.length) failures.push(`wrong batch count, expected ${expected.length}, got ${outputs.length}`);
  outputs.forEach((batch, b) => {
    const exp = expected[b];
    if (!exp) {
      failures.push(`unexpected batch: [${batch.map((m) => m.asString()).join(' ')}]`);
      return;
    }
    if (exp.length !== batch.length) failures.push(`mismatch of output batch ${b} message counts, expected ${exp.length}, got ${batch.length}`);
    batch.forEach((msg, m) => {
      const conds = exp[m];
      if (!conds) {
        failures.push(`unexpected message from batch ${b}: ${msg.asString()}`);
        return;
      }
      let failed = 0;
      for (const cond of conds) {
        const reason = cond.check(batch, m);
        if (reason !== undefined) {
          failed++;
          failures.push(`batch ${b} message ${m}: ${cond.name}: ${reason}`);
        }
      }
      // A processing error explains most condition failures: show it with them.
      if (failed > 0 && msg.error) failures.push(`batch ${b} message ${m}: ${msg.error.message}`);
    });
  });
  return failures;
}
