/**
 * Maps a character of a YAML scalar's value back to where it is written in the file, through
 * block indentation, folding, quote escapes and line joins. Lint uses it to put a Bloblang error
 * inside a `mapping:` field at its exact line and column in the config file.
 */

export type ScalarStyle = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED' | string | undefined;

/**
 * For each UTF-16 index of the scalar's value, the offset in `src` it was written at (plus one
 * entry for the end). `start`/`end` are the node's range in `src`.
 */
export function scalarOffsets(src: string, style: ScalarStyle, start: number, end: number): number[] {
  if (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') return blockOffsets(src, start, end);
  if (style === 'QUOTE_DOUBLE') return quotedOffsets(src, start + 1, end - 1, true);
  if (style === 'QUOTE_SINGLE') return quotedOffsets(src, start + 1, end - 1, false);
  return quotedOffsets(src, start, end, false);
}

function blockOffsets(src: string, start: number, end: number): number[] {
  const out: number[] = [];
  let i = src.indexOf('\n', start);
  if (i < 0) return [end];
  i++;
  // Indentation comes from the first line that has content.
  let indent = -1;
  for (let j = i; j < end; ) {
    let k = j;
    while (k < end && src[k] === ' ') k++;
    if (k < end && src[k] !== '\n') {
      indent = k - j;
      break;
    }
    const nl = src.indexOf('\n', j);
    if (nl < 0) break;
    j = nl + 1;
  }
  if (indent < 0) return [end];
  while (i < end) {
    const nl = src.indexOf('\n', i);
    const lineEnd = nl < 0 || nl > end ? end : nl;
    const contentStart = Math.min(i + indent, lineEnd);
    for (let k = contentStart; k < lineEnd; k++) out.push(k);
    // The line break (or the space a folded block turns it into) is one character.
    if (lineEnd < end) out.push(lineEnd);
    i = lineEnd + 1;
  }
  out.push(end);
  return out;
}

function quotedOffsets(src: string, start: number, end: number, escapes: boolean): number[] {
  const out: number[] = [];
  let i = start;
  while (i < end) {
    const c = src[i]!;
    if (escapes && c === '\\') {
      const next = src[i + 1];
      const width = next === 'x' ? 4 : next === 'u' ? 6 : next === 'U' ? 10 : 2;
      out.push(i);
      if (next === 'U') out.push(i); // may decode to a surrogate pair
      i += width;
      continue;
    }
    if (!escapes && c === "'" && src[i + 1] === "'") {
      out.push(i);
      i += 2;
      continue;
    }
    if (c === '\n') {
      // A line break inside a flow scalar folds (with the next line's indentation) into one space.
      out.push(i);
      i++;
      while (i < end && (src[i] === ' ' || src[i] === '\t')) i++;
      continue;
    }
    out.push(i);
    i++;
  }
  out.push(end);
  return out;
}

/** The offset inside a text of 1-based `line`/`column` (as Bloblang reports positions). */
export function offsetOfLineColumn(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(text.length, offset + column - 1);
}
