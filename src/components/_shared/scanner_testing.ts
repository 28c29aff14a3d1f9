/**
 * Test support for scanners: build a scanner from its YAML-shaped config (parsed with the real
 * spec, so defaults apply) and run it over chunks of bytes. Used by the scanners' unit tests.
 */
import { Readable } from 'node:stream';
import { parseStreamConfig } from '../../library.js';
import { defaultRegistry, type ComponentConfig, type Message, type Resources, type ScannerFactory } from '../../plugin/index.js';
import { silentLogger } from '../../core/logger.js';
import { noopMetrics } from '../../core/metrics.js';

export async function buildScanner(scanner: Record<string, unknown>): Promise<ScannerFactory> {
  const parsed = parseStreamConfig({ input: { stdin: { scanner } }, output: { drop: {} } });
  if (!parsed.config?.input) throw new Error(`bad scanner config: ${parsed.diagnostics.map((d) => d.message).join('; ')}`);
  const conf = (parsed.config.input.config as { scanner: ComponentConfig }).scanner;
  return build(conf);
}

function build(conf: ComponentConfig): Promise<ScannerFactory> {
  const reg = defaultRegistry.get('scanner', conf.type);
  if (!reg) throw new Error(`no scanner ${conf.type}`);
  const res = {
    logger: silentLogger,
    metrics: noopMetrics,
    label: '',
    path: conf.path,
    signal: new AbortController().signal,
    inputExhausted: () => {},
    buildScanner: (c: ComponentConfig) => build(c),
  } as unknown as Resources;
  return Promise.resolve(reg.create(conf.config, res) as ScannerFactory | Promise<ScannerFactory>);
}

/** A byte stream delivering `chunks` one by one (to exercise records split across chunks). */
export function streamOf(chunks: Buffer[]): Readable {
  return Readable.from(chunks, { objectMode: false });
}

/** Split a buffer into pieces of `size` bytes. */
export function pieces(data: Buffer | string, size: number): Buffer[] {
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
}

/** Every message a scanner gives for `data`, fed in chunks of `chunkSize` bytes. */
export async function scanAll(
  scanner: Record<string, unknown>,
  data: Buffer | string,
  opts: { chunkSize?: number; name?: string } = {},
): Promise<Message[]> {
  const factory = await buildScanner(scanner);
  const b = typeof data === 'string' ? Buffer.from(data) : data;
  const s = factory.create(streamOf(pieces(b, opts.chunkSize ?? 65536)), { name: opts.name ?? 'test' });
  const out: Message[] = [];
  try {
    for (let batch = await s.next(); batch !== null; batch = await s.next()) out.push(...batch);
  } finally {
    await s.close();
  }
  return out;
}

/** Message contents as strings. */
export function texts(msgs: Message[]): string[] {
  return msgs.map((m) => m.asString());
}
