import { registerScanner, field, objectConfig, type ComponentConfig, type Resources } from '../../plugin/index.js';
import { chunksOf, closingSource, readableFrom } from '../_shared/scanner_stream.js';
import { bomLength } from '../_shared/scanner_bom.js';

registerScanner(
  {
    name: 'skip_bom',
    summary: 'Skip one or more byte order marks for each opened child scanner.',
    description: 'A byte order mark of UTF-8, UTF-16 (either byte order) or UTF-32 (either byte order) at the start of the stream is removed.',
    config: objectConfig([
      field.component('scanner', 'into', 'The child scanner to feed the resulting stream into.').default({ to_the_end: {} }),
    ]),
  },
  async (conf: { into: ComponentConfig }, res: Resources) => {
    const inner = await res.buildScanner(conf.into);
    return {
      create(stream, details) {
        return closingSource(inner.create(readableFrom(withoutBom(stream)), details), stream);
      },
    };
  },
);

async function* withoutBom(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer, void, undefined> {
  let head: Buffer = Buffer.alloc(0);
  let decided = false;
  for await (const chunk of chunksOf(stream)) {
    if (decided) {
      yield chunk;
      continue;
    }
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    // Four bytes tell every BOM apart (UTF-32 LE starts like UTF-16 LE).
    if (head.length < 4) continue;
    decided = true;
    yield head.subarray(bomLength(head));
  }
  if (!decided && head.length > 0) yield head.subarray(bomLength(head));
}
