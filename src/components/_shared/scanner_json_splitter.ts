/**
 * Finds where each JSON document ends in a stream of concatenated documents (`{"a":1} {"b":2}`,
 * `[1] 2 "x"`), across chunk boundaries, without parsing: only strings, escapes and bracket depth
 * are tracked. Each complete document's bytes are then handed to JSON.parse once. Chunks are
 * never concatenated until a document is complete, so a large document costs one copy.
 */
const enum Mode {
  Between,
  Container,
  TopString,
  Scalar,
}

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;
/** Bytes that end a bare scalar (number, true, false, null). */
const SCALAR_END = new Uint8Array(256);
for (const c of '{}[],:"') SCALAR_END[c.charCodeAt(0)] = 1;
for (const c of [0x20, 0x09, 0x0a, 0x0d]) SCALAR_END[c] = 1;

export class JsonDocumentSplitter {
  private mode = Mode.Between;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Pieces of the document being read, from earlier chunks. */
  private parts: Buffer[] = [];
  private chunk: Buffer | null = null;
  private pos = 0;

  /** Give the splitter the next chunk (only when `next()` returned undefined). */
  push(chunk: Buffer): void {
    this.chunk = chunk;
    this.pos = 0;
  }

  /**
   * The bytes of the next complete document, or undefined when more input is needed.
   * With `atEnd`, a trailing bare scalar is complete; an unfinished container or string throws.
   */
  next(atEnd = false): Buffer | undefined {
    const c = this.chunk;
    if (c !== null) {
      let i = this.pos;
      let start = this.mode === Mode.Between ? -1 : 0;
      const n = c.length;
      while (i < n) {
        const b = c[i]!;
        if (this.mode === Mode.Between) {
          if (WS[b]) {
            i++;
            continue;
          }
          start = i;
          if (b === 0x7b || b === 0x5b) {
            this.mode = Mode.Container;
            this.depth = 1;
          } else if (b === 0x22) {
            this.mode = Mode.TopString;
            this.inString = true;
          } else if (SCALAR_END[b]) {
            throw new SyntaxError(`invalid character '${String.fromCharCode(b)}' looking for beginning of value`);
          } else this.mode = Mode.Scalar;
          i++;
          continue;
        }
        if (this.mode === Mode.Scalar) {
          if (SCALAR_END[b]) return this.finish(c, start, i, i);
          i++;
          continue;
        }
        // Inside a container or a top-level string.
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (b === 0x5c) this.escaped = true;
          else if (b === 0x22) {
            this.inString = false;
            if (this.mode === Mode.TopString) return this.finish(c, start, i + 1, i + 1);
          }
        } else if (b === 0x22) this.inString = true;
        else if (b === 0x7b || b === 0x5b) this.depth++;
        else if (b === 0x7d || b === 0x5d) {
          if (--this.depth === 0) return this.finish(c, start, i + 1, i + 1);
        }
        i++;
      }
      // The chunk is used up: keep the started document's piece.
      if (this.mode !== Mode.Between && start >= 0) this.parts.push(start === 0 ? c : c.subarray(start));
      this.chunk = null;
    }
    if (!atEnd) return undefined;
    if (this.mode === Mode.Scalar) {
      this.mode = Mode.Between;
      return this.take();
    }
    if (this.mode !== Mode.Between) throw new SyntaxError('unexpected end of JSON input');
    return undefined;
  }

  private finish(c: Buffer, start: number, end: number, resume: number): Buffer {
    this.parts.push(c.subarray(start, end));
    this.pos = resume;
    this.mode = Mode.Between;
    this.depth = 0;
    return this.take();
  }

  private take(): Buffer {
    const parts = this.parts;
    this.parts = [];
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
