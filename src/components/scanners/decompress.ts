import { pipeline, type Readable } from 'node:stream';
import { createGunzip, createInflate, createInflateRaw } from 'node:zlib';
import { DecompressStream } from 'zstd-napi';
import { registerScanner, field, objectConfig, type ComponentConfig, type Resources } from '../../plugin/index.js';
import { closingSource, readableFrom } from '../_shared/scanner_stream.js';
import { decodeLz4Frames } from '../_shared/scanner_lz4.js';
import { decodeSnappyFrames } from '../_shared/scanner_snappy.js';
import { decodeBzip2 } from '../_shared/scanner_bzip2.js';

const ALGORITHMS = ['gzip', 'pgzip', 'zlib', 'bzip2', 'flate', 'snappy', 'lz4', 'zstd'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

/** A stream of the decompressed bytes of `source`, pulled as the child scanner needs them. */
function decompressor(algorithm: Algorithm, source: NodeJS.ReadableStream): Readable {
  const through = (t: NodeJS.ReadWriteStream & Readable): Readable => {
    // pipeline carries back pressure and turns a source error into an error of `t`.
    pipeline(source, t, () => {});
    return t;
  };
  switch (algorithm) {
    case 'gzip':
    case 'pgzip':
      return through(createGunzip());
    case 'zlib':
      return through(createInflate());
    case 'flate':
      return through(createInflateRaw());
    case 'zstd':
      return through(new DecompressStream() as unknown as NodeJS.ReadWriteStream & Readable);
    case 'snappy':
      return readableFrom(decodeSnappyFrames(source));
    case 'lz4':
      return readableFrom(decodeLz4Frames(source));
    case 'bzip2':
      return readableFrom(decodeBzip2(source));
  }
}

registerScanner(
  {
    name: 'decompress',
    summary: 'Decompress the stream of bytes according to an algorithm, before feeding it into a child scanner.',
    description:
      'The stream is decompressed as the child scanner reads it, so a large compressed file is processed in bounded memory. ' +
      '`snappy` reads the Snappy framing format and `lz4` the LZ4 frame format (as Go\'s readers do); their checksums are not verified. ' +
      '`pgzip` is read like `gzip`.',
    config: objectConfig([
      field.string('algorithm', 'One of `gzip`, `pgzip`, `zlib`, `bzip2`, `flate`, `snappy`, `lz4`, `zstd`.').options(...ALGORITHMS),
      field.component('scanner', 'into', 'The child scanner to feed the decompressed stream into.').default({ to_the_end: {} }),
    ]),
  },
  async (conf: { algorithm: Algorithm; into: ComponentConfig }, res: Resources) => {
    if (!ALGORITHMS.includes(conf.algorithm)) throw new Error(`decompress: unknown algorithm "${conf.algorithm}"`);
    const inner = await res.buildScanner(conf.into);
    return {
      create(stream, details) {
        return closingSource(inner.create(decompressor(conf.algorithm, stream), details), stream);
      },
    };
  },
);
