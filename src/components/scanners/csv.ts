import { registerScanner, field, objectConfig, Message, type Scanner } from '../../plugin/index.js';
import { CsvReader } from '../_shared/scanner_csv_reader.js';

interface CsvConfig {
  custom_delimiter?: string;
  parse_header_row: boolean;
  lazy_quotes: boolean;
  continue_on_error: boolean;
  expected_headers?: string[];
  expected_number_of_fields?: number;
}

registerScanner(
  {
    name: 'csv',
    summary: 'Consume comma-separated values row by row, including support for custom delimiters.',
    description: [
      'Rows are parsed like Go\'s `encoding/csv` (as Benthos does): empty lines are skipped and every row must have as many fields as the first one.',
      'With `parse_header_row` each message is an object keyed by the header row, otherwise an array of the row\'s values. Values are strings.',
      '',
      '### Metadata',
      '',
      'This scanner adds the following metadata to each message:',
      '',
      '- `csv_row` The index of each row, beginning at 0.',
    ].join('\n'),
    config: objectConfig([
      field
        .string('custom_delimiter', 'Use a provided custom delimiter instead of the default comma.')
        .optional()
        .check((v) => (v !== undefined && v !== '' && [...String(v)].length !== 1 ? 'must be a single character' : undefined)),
      field
        .bool(
          'parse_header_row',
          'Whether to reference the first row as a header row. If set to true the output structure for messages will be an object where field keys are determined by the header row. Otherwise, each message will consist of an array of values from the corresponding CSV row.',
        )
        .default(true),
      field.bool('lazy_quotes', 'If set to `true`, a quote may appear in an unquoted field and a non-doubled quote may appear in a quoted field.').default(false),
      field
        .bool(
          'continue_on_error',
          'If a row fails to parse due to any error emit an empty message marked with the error and then continue consuming subsequent rows when possible. This can sometimes be useful in situations where input data contains individual rows which are malformed. However, when a row encounters a parsing error it is impossible to guarantee that following rows are valid, as this indicates that the input data is unreliable and could potentially emit misaligned rows.',
        )
        .default(false),
      field
        .stringList('expected_headers', "An optional list of expected headers in the header row. If provided, the scanner will check the file contents and emit an error if any expected headers don't match.")
        .optional()
        .examples(['first_name', 'last_name', 'age']),
      field.int('expected_number_of_fields', 'The number of expected fields in the csv file.').optional(),
    ]),
  },
  (conf: CsvConfig) => {
    const comma = conf.custom_delimiter ? conf.custom_delimiter : ',';
    return {
      create(stream): Scanner {
        const reader = new CsvReader(stream, {
          comma,
          lazyQuotes: conf.lazy_quotes,
          fieldsPerRecord: conf.expected_number_of_fields ?? 0,
        });
        let headers: { keys: string[]; order: number[] } | undefined;
        let row = 0;

        const readHeaders = async (): Promise<boolean> => {
          const h = await reader.read();
          if (h === null) return false;
          if (conf.expected_headers && conf.expected_headers.length > 0) checkHeaders(conf.expected_headers, h);
          // Keys are inserted in sorted order: Benthos builds a Go map, which serialises sorted.
          const order = h.map((_, i) => i).sort((a, b) => (h[a]! < h[b]! ? -1 : h[a]! > h[b]! ? 1 : a - b));
          headers = { keys: h, order };
          return true;
        };

        const toMessage = (record: string[]): Message => {
          let value: unknown;
          if (headers) {
            const obj: Record<string, string> = {};
            for (const i of headers.order) if (i < record.length) define(obj, headers.keys[i]!, record[i]!);
            for (let i = headers.keys.length; i < record.length; i++) define(obj, String(i), record[i]!);
            value = obj;
          } else value = record;
          const m = Message.fromStructured(value);
          m.setMeta('csv_row', row++);
          return m;
        };

        return {
          async next() {
            try {
              if (conf.parse_header_row && !headers && !(await readHeaders())) return null;
              const record = await reader.read();
              if (record === null) return null;
              return [toMessage(record)];
            } catch (e) {
              if (!conf.continue_on_error || e instanceof HeaderMismatchError) throw e;
              const m = Message.fromBytes(Buffer.alloc(0));
              m.error = e as Error;
              return [m];
            }
          },
          async close() {
            reader.destroy();
          },
        };
      },
    };
  },
);

/** A wrong header row stops the file even with continue_on_error: every row would be misread. */
class HeaderMismatchError extends Error {}

function checkHeaders(expected: string[], got: string[]): void {
  const same = expected.length === got.length && expected.every((h, i) => h === got[i]);
  if (!same) throw new HeaderMismatchError(`the header row [${got.join(' ')}] does not match expected_headers [${expected.join(' ')}]`);
}

/** Assign without touching Object.prototype: a `__proto__` header is plain data. */
function define(obj: Record<string, string>, key: string, value: string): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
