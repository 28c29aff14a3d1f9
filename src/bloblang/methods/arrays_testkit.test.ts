// Shared helper for the method tests (a *.test.ts file so it stays out of the build).
import { Message } from '../../core/message.js';
import { parseMapping } from '../index.js';

process.env.TZ = 'UTC';

/** Run `mapping` on a message holding `input`; the raw output, `<deleted>` or `Error(msg)`. */
export function run(mapping: string, input = '{}'): string {
  const r = parseMapping(mapping);
  if (!r.mapping) throw new Error(`parse failed: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  try {
    const out = r.mapping.mapPart([Message.fromBytes(Buffer.from(input, 'utf8'))], 0);
    return out === null ? '<deleted>' : out.asString();
  } catch (e) {
    return `Error(${(e as Error).message})`;
  }
}

/** Like run() but parses the output as JSON. */
export function runJson(mapping: string, input = '{}'): unknown {
  const out = run(mapping, input);
  try {
    return JSON.parse(out);
  } catch {
    return out;
  }
}

/** The parse error message of a mapping that must not compile. */
export function parseError(mapping: string): string {
  const r = parseMapping(mapping);
  if (r.mapping) return '<compiled>';
  return r.diagnostics.map((d) => d.message).join('; ');
}
