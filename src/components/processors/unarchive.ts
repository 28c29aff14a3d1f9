import { registerProcessor, field, objectConfig, messageProcessor, compileMapping, errorMessage, type Message, type Processor, type Resources } from '../../plugin/index.js';
import { deserialiseParts, readTar, readZip, type ArchiveEntry } from '../_shared/proc_archive.js';
import { checkCsvDelimiter, readCsv } from '../_shared/proc_csv.js';
import { parseJsonDocuments } from '../_shared/proc_json_stream.js';
import { splitXmlDocuments } from '../_shared/proc_xml_stream.js';

const FORMATS = ['binary', 'csv', 'csv:x', 'json_array', 'json_documents', 'json_map', 'lines', 'tar', 'xml_documents_to_json', 'xml_documents_to_json:cast', 'zip'];

/** Splits one message into the messages it holds; each result starts as a copy of the source. */
type Unarchiver = (msg: Message) => Message[];
/** Tar and zip are read through streams. */
type AsyncUnarchiver = (msg: Message) => Promise<Message[]>;

function withBytes(src: Message, bytes: Uint8Array): Message {
  const m = src.copy();
  m.setBytes(bytes);
  return m;
}

/**
 * A new message holding a JSON value. Benthos serialises such values as JSON, so a string
 * element becomes `"text"` with its quotes (unlike a mapping's raw string root).
 */
function withValue(src: Message, value: unknown): Message {
  const m = src.copy();
  if (typeof value === 'string') m.setBytes(Buffer.from(JSON.stringify(value), 'utf8'));
  else m.setStructured(value);
  return m;
}

function fromEntries(src: Message, entries: ArchiveEntry[]): Message[] {
  return entries.map((e) => {
    const m = withBytes(src, e.data);
    m.setMeta('archive_filename', e.name);
    return m;
  });
}

/** The structured content, with Benthos's wording when it is not JSON. */
function structured(msg: Message, what: string): unknown {
  try {
    // Owned: the values move into new messages that may be mutated independently.
    return msg.copy().asStructuredMut();
  } catch (e) {
    throw new Error(`failed to parse message into JSON ${what}: ${errorMessage(e)}`);
  }
}

function typeName(v: unknown): string {
  if (v === null) return 'nil';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number' || typeof v === 'bigint') return 'float64';
  return typeof v;
}

function csvUnarchiver(delimiter: string): Unarchiver {
  return (msg) => {
    let rows: string[][];
    try {
      rows = readCsv(msg.asString(), delimiter);
    } catch (e) {
      throw new Error(`failed to parse message as csv: ${errorMessage(e)}`);
    }
    const [header, ...records] = rows;
    if (!header) return [];
    // Keys in sorted order, so documents serialise byte for byte as Benthos writes them.
    const order = header.map((h, i) => [h, i] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return records.map((r) => {
      const obj: Record<string, unknown> = {};
      // Defined, not assigned: a header called __proto__ is just a key.
      for (const [h, i] of order) Object.defineProperty(obj, h, { value: r[i], enumerable: true, writable: true, configurable: true });
      return withValue(msg, obj);
    });
  };
}

/** Each XML document converted with Bloblang's parse_xml, which follows Benthos's (mxj) conventions. */
function xmlUnarchiver(cast: boolean): Unarchiver {
  const toJson = compileMapping(cast ? 'root = content().parse_xml(cast: true)' : 'root = content().parse_xml()');
  return (msg) =>
    splitXmlDocuments(msg.asString()).map((doc) => {
      const out = toJson.mapPart([withBytes(msg, Buffer.from(doc, 'utf8'))], 0);
      if (out === null) throw new Error('XML document could not be converted');
      return out;
    });
}

function unarchiverFor(format: string): Unarchiver | { async: AsyncUnarchiver } {
  switch (format) {
    case 'binary':
      return (msg) => deserialiseParts(msg.asBytes()).map((p) => withBytes(msg, p));
    case 'lines': {
      return (msg) => {
        // Every line, including an empty one after a trailing line break, as Benthos splits.
        const b = msg.asBytes();
        const out: Message[] = [];
        let start = 0;
        for (let nl = b.indexOf(0x0a); nl >= 0; nl = b.indexOf(0x0a, start)) {
          out.push(withBytes(msg, b.subarray(start, nl)));
          start = nl + 1;
        }
        out.push(withBytes(msg, b.subarray(start)));
        return out;
      };
    }
    case 'json_documents':
      return (msg) => parseJsonDocuments(msg.asString()).map((v) => withValue(msg, v));
    case 'json_array':
      return (msg) => {
        const v = structured(msg, 'array');
        if (!Array.isArray(v)) throw new Error(`failed to parse message into JSON array: invalid type '${typeName(v)}'`);
        return v.map((e) => withValue(msg, e));
      };
    case 'json_map':
      return (msg) => {
        const v = structured(msg, 'map');
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`failed to parse message into JSON map: invalid type '${typeName(v)}'`);
        return Object.entries(v).map(([k, e]) => {
          const m = withValue(msg, e);
          m.setMeta('archive_key', k);
          return m;
        });
      };
    case 'tar':
      return { async: async (msg) => fromEntries(msg, await readTar(msg.asBytes())) };
    case 'zip':
      return { async: async (msg) => fromEntries(msg, await readZip(msg.asBytes())) };
    case 'csv':
      return csvUnarchiver(',');
    case 'xml_documents_to_json':
      return xmlUnarchiver(false);
    case 'xml_documents_to_json:cast':
      return xmlUnarchiver(true);
    default:
      if (format.startsWith('csv:')) {
        const d = format.slice(4);
        const bad = d === '' ? 'csv format requires a non-empty delimiter' : checkCsvDelimiter(d);
        if (bad) throw new Error(bad);
        return csvUnarchiver(d);
      }
      throw new Error(`archive format not recognised: ${format}`);
  }
}

function checkFormat(v: unknown): string | undefined {
  const s = String(v);
  if (FORMATS.includes(s) && s !== 'csv:x') return undefined;
  if (s.startsWith('csv:')) {
    const d = s.slice(4);
    return d === '' ? 'csv format requires a non-empty delimiter' : checkCsvDelimiter(d);
  }
  return `archive format not recognised: ${s}`;
}

registerProcessor(
  {
    name: 'unarchive',
    summary: 'Unarchives messages according to the selected archive format into multiple messages within a batch.',
    description:
      'When a message is unarchived the new messages replace the original message in the batch. Messages that fail to unarchive (invalid format) remain unchanged in the batch but are flagged as having failed, allowing you to error handle them.\n\n' +
      '## Metadata\n\n' +
      'The metadata found on the messages handled by this processor will be copied into the resulting messages. For the unarchive formats that contain file information (tar, zip), a metadata field is also added to each message called `archive_filename` with the extracted filename. `json_map` adds `archive_key` with the key of each element.\n\n' +
      'Formats:\n\n' +
      '- `binary`: Extract messages from the binary blob format written by the `archive` processor.\n' +
      '- `csv`: Parse the message as a csv file (header required) and for each row expand its contents into a JSON object in a new message.\n' +
      '- `csv:x`: As `csv` with a custom single-character delimiter, e.g. `csv:\\t` for a tab delimited file.\n' +
      '- `json_array`: Parse the message as a JSON array, and extract each element into its own message.\n' +
      '- `json_documents`: Parse the message as a stream of concatenated JSON documents. Each parsed document is expanded into a new message.\n' +
      '- `json_map`: Parse the message as a JSON map and expand each element of the map into a new message, with metadata `archive_key` set to its key.\n' +
      '- `lines`: Extract the lines of a message each into their own message.\n' +
      '- `tar`: Extract messages from a unix standard tape archive.\n' +
      '- `xml_documents_to_json`: Parse the message as a stream of concatenated XML documents. Each parsed document is expanded into a new message (as JSON, with the conventions of `parse_xml`).\n' +
      '- `xml_documents_to_json:cast`: As `xml_documents_to_json`, casting number and boolean values to their types.\n' +
      '- `zip`: Extract messages from a zip file.',
    categories: ['Parsing', 'Utility'],
    config: objectConfig([
      field
        .string('format', `The unarchiving format to apply: ${FORMATS.join(', ')}.`)
        .check(checkFormat)
        .examples('lines', 'json_array', 'csv', 'csv:;', 'tar'),
    ]),
  },
  (conf: { format: string }, res: Resources): Processor => {
    const unarchive = unarchiverFor(conf.format);
    // A failure flags the message (messageProcessor does that) and leaves it unchanged.
    const logFailure = (e: unknown): never => {
      res.logger.error(`Failed to unarchive message part: ${errorMessage(e)}`);
      throw e;
    };
    if (typeof unarchive !== 'function') {
      const run = unarchive.async;
      return messageProcessor((msg) => run(msg).catch(logFailure));
    }
    return messageProcessor((msg) => {
      try {
        return unarchive(msg);
      } catch (e) {
        return logFailure(e);
      }
    });
  },
);
