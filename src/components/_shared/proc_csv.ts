/**
 * A CSV reader with the rules of Go's encoding/csv as Benthos configures it (strict quotes, no
 * comments, every record as wide as the first): quoted fields may span lines, `""` is a quote,
 * CRLF reads as LF, blank lines are skipped. Errors carry Go's wording and line numbers.
 */

export class CsvError extends Error {}

/** Go refuses these delimiters. */
export function checkCsvDelimiter(d: string): string | undefined {
  if ([...d].length !== 1) return 'csv format requires a single character delimiter';
  if (d === '"' || d === '\r' || d === '\n' || d === '\uFFFD') return 'csv: invalid field or comment delimiter';
  return undefined;
}

const ERR_BARE_QUOTE = 'bare " in non-quoted-field';
const ERR_QUOTE = 'extraneous or missing " in quoted-field';

export function readCsv(text: string, comma = ','): string[][] {
  const lines = splitLines(text);
  const records: string[][] = [];
  let width = -1;
  let li = 0;
  while (li < lines.length) {
    const startLine = li + 1;
    let line = lines[li++]!;
    // Blank lines are no records.
    if (line === '\n' || line === '') continue;
    const fields: string[] = [];
    let lineNo = startLine;
    let pos = 0;
    for (;;) {
      if (line[pos] !== '"') {
        // An unquoted field runs to the next delimiter or the end of the line.
        const i = line.indexOf(comma, pos);
        const end = i >= 0 ? i : line.endsWith('\n') ? line.length - 1 : line.length;
        const field = line.slice(pos, end);
        const q = field.indexOf('"');
        if (q >= 0) throw parseError(startLine, lineNo, pos + q + 1, ERR_BARE_QUOTE);
        fields.push(field);
        if (i < 0) break;
        pos = i + comma.length;
        continue;
      }
      // A quoted field: read to the closing quote, across lines if need be.
      let field = '';
      pos++;
      for (;;) {
        const i = line.indexOf('"', pos);
        if (i >= 0) {
          field += line.slice(pos, i);
          pos = i + 1;
          const c = line[pos];
          if (c === '"') {
            field += '"';
            pos++;
            continue;
          }
          if (line.startsWith(comma, pos)) {
            pos += comma.length;
            fields.push(field);
            break;
          }
          if (pos === line.length || (c === '\n' && pos === line.length - 1)) {
            fields.push(field);
            pos = -1;
            break;
          }
          throw parseError(startLine, lineNo, pos, ERR_QUOTE);
        }
        field += line.slice(pos);
        if (li >= lines.length) throw parseError(startLine, lineNo, line.length + 1, ERR_QUOTE);
        line = lines[li++]!;
        lineNo++;
        pos = 0;
      }
      if (pos < 0) break;
    }
    if (width < 0) width = fields.length;
    else if (fields.length !== width) throw new CsvError(`record on line ${startLine}: wrong number of fields`);
    records.push(fields);
  }
  return records;
}

function parseError(startLine: number, line: number, column: number, err: string): CsvError {
  if (startLine !== line) return new CsvError(`record on line ${startLine}; parse error on line ${line}, column ${column}: ${err}`);
  return new CsvError(`parse error on line ${line}, column ${column}: ${err}`);
}

/** Lines keep their `\n`; `\r\n` reads as `\n` and a final `\r` is dropped, as in Go. */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      let last = text.slice(start);
      if (last.endsWith('\r')) last = last.slice(0, -1);
      out.push(last);
      break;
    }
    let line = text.slice(start, nl + 1);
    if (line.endsWith('\r\n')) line = `${line.slice(0, -2)}\n`;
    out.push(line);
    start = nl + 1;
  }
  return out;
}
