/**
 * Test support for the file input and output: build them from YAML-shaped config parsed with
 * the real specs (so defaults apply), without running a whole stream.
 */
import { parseStreamConfig } from '../../library.js';
import { defaultRegistry, type ComponentConfig, type Input, type Output, type Resources } from '../../plugin/index.js';
import { createLogger, type Logger } from '../../core/logger.js';
import { noopMetrics } from '../../core/metrics.js';

/** A logger whose lines are kept for assertions. */
export function recordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }) };
}

function resources(conf: ComponentConfig, logger: Logger): Resources {
  return {
    logger,
    metrics: noopMetrics,
    label: '',
    path: conf.path,
    signal: new AbortController().signal,
    inputExhausted: () => {},
    buildScanner: (c: ComponentConfig) => Promise.resolve(defaultRegistry.get('scanner', c.type)!.create(c.config, resources(c, logger))),
  } as unknown as Resources;
}

export async function buildFileInput(conf: Record<string, unknown>, logger = createLogger({ level: 'none' })): Promise<Input> {
  const parsed = parseStreamConfig({ input: { file: conf }, output: { drop: {} } });
  const c = parsed.config?.input;
  if (!c) throw new Error(`bad file input config: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  return (await defaultRegistry.get('input', 'file')!.create(c.config, resources(c, logger))) as Input;
}

export async function buildFileOutput(conf: Record<string, unknown>, logger = createLogger({ level: 'none' })): Promise<Output> {
  const parsed = parseStreamConfig({ input: { stdin: {} }, output: { file: conf } });
  const c = parsed.config?.output;
  if (!c) throw new Error(`bad file output config: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  return (await defaultRegistry.get('output', 'file')!.create(c.config, resources(c, logger))) as Output;
}
