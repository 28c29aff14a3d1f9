/**
 * `sluice blobl server`: the Bloblang playground. GET / serves one self-contained page; the page
 * POSTs `{mapping, input}` to /execute and shows `{result}`, `{deleted}`, `{parse_error}` or
 * `{mapping_error}`. Meant for a local browser only: it binds to loopback by default and refuses
 * requests addressed to any other host name (DNS rebinding) or sent cross-site without JSON.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { compileBlobl, errorText, mapDocument } from './blobl_exec.js';
import { playgroundPage } from './blobl_page.js';

export interface BloblServerOptions {
  host?: string;
  port?: string | number;
  open?: boolean;
  mappingFile?: string;
  inputFile?: string;
  write?: boolean;
}

export type ExecuteResponse =
  | { result: string }
  | { deleted: true }
  | { parse_error: { line: number; column: number; message: string } }
  | { mapping_error: string };

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAPPING = 'root = this\nroot.greeting = "hello " + this.name.or("world")\n';
const DEFAULT_INPUT = '{"name":"sluice","tags":["fast","tidy"]}\n';

/** Evaluate one playground request. Compiles every time: the mapping changes with each keystroke. */
export function executePlayground(mapping: string, input: string): ExecuteResponse {
  const compiled = compileBlobl(mapping);
  if ('error' in compiled) {
    const { line, column, message } = compiled.error;
    return { parse_error: { line, column, message } };
  }
  try {
    // The playground input is one document; a trailing newline from the editor is not content.
    const result = mapDocument(compiled.mapping, input.replace(/\r?\n$/, ''), false, true);
    return result === null ? { deleted: true } : { result };
  } catch (err) {
    return { mapping_error: errorText(err) };
  }
}

export interface StartedPlayground {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function startPlayground(opts: BloblServerOptions = {}): Promise<StartedPlayground> {
  const host = opts.host ?? '127.0.0.1';
  const port = Number(opts.port ?? 4195);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port ${JSON.stringify(opts.port)}`);
  const initialMapping = opts.mappingFile !== undefined ? readIfExists(opts.mappingFile) ?? '' : DEFAULT_MAPPING;
  const initialInput = opts.inputFile !== undefined ? readIfExists(opts.inputFile) ?? '' : DEFAULT_INPUT;
  const page = playgroundPage({ mapping: initialMapping, input: initialInput });
  const loopbackOnly = isLoopbackHost(host);

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, 'text/plain', errorText(err)));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (loopbackOnly && !isLoopbackHost(hostName(req.headers.host ?? ''))) {
      return send(res, 403, 'text/plain', 'the playground only answers requests addressed to localhost');
    }
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) {
      return send(res, 200, 'text/html; charset=utf-8', page);
    }
    if (path === '/execute') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only', { allow: 'POST' });
      // A JSON content type cannot be sent cross-site without a CORS preflight, which we never grant.
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
        return send(res, 415, 'text/plain', 'expected Content-Type: application/json');
      }
      const body = await readBody(req);
      if (body === null) return send(res, 413, 'text/plain', 'request body too large');
      let parsed: { mapping?: unknown; input?: unknown };
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        return send(res, 400, 'text/plain', 'the body must be JSON: {"mapping": "...", "input": "..."}');
      }
      const mapping = typeof parsed.mapping === 'string' ? parsed.mapping : '';
      const input = typeof parsed.input === 'string' ? parsed.input : '';
      if (opts.write) writeBack(opts, mapping, input);
      return send(res, 200, 'application/json', JSON.stringify(executePlayground(mapping, input)));
    }
    send(res, 404, 'text/plain', 'not found');
  }

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolvePromise();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `http://${shownHost}:${addr.port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The CLI command: serve until SIGINT/SIGTERM. */
export async function bloblServerCommand(opts: BloblServerOptions): Promise<number> {
  let started: StartedPlayground;
  try {
    started = await startPlayground(opts);
  } catch (err) {
    process.stderr.write(`failed to start the playground: ${errorText(err)}\n`);
    return 1;
  }
  process.stdout.write(`Bloblang playground listening on ${started.url}\n`);
  if (!isLoopbackHost(opts.host ?? '127.0.0.1')) {
    process.stderr.write('warning: the playground is reachable from the network; mappings can read environment variables and files\n');
  }
  if (opts.open !== false) openBrowser(started.url);
  await new Promise<void>((resolvePromise) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      started.server.closeAllConnections();
      void started.close().then(resolvePromise);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    // The page is self-contained: nothing may load from elsewhere, and no other site may frame it.
    'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; frame-ancestors 'none'",
    ...headers,
  });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooBig = true;
      else chunks.push(c);
    });
    req.on('end', () => resolvePromise(tooBig ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The host name of a Host header, without port or IPv6 brackets. */
function hostName(header: string): string {
  if (header.startsWith('[')) return header.slice(1, header.indexOf(']'));
  const colon = header.lastIndexOf(':');
  return colon === -1 ? header : header.slice(0, colon);
}

function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function writeBack(opts: BloblServerOptions, mapping: string, input: string): void {
  try {
    if (opts.mappingFile !== undefined) writeFileSync(opts.mappingFile, mapping);
    if (opts.inputFile !== undefined) writeFileSync(opts.inputFile, input);
  } catch (err) {
    process.stderr.write(`failed to write back: ${errorText(err)}\n`);
  }
}

/** Best effort: a missing opener (a headless box) is not an error, the URL is printed anyway. */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {});
    child.unref();
  } catch {
    // Nothing to do: the URL is on stdout.
  }
}
