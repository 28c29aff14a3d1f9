/**
 * Splits a stream of concatenated XML documents into one text per document, the way mxj's
 * reader takes them from a stream: a document runs from where the previous one ended to the
 * end tag closing its root element (a prolog, comments or a doctype before the root belong to
 * it). Only structure is scanned here; parsing each document is left to `parse_xml`.
 */

export function splitXmlDocuments(src: string): string[] {
  const docs: string[] = [];
  let pos = 0;
  for (;;) {
    const start = pos;
    while (pos < src.length && /\s/.test(src[pos]!)) pos++;
    if (pos >= src.length) return docs;
    pos = documentEnd(src, pos);
    docs.push(src.slice(start, pos));
  }
}

function fail(msg: string): never {
  throw new Error(`XML syntax error: ${msg}`);
}

function skipPast(src: string, from: number, token: string, what: string): number {
  const end = src.indexOf(token, from);
  if (end < 0) fail(`unexpected EOF in ${what}`);
  return end + token.length;
}

/** The end (exclusive) of the document starting at `pos`. */
function documentEnd(src: string, pos: number): number {
  let depth = 0;
  let sawRoot = false;
  while (pos < src.length) {
    const lt = src.indexOf('<', pos);
    if (lt < 0) break;
    pos = lt;
    if (src.startsWith('<!--', pos)) pos = skipPast(src, pos + 4, '-->', 'comment');
    else if (src.startsWith('<![CDATA[', pos)) pos = skipPast(src, pos + 9, ']]>', 'CDATA section');
    else if (src.startsWith('<?', pos)) pos = skipPast(src, pos + 2, '?>', 'processing instruction');
    else if (src.startsWith('<!', pos)) pos = directiveEnd(src, pos);
    else if (src.startsWith('</', pos)) {
      pos = skipPast(src, pos + 2, '>', 'end tag');
      if (--depth < 0) fail('unexpected end element');
      if (depth === 0) return pos;
    } else {
      const { end, selfClosing } = startTagEnd(src, pos);
      pos = end;
      sawRoot = true;
      if (!selfClosing) depth++;
      else if (depth === 0) return pos;
    }
  }
  fail(sawRoot ? 'unexpected EOF' : 'no root element');
}

/** A doctype may hold a bracketed internal subset with `>` inside. */
function directiveEnd(src: string, pos: number): number {
  let depth = 0;
  for (let i = pos + 2; i < src.length; i++) {
    const c = src[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return i + 1;
  }
  return fail('unexpected EOF in directive');
}

/** Attribute values may contain `>`: skip quoted text while looking for the tag's end. */
function startTagEnd(src: string, pos: number): { end: number; selfClosing: boolean } {
  let quote = '';
  for (let i = pos + 1; i < src.length; i++) {
    const c = src[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return { end: i + 1, selfClosing: src[i - 1] === '/' };
  }
  return fail('unexpected EOF in start tag');
}
