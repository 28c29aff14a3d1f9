/**
 * Checks on a config's YAML that the `yaml` package does not make itself: a nesting limit taken
 * before the document is composed (the composer recurses, so a 1,000-level file would end in a
 * stack overflow), and duplicate keys reported with both places (its own check names only one).
 */
import { Lexer, isMap, isScalar, isSeq, isPair, type Document, type LineCounter, type Node } from 'yaml';

/** Lexer tokens that mark structure (document, scalar, flow error end) without source text. */
export const CONTROL_TOKENS = new Set(['\u0002', '\u0018', '\u001f']);

/** Deeper than any real config; low enough that composing and parsing never exhaust the stack. */
export const MAX_YAML_DEPTH = 200;

/**
 * The offset where nesting first goes past `limit` levels, or undefined. Works on the lexer's
 * tokens (linear, no recursion): flow brackets count one level each, block levels are the
 * indentations still open plus the `-` / `?` indicators that start the line. Block scalar
 * content is a single token, so a mapping's own indentation never counts.
 */
export function excessiveNesting(text: string, limit = MAX_YAML_DEPTH): number | undefined {
  let offset = 0;
  let flow = 0;
  const indents: number[] = [];
  let lineStart = true;
  let lineIndent = 0;
  let lineLevels = 0;
  let lineOpened = false;
  for (const tok of new Lexer().lex(text)) {
    const at = offset;
    if (CONTROL_TOKENS.has(tok)) continue;
    offset += tok.length;
    if (tok === '\n' || tok === '\r\n') {
      lineStart = true;
      lineIndent = 0;
      lineLevels = 0;
      lineOpened = false;
      continue;
    }
    if (lineStart && /^[ \t]+$/.test(tok)) {
      lineIndent = tok.length;
      continue;
    }
    if (tok[0] === '#' || /^[ \t]+$/.test(tok)) continue;
    if (lineStart) {
      lineStart = false;
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= lineIndent) indents.pop();
        indents.push(lineIndent);
        lineOpened = true;
      }
    }
    if (tok === '[' || tok === '{') flow++;
    else if (tok === ']' || tok === '}') flow = Math.max(0, flow - 1);
    else if ((tok === '-' || tok === '?') && lineOpened && flow === 0) lineLevels++;
    if (indents.length + lineLevels + flow > limit) return at;
  }
  return undefined;
}

export interface DuplicateKey {
  key: string;
  /** The repeated key (later in the file). */
  node: Node;
  /** The first occurrence. */
  first: Node;
}

/** Every key written twice in the same mapping, anywhere in the document (iterative walk). */
export function duplicateKeys(doc: Document): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isMap(n)) {
      const seen = new Map<string, Node>();
      for (const pair of n.items) {
        const k = pair.key as Node | null;
        if (isScalar(k)) {
          const name = String(k.value);
          const first = seen.get(name);
          if (first) out.push({ key: name, node: k, first });
          else seen.set(name, k);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(n)) {
      for (const item of n.items) stack.push(isPair(item) ? item.value : item);
    }
  }
  return out.sort((a, b) => (a.node.range?.[0] ?? 0) - (b.node.range?.[0] ?? 0));
}

export function lineOf(lc: LineCounter, node: Node): number {
  return lc.linePos(node.range?.[0] ?? 0).line;
}
