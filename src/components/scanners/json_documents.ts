import { registerScanner, objectConfig, Message, type Scanner } from '../../plugin/index.js';
import { ChunkedReader } from '../_shared/chunked_reader.js';
import { JsonDocumentSplitter } from '../_shared/scanner_json_splitter.js';

registerScanner(
  {
    name: 'json_documents',
    summary: 'Consumes a stream of one or more JSON documents.',
    description: 'Documents may follow each other directly or be separated by whitespace, e.g. `{"a":1}{"b":2}` or one document per line. Invalid JSON stops the stream with an error.',
    config: objectConfig([]),
  },
  () => ({
    create(stream): Scanner {
      const reader = new ChunkedReader(stream);
      const splitter = new JsonDocumentSplitter();
      let ended = false;
      return {
        async next() {
          for (;;) {
            const doc = splitter.next(ended);
            if (doc !== undefined) return [toMessage(JSON.parse(doc.toString('utf8')))];
            if (ended) return null;
            const chunk = await reader.next();
            if (chunk === null) ended = true;
            else splitter.push(chunk);
          }
        },
        async close() {
          reader.destroy();
        },
      };
    },
  }),
);

/**
 * A structured message, as Benthos sets it. A string document stays JSON (`"text"` with its
 * quotes) like Go's marshalling of a structured string, rather than becoming raw text.
 */
function toMessage(value: unknown): Message {
  if (typeof value === 'string') return Message.fromBytes(Buffer.from(JSON.stringify(value)));
  return Message.fromStructured(value);
}
