import {
  registerOutput,
  field,
  objectConfig,
  compileInterpolation,
  maxInFlightField,
  errorMessage,
  PermanentError,
  type Output,
  type Resources,
  type Message,
} from '../../plugin/index.js';
import { makeCodec, checkCodec } from '../_shared/codec_writer.js';
import { FileHandlePool } from '../_shared/file_handle_pool.js';
import { PathGuard, PathRejectedError, lintInterpolatedPathWithoutBase } from '../_shared/file_path_guard.js';
import { mkdir } from 'node:fs/promises';

interface FileOutputConfig {
  path: string;
  codec: string;
  base_dir?: string;
  max_in_flight: number;
}

/** How long an unused file stays open, and how many may be open at once. */
const IDLE_CLOSE_MS = 10_000;
const MAX_OPEN_FILES = 256;
/** Resolved paths remembered per raw path, so a busy file is not re-checked per message. */
const RESOLVED_CACHE_SIZE = 1024;

registerOutput(
  {
    name: 'file',
    summary: 'Writes messages to files on disk based on a chosen codec.',
    description: [
      'Messages can be written to different files by using interpolation functions in the path field. Unlike Benthos, which keeps',
      'one file open at a time, Sluice keeps a file open per path and closes files that were idle for 10 seconds (at most 256 stay open).',
      '',
      'A write completes once the bytes were handed to the operating system (no fsync).',
      '',
      'Differences from Benthos, for safety: new directories are created with mode 0755 and new files with 0644 (Benthos uses',
      '0777 and 0666, both minus the umask). With `base_dir` set, every path must stay inside that directory; a path that',
      'escapes fails the write of its batch with an error naming the path, and the stream goes on with the other messages.',
    ].join('\n'),
    categories: ['Local'],
    lint: lintInterpolatedPathWithoutBase,
    config: objectConfig([
      field
        .interpolated('path', 'The file to write to; if the file does not exist yet it is created. This field supports interpolation functions.')
        .examples('/tmp/data.txt', '/tmp/${! timestamp_unix() }.txt', '/tmp/${! json("document.id") }.json'),
      field
        .string(
          'codec',
          'The way in which the bytes of messages are written: `lines` (each message followed by a line break), `delim:x` (followed by the custom delimiter x), ' +
            '`append` (no delimiter) or `all-bytes` (each message replaces the whole file). A batch of more than one message written with `lines` or `delim:x` ends with an extra delimiter.',
        )
        .default('lines')
        .examples('lines', 'delim:\t', 'delim:foobar')
        .check(checkCodec),
      field
        .string(
          'base_dir',
          'A Sluice extension. When set, every resolved path must stay inside this directory: relative paths are taken relative to it, and a path is ' +
            'refused when it is empty, holds a NUL byte, is longer than 4096 characters, ends with a separator, names the directory itself, hides `..` ' +
            'behind percent-encoding, a backslash or Unicode look-alikes, leaves the directory after normalisation or through a symbolic link, or is a ' +
            'symbolic link itself. A refused path fails the write of its batch. Recommended whenever `path` is interpolated from message data.',
        )
        .optional()
        .examples('/var/lib/sluice/out'),
      maxInFlightField(1).description('A Sluice extension: the most batches written at once (writes to one file still land in order).').advanced(),
    ]),
    examples: [
      {
        title: 'One file per key, kept inside a directory',
        summary: 'Each message goes to a file named after its Kafka key; keys such as `../../etc/passwd` are refused.',
        config: 'input:\n  stdin: {}\noutput:\n  file:\n    path: \'${! meta("kafka_key") }.txt\'\n    base_dir: /tmp/out\n    codec: lines\n',
      },
    ],
  },
  (conf: FileOutputConfig, res: Resources): Output => {
    const codec = makeCodec(conf.codec);
    const delimiter = codecDelimiter(conf.codec);
    const interp = compileInterpolation(conf.path);
    const hasBase = conf.base_dir !== undefined && conf.base_dir !== '';
    if (!interp.isStatic && !hasBase) {
      res.logger.warn('file output: path is interpolated from message data but base_dir is not set, so messages can write anywhere this process may write');
    }
    const pool = new FileHandlePool({ idleMs: IDLE_CLOSE_MS, maxOpen: MAX_OPEN_FILES, noFollow: hasBase });
    let guard: PathGuard | undefined;
    const resolved = new Map<string, string>();

    const resolvePath = async (raw: string): Promise<string> => {
      const known = resolved.get(raw);
      if (known !== undefined) return known;
      let p: string;
      if (guard) p = await guard.resolve(raw);
      else {
        if (raw === '') throw new PathRejectedError('the path is empty', raw);
        if (raw.includes('\0')) throw new PathRejectedError('the path contains a NUL byte', raw);
        p = raw;
      }
      if (resolved.size >= RESOLVED_CACHE_SIZE) resolved.clear();
      resolved.set(raw, p);
      return p;
    };

    /** The target file of each message; every path is checked before anything is written. */
    const targetsOf = async (batch: Message[]): Promise<string[]> => {
      if (interp.isStatic) return new Array<string>(batch.length).fill(await resolvePath(interp.render(batch, 0)));
      const out = new Array<string>(batch.length);
      const errors: Error[] = [];
      for (let i = 0; i < batch.length; i++) {
        try {
          out[i] = await resolvePath(interp.render(batch, i));
        } catch (e) {
          errors.push(e instanceof PathRejectedError ? e : new Error(`file output: cannot resolve the path of message ${i}: ${errorMessage(e)}`));
        }
      }
      if (errors.length === 1) throw errors[0]!;
      if (errors.length > 1) throw new PermanentError('E_PATH_REJECTED', `${errors[0]!.message} (and ${errors.length - 1} more messages of this batch refused)`);
      return out;
    };

    const output: Output = {
      maxInFlight: conf.max_in_flight,
      async connect() {
        if (hasBase && !guard) {
          await mkdir(conf.base_dir!, { recursive: true, mode: 0o755 });
          guard = await PathGuard.create(conf.base_dir!);
        }
      },
      async write(batch) {
        const targets = await targetsOf(batch);
        if (codec.replaces) {
          // all-bytes: each message replaces its file, in batch order.
          for (let i = 0; i < batch.length; i++) await pool.replace(targets[i]!, batch[i]!.asBytes());
          return;
        }
        if (interp.isStatic) {
          await pool.append(targets[0]!, codec.encode(batch));
          return;
        }
        // Group per file, keeping the order of messages within each file.
        const groups = new Map<string, Buffer[]>();
        for (let i = 0; i < batch.length; i++) {
          let parts = groups.get(targets[i]!);
          if (!parts) groups.set(targets[i]!, (parts = []));
          parts.push(batch[i]!.asBytes());
          if (delimiter) parts.push(delimiter);
        }
        // The end-of-batch delimiter goes to the file of the batch's last message, as in Benthos.
        if (delimiter && batch.length > 1) groups.get(targets[batch.length - 1]!)!.push(delimiter);
        await Promise.all([...groups].map(([p, parts]) => pool.append(p, parts.length === 1 ? parts[0]! : Buffer.concat(parts))));
      },
      async close() {
        await pool.close();
      },
    };
    // Group commit for one fixed file: batches that queued behind a busy write are appended with
    // one write. (With an interpolated path each batch stays on its own, so a refused path fails
    // only the batch that names it.)
    if (interp.isStatic && !codec.replaces) {
      output.writeMany = async (batches) => {
        const target = await resolvePath(interp.render(batches[0]!, 0));
        await pool.append(target, codec.encodeMany(batches));
      };
    }
    return output;
  },
);

function codecDelimiter(codec: string): Buffer | null {
  if (codec === 'lines') return Buffer.from('\n');
  if (codec.startsWith('delim:')) return Buffer.from(codec.slice('delim:'.length));
  return null;
}
