/**
 * `sluice blobl`: run a Bloblang mapping on each line of stdin (or a file) and print each result,
 * as Benthos's `blobl` command does. Lines are plain documents: there is no metadata.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Command } from 'commander';
import { compileBlobl, errorText, mapDocument } from './blobl_exec.js';

/** Benthos's default: Go's bufio.MaxScanTokenSize. */
export const DEFAULT_MAX_TOKEN_LENGTH = 64 * 1024;

export interface BloblOptions {
  mapping?: string;
  file?: string;
  input?: string;
  raw?: boolean;
  pretty?: boolean;
  /** Accepted for Benthos compatibility; Node maps lines on one thread, so order is always kept. */
  threads?: string;
  maxTokenLength?: string;
  envFiles?: string[];
  /** For tests: where lines come from and where results and errors go. */
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** blobl's arguments, options and help, Benthos's flags with Benthos's names. */
export function configureBloblCommand(cmd: Command): Command {
  return cmd
    .description('execute a Bloblang mapping on each line of input, or serve a playground (blobl server)')
    .argument('[mapping]', 'the mapping (or use --file)')
    .option('-f, --file <file>', 'execute a mapping from a file')
    .option('-i, --input <file>', 'read input lines from a file instead of stdin')
    .option('-r, --raw', 'consume raw strings: `this` is each line as text, not parsed as JSON', false)
    .option('-p, --pretty', 'pretty-print JSON results', false)
    .option('-t, --threads <n>', 'accepted for Benthos compatibility (lines are mapped in order on one thread)')
    .option('--max-token-length <bytes>', 'the longest input line accepted, in bytes', String(DEFAULT_MAX_TOKEN_LENGTH))
    .option('-e, --env-file <file>', 'import environment variables from a dotenv file; repeatable', collect, [])
    .addHelpText(
      'after',
      `
Each input line is one document. The result is printed on its own line: a
string as it is, anything else as JSON. A line whose mapping fails prints
"failed to execute map: ..." on stderr and the next line is mapped; a deleted
document prints nothing. A mapping that does not parse prints the error with
its position and exits 1. There is no metadata (meta() is empty).

Examples:
  $ echo '{"a":1}' | sluice blobl 'root.b = this.a + 1'
  $ cat docs.jsonl | sluice blobl -f ./mapping.blobl --pretty
  $ sluice blobl -i input.txt --raw 'root = this.uppercase()'
  $ sluice blobl server                       open the playground in a browser
`,
    );
}

/** Parse blobl's own arguments (everything after `blobl`) into options for bloblCommand. */
export function parseBloblArgs(args: string[]): BloblOptions {
  const cmd = configureBloblCommand(new Command('blobl'));
  cmd.parse(args, { from: 'user' });
  const o = cmd.opts();
  return {
    mapping: cmd.args[0],
    file: o.file as string | undefined,
    input: o.input as string | undefined,
    raw: o.raw as boolean,
    pretty: o.pretty as boolean,
    threads: o.threads as string | undefined,
    maxTokenLength: o.maxTokenLength as string,
    envFiles: o.envFile as string[],
  };
}

export async function bloblCommand(opts: BloblOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const fail = (msg: string): number => {
    stderr.write(`${msg}\n`);
    return 1;
  };

  const maxTokenLength = opts.maxTokenLength === undefined ? DEFAULT_MAX_TOKEN_LENGTH : Number(opts.maxTokenLength);
  if (!Number.isInteger(maxTokenLength) || maxTokenLength <= 0) {
    return fail(`invalid --max-token-length ${JSON.stringify(opts.maxTokenLength)}: expected a positive number of bytes`);
  }

  // Environment first: env() with a literal name is resolved when the mapping compiles.
  try {
    for (const f of opts.envFiles ?? []) loadEnvFile(f);
  } catch (err) {
    return fail(`failed to read env file: ${errorText(err)}`);
  }

  let src: string;
  let importDir: string | undefined;
  if (opts.file !== undefined) {
    if (opts.mapping !== undefined) return fail('give the mapping either as an argument or with --file, not both');
    try {
      src = readFileSync(opts.file, 'utf8');
    } catch (err) {
      return fail(`failed to read mapping file: ${errorText(err)}`);
    }
    // Imports inside a mapping file are relative to that file, as in Benthos.
    importDir = dirname(resolve(opts.file));
  } else if (opts.mapping !== undefined) {
    src = opts.mapping;
  } else {
    return fail('a mapping is required: sluice blobl [options] <mapping>, or --file mapping.blobl');
  }

  const compiled = compileBlobl(src, importDir);
  if ('error' in compiled) return fail(`failed to parse mapping: ${compiled.error.formatted}`);
  const { mapping } = compiled;

  let input: Readable;
  try {
    input = opts.input !== undefined ? await openFile(opts.input) : (opts.stdin ?? process.stdin);
  } catch (err) {
    return fail(`failed to open input file: ${errorText(err)}`);
  }

  const raw = opts.raw === true;
  const pretty = opts.pretty === true;
  let tooLong = false;
  for await (const lines of splitLines(input, maxTokenLength, () => (tooLong = true))) {
    let out = '';
    for (const line of lines) {
      try {
        const result = mapDocument(mapping, line, raw, pretty);
        // A deleted document prints nothing: `root = deleted()` filters lines.
        if (result !== null) out += result + '\n';
      } catch (err) {
        // One failing line does not stop the others.
        stderr.write(`failed to execute map: ${errorText(err)}\n`);
      }
    }
    if (out !== '' && !stdout.write(out)) await new Promise<void>((r) => stdout.once('drain', r));
  }
  if (tooLong) return fail(`a line is longer than --max-token-length (${maxTokenLength} bytes); raise the limit to map it`);
  return 0;
}

function openFile(path: string): Promise<Readable> {
  return new Promise((resolvePromise, reject) => {
    const s = createReadStream(path);
    s.once('open', () => resolvePromise(s));
    s.once('error', reject);
  });
}

/**
 * The lines of a stream, yielded per chunk read (so output can be written per chunk), without the
 * `\n` or `\r\n` ending. A final line without a newline counts. Stops (calling onTooLong) at a
 * line longer than maxLength bytes, as Go's bufio.Scanner does, so memory stays bounded.
 */
export async function* splitLines(stream: Readable, maxLength: number, onTooLong: () => void): AsyncGenerator<Buffer[]> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    const buf: Buffer = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end - start > maxLength) {
        if (lines.length > 0) yield lines;
        onTooLong();
        return;
      }
      lines.push(buf.subarray(start, end));
      start = nl + 1;
    }
    pending = buf.subarray(start);
    if (lines.length > 0) yield lines;
    if (pending.length > maxLength + 1) {
      onTooLong();
      return;
    }
  }
  if (pending.length > 0) {
    const end = pending[pending.length - 1] === 13 ? pending.length - 1 : pending.length;
    if (end > maxLength) onTooLong();
    else yield [pending.subarray(0, end)];
  }
}

/**
 * Load KEY=VALUE lines (a dotenv file) into process.env: `#` comments, optional `export `, and
 * single or double quotes (double quotes understand \n, \t, \\ and \").
 */
export function loadEnvFile(path: string): void {
  const text = readFileSync(path, 'utf8');
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/.exec(line);
    if (!m) throw new Error(`${path}: not a KEY=VALUE line: ${rawLine}`);
    process.env[m[1]!] = envValue(m[2]!);
  }
}

function envValue(v: string): string {
  if (v.startsWith('"')) {
    const end = v.lastIndexOf('"');
    const body = end > 0 ? v.slice(1, end) : v.slice(1);
    return body.replace(/\\([nrt"\\])/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
  }
  if (v.startsWith("'")) {
    const end = v.lastIndexOf("'");
    return end > 0 ? v.slice(1, end) : v.slice(1);
  }
  // Unquoted: a ` #` starts a comment.
  const hash = v.search(/\s#/);
  return (hash === -1 ? v : v.slice(0, hash)).trim();
}
