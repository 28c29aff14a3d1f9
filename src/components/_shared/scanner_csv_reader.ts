/**
 * A CSV record reader with the behaviour of Go's `encoding/csv` (which Benthos's csv scanner
 * uses), reading a byte stream line by line so a file of any size is parsed in bounded memory:
 * - empty lines are skipped; `\r\n` line ends count as `\n`, also inside quoted fields;
 * - quotes only open a field at its very start; `""` inside a quoted field is one quote;
 * - without lazy quotes, a quote inside an unquoted field or a stray quote inside a quoted field
 *   is an error, and the rest of that line is dropped, so the next read starts on the next line;
 * - the first record sets the number of fields every later record must have (unless a number
 *   is configured);
 * - errors read like Go's: `parse error on line 2, column 5: bare " in non-quoted field`.
 */
import { ChunkedReader } from './chunked_reader.js';
import { DelimitedSplitter } from './delimited_splitter.js';

export const ERR_BARE_QUOTE = 'bare " in non-quoted field';
export const ERR_QUOTE = 'extraneous or missing " in quoted field';
export const ERR_FIELD_COUNT = 'wrong number of fields';

export class CsvParseError extends Error {
  constructor(
    readonly startLine: number,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(
      reason === ERR_FIELD_COUNT
        ? `record on line ${line}: ${reason}`
        : startLine !== line
          ? `record on line ${startLine}; parse error on line ${line}, column ${column}: ${reason}`
          : `parse error on line ${line}, column ${column}: ${reason}`,
    );
    this.name = 'CsvParseError';
  }
}

export interface CsvReaderOptions {
  /** The field separator: one character. */
  comma: string;
  lazyQuotes: boolean;
  /** > 0: every record must have this many fields; 0: the first record decides; < 0: no check. */
  fieldsPerRecord: number;
}

/** Lines of a stream, each ending with `\n` except possibly the last one (as Go's readLine gives them). */
class LineSource {
  private readonly reader: ChunkedReader;
  private readonly splitter = new DelimitedSplitter(Buffer.from('\n'), 0);
  private ready: Buffer[] = [];
  private head = 0;
  private ended = false;
  /** Lines read so far (1-based number of the last line). */
  numLine = 0;

  constructor(stream: NodeJS.ReadableStream) {
    this.reader = new ChunkedReader(stream);
  }

  /** The next line with a normalised `\n` end, the unterminated last line, or null at the end. */
  async readLine(): Promise<string | null> {
    for (;;) {
      if (this.head < this.ready.length) {
        const raw = this.ready[this.head++]!;
        if (this.head === this.ready.length) {
          this.ready = [];
          this.head = 0;
        }
        this.numLine++;
        let s = raw.toString('utf8');
        // Go drops the \r of a \r\n end, and a trailing \r before the end of the stream.
        if (s.endsWith('\r')) s = s.slice(0, -1);
        return raw === this.tail ? s : s + '\n';
      }
      if (this.ended) return null;
      const chunk = await this.reader.next();
      if (chunk === null) {
        this.ended = true;
        this.tail = this.splitter.end() ?? undefined;
        if (this.tail) this.ready.push(this.tail);
      } else this.splitter.push(chunk, this.ready);
    }
  }

  /** The last line when it had no line break after it. */
  private tail: Buffer | undefined;

  destroy(): void {
    this.reader.destroy();
  }
}

export class CsvReader {
  private readonly lines: LineSource;
  private fieldsPerRecord: number;

  constructor(
    stream: NodeJS.ReadableStream,
    private readonly opts: CsvReaderOptions,
  ) {
    this.lines = new LineSource(stream);
    this.fieldsPerRecord = opts.fieldsPerRecord;
  }

  /** The next record, or null at the end of the stream. Throws CsvParseError for a bad record. */
  async read(): Promise<string[] | null> {
    const { comma, lazyQuotes } = this.opts;
    const commaLen = comma.length;
    let line: string | null;
    // Skip empty lines.
    for (;;) {
      line = await this.lines.readLine();
      if (line === null) return null;
      if (line.length === lengthNL(line)) continue;
      break;
    }
    const recLine = this.lines.numLine;
    const fields: string[] = [];
    let buf = '';
    let posLine = this.lines.numLine;
    let col = 1;
    let err: CsvParseError | undefined;

    parseField: for (;;) {
      if (line.length === 0 || line[0] !== '"') {
        // An unquoted field.
        const i = line.indexOf(comma);
        const field = i >= 0 ? line.slice(0, i) : line.slice(0, line.length - lengthNL(line));
        if (!lazyQuotes) {
          const j = field.indexOf('"');
          if (j >= 0) {
            err = new CsvParseError(recLine, this.lines.numLine, col + j, ERR_BARE_QUOTE);
            break parseField;
          }
        }
        fields.push(field);
        if (i >= 0) {
          line = line.slice(i + commaLen);
          col += i + commaLen;
          continue parseField;
        }
        break parseField;
      }
      // A quoted field, possibly spanning lines.
      line = line.slice(1);
      col += 1;
      for (;;) {
        const i = line.indexOf('"');
        if (i >= 0) {
          buf += line.slice(0, i);
          line = line.slice(i + 1);
          col += i + 1;
          if (line.startsWith('"')) {
            buf += '"';
            line = line.slice(1);
            col += 1;
          } else if (line.startsWith(comma)) {
            line = line.slice(commaLen);
            col += commaLen;
            fields.push(buf);
            buf = '';
            continue parseField;
          } else if (lengthNL(line) === line.length) {
            fields.push(buf);
            buf = '';
            break parseField;
          } else if (lazyQuotes) {
            buf += '"';
          } else {
            err = new CsvParseError(recLine, this.lines.numLine, col - 1, ERR_QUOTE);
            break parseField;
          }
        } else if (line.length > 0) {
          // The field goes on past the end of the line.
          buf += line;
          col += line.length;
          line = (await this.lines.readLine()) ?? '';
          if (line.length > 0) {
            posLine++;
            col = 1;
          }
        } else {
          // The stream ended inside a quoted field.
          if (!lazyQuotes) {
            err = new CsvParseError(recLine, posLine, col, ERR_QUOTE);
            break parseField;
          }
          fields.push(buf);
          buf = '';
          break parseField;
        }
      }
    }
    if (err) throw err;
    if (this.fieldsPerRecord > 0) {
      if (fields.length !== this.fieldsPerRecord) throw new CsvParseError(recLine, recLine, 1, ERR_FIELD_COUNT);
    } else if (this.fieldsPerRecord === 0) {
      this.fieldsPerRecord = fields.length;
    }
    return fields;
  }

  destroy(): void {
    this.lines.destroy();
  }
}

function lengthNL(s: string): number {
  return s.length > 0 && s[s.length - 1] === '\n' ? 1 : 0;
}
