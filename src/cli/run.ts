/** `sluice run`: lint the config, refuse to start on errors, then run until the input ends or a signal. */
import { loadFromArgs, type ConfigArgs } from './load.js';
import { renderDiagnostic, sortDiagnostics } from './render.js';
import { startStream } from '../engine/run_stream.js';
import { errorMessage } from '../core/errors.js';

export interface RunArgs extends ConfigArgs {
  logLevel?: string;
  chilled?: boolean;
}

export async function runCommand(args: RunArgs): Promise<number> {
  const loaded = await loadFromArgs(args);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  for (const d of sortDiagnostics(loaded.diagnostics)) process.stderr.write(`${renderDiagnostic(d, loaded.file)}\n`);
  if (errors.length > 0 || !loaded.config) {
    process.stderr.write(`config has ${errors.length} error(s): fix them and run again (\`sluice lint\` lists them)\n`);
    return 1;
  }
  let handle;
  try {
    handle = await startStream(loaded.config, { logLevel: args.logLevel, handleSignals: true });
  } catch (e) {
    process.stderr.write(`failed to start: ${errorMessage(e)}\n`);
    return 1;
  }
  return handle.done;
}
