import {
  registerProcessor,
  field,
  objectConfig,
  compileInterpolation,
  errorMessage,
  toError,
  type Batch,
  type Message,
  type Processor,
  type Resources,
} from '../../plugin/index.js';
import { serialiseParts, writeTar, writeZip, type ArchiveEntry } from '../_shared/proc_archive.js';

const FORMATS = ['binary', 'concatenate', 'json_array', 'lines', 'tar', 'zip'];

/** Builds the content of the archived message; may be async (tar, zip). */
type Archiver = (batch: Batch, names: (i: number) => string) => Buffer | Promise<Buffer> | { structured: unknown };

const ARCHIVERS: Record<string, Archiver> = {
  binary: (batch) => serialiseParts(batch.map((m) => m.asBytes())),
  concatenate: (batch) => Buffer.concat(batch.map((m) => m.asBytes())),
  lines: (batch) => joinWith(batch, 0x0a),
  json_array: (batch) => ({
    structured: batch.map((m) => {
      try {
        // Owned copies: the archive may be mutated later without touching anything else.
        return m.asStructuredMut();
      } catch (e) {
        throw new Error(`failed to parse message as JSON: ${errorMessage(e)}`);
      }
    }),
  }),
  tar: (batch, names) => writeTar(entries(batch, names)),
  zip: (batch, names) => writeZip(entries(batch, names)),
};

function joinWith(batch: Batch, sep: number): Buffer {
  let size = Math.max(0, batch.length - 1);
  for (const m of batch) size += m.byteLength;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  batch.forEach((m, i) => {
    if (i > 0) out[at++] = sep;
    const b = m.asBytes();
    out.set(b, at);
    at += b.length;
  });
  return out;
}

function entries(batch: Batch, names: (i: number) => string): ArchiveEntry[] {
  return batch.map((m, i) => ({ name: names(i), data: m.asBytes() }));
}

registerProcessor(
  {
    name: 'archive',
    summary: 'Archives all the messages of a batch into a single message according to the selected archive format.',
    description:
      "Some archive formats (such as tar, zip) treat each archive item (message part) as a file with a path. Since message parts only contain raw data a unique path must be generated for each part. This can be done by using function interpolations on the 'path' field. For types that aren't file based (such as binary) the file field is ignored.\n\n" +
      'The resulting archived message adopts the metadata of the _first_ message part of the batch.\n\n' +
      'The functionality of this processor depends on being applied across messages that are batched.\n\n' +
      'Formats:\n\n' +
      '- `binary`: Archive messages to a binary blob format (a 4-byte big-endian count, then each message as a 4-byte big-endian length and its bytes).\n' +
      '- `concatenate`: Join the raw contents of each message into a single binary message.\n' +
      '- `json_array`: Attempt to parse each message as a JSON document and append the result to an array, which becomes the contents of the resulting message.\n' +
      '- `lines`: Join the raw contents of each message and insert a line break between each one.\n' +
      '- `tar`: Archive messages to a unix standard tape archive.\n' +
      '- `zip`: Archive messages to a zip file.',
    categories: ['Parsing', 'Utility'],
    config: objectConfig([
      field.string('format', 'The archiving format to apply.').options(...FORMATS),
      field
        .interpolated('path', 'The path to set for each message in the archive (when applicable).')
        .default('')
        .examples('${!count("files")}-${!timestamp_unix_nano()}.txt', '${!meta("kafka_key")}-${!json("id")}.json'),
    ]),
    examples: [
      {
        title: 'Tar Archive',
        summary: 'Tar archive a batch of JSON documents, naming each file after the `doc.id` field of its message.',
        config: 'pipeline:\n  processors:\n    - archive:\n        format: tar\n        path: ${!json("doc.id")}.json\n',
      },
    ],
  },
  (conf: { format: string; path: string }, res: Resources): Processor => {
    const archiver = ARCHIVERS[conf.format];
    if (!archiver) throw new Error(`archive format not recognised: ${conf.format}`);
    const path = compileInterpolation(conf.path);

    const finish = (batch: Batch, content: Buffer | { structured: unknown }): Batch[] => {
      // The archive is the first message with new content: its metadata carries over.
      const out: Message = batch[0]!.copy();
      if (Buffer.isBuffer(content)) out.setBytes(content);
      else out.setStructured(content.structured);
      return [[out]];
    };
    const fail = (batch: Batch, e: unknown): Batch[] => {
      const err = toError(e);
      res.logger.error(`Failed to create archive: ${err.message}`);
      for (const m of batch) m.error = err;
      return [batch];
    };

    return {
      processBatch(batch) {
        if (batch.length === 0) return [];
        const names = (i: number): string => {
          try {
            return path.render(batch, i);
          } catch (e) {
            // As in Benthos, a failed name is logged and the entry is written with an empty one.
            res.logger.error(`Name interpolation error: ${errorMessage(e)}`);
            return '';
          }
        };
        let content: ReturnType<Archiver>;
        try {
          content = archiver(batch, names);
        } catch (e) {
          return fail(batch, e);
        }
        if (content instanceof Promise) return content.then((c) => finish(batch, c), (e) => fail(batch, e));
        return finish(batch, content);
      },
    };
  },
);
