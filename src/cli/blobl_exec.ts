/**
 * Running one Bloblang mapping on one document, as `sluice blobl` and its playground do, and
 * rendering the result as text: a string (or bytes) root raw, anything else as JSON.
 */
import { Message, serialiseValue } from '../core/message.js';
import { formatParseError, parseMapping, type Mapping } from '../bloblang/index.js';

export type CompiledOrError =
  | { mapping: Mapping }
  | { error: { line: number; column: number; message: string; formatted: string } };

/** Compile a mapping; a failure carries its 1-based position and a caret view for terminals. */
export function compileBlobl(src: string, importDir?: string): CompiledOrError {
  const parsed = parseMapping(src, importDir === undefined ? {} : { importDir });
  if (parsed.mapping) return { mapping: parsed.mapping };
  const d = parsed.diagnostics[0]!;
  // Positions are relative to the mapping text (no enclosing file), so message and position agree.
  const m = /^line (\d+) char (\d+): ([\s\S]*)$/.exec(d.message);
  return {
    error: {
      line: m ? Number(m[1]) : (d.position?.line ?? 1),
      column: m ? Number(m[2]) : (d.position?.column ?? 1),
      message: m ? m[3]! : d.message,
      formatted: formatParseError(src, parsed.diagnostics),
    },
  };
}

/**
 * Map one document. Without `raw` the document is the line's bytes, parsed as JSON only when the
 * mapping reads `this`; with `raw` (Benthos's `--raw`) `this` is the line as a string. Returns
 * null when the mapping deletes the document. Throws the mapping's error (a BloblangError).
 */
export function mapDocument(mapping: Mapping, input: Buffer | string, raw: boolean, pretty: boolean): string | null {
  if (raw) {
    const text = typeof input === 'string' ? input : input.toString('utf8');
    const out = mapping.mapPart([Message.fromStructured(text)], 0);
    return out === null ? null : renderValue(out.hasStructuredValue() ? out.asStructured() : out.asBytes(), pretty);
  }
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const r = mapping.execValue(bytes);
  // A mapping that leaves root alone gives the input bytes back: printed as they came.
  return r.deleted ? null : renderValue(r.value, pretty);
}

/** A result as blobl prints it: a string or bytes raw, anything else as JSON. */
export function renderValue(v: unknown, pretty: boolean): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('utf8');
  // serialiseValue writes bigints as exact digits, bytes as text and timestamps as RFC 3339.
  const json = serialiseValue(v);
  return pretty ? indentJson(json) : json;
}

/**
 * Re-indent compact JSON text with two spaces, as Go's json.MarshalIndent does. Works on the
 * text (not via JSON.parse) so integers beyond 2^53 are printed exactly as they were written.
 */
export function indentJson(compact: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  const nl = (): string => '\n' + '  '.repeat(depth);
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += compact[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[': {
        const close = c === '{' ? '}' : ']';
        // Empty containers stay on one line: {} and [].
        if (compact[i + 1] === close) {
          out += c + close;
          i++;
        } else {
          depth++;
          out += c + nl();
        }
        break;
      }
      case '}':
      case ']':
        depth--;
        out += nl() + c;
        break;
      case ',':
        out += ',' + nl();
        break;
      case ':':
        out += ': ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** The message of any thrown value, for printing. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
