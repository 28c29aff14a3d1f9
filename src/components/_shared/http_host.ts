/**
 * The servers that `http_server` inputs and outputs register their endpoints on.
 *
 * - A non-empty `address` gets its own Node server, shared (reference counted) by every component
 *   of the process that names the same address, as Benthos shares one mux per address. Port 0
 *   is never shared: each such component gets a fresh ephemeral port.
 * - An empty `address` registers on the service-wide server (`http.address`) through
 *   `src/plugin/shared_routes.ts`. When no service-wide server consults that registry (`http.enabled:
 *   false`, or it failed to start), acquiring fails with a message that says so: the engine keeps
 *   retrying the connection and `/ready` reports not ready.
 *
 * Own servers use safer limits than Node's defaults (each documented on the component fields):
 * headers must arrive within 10 s (slowloris), a whole request within 60 s, headers are capped
 * at 16 KiB (answered 431 by Node), and at most 1,024 sockets are open at once. The component
 * that creates a server may set other limits; components sharing that address get its limits.
 */
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { addSharedHandler, sharedServerAvailable } from '../../plugin/index.js';
import { Router } from './http_router.js';

export const HEADERS_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 60_000;
export const MAX_HEADER_SIZE = 16 * 1024;
export const MAX_CONNECTIONS = 1024;
const CLOSE_GRACE_MS = 2000;

export interface HostOptions {
  address: string;
  certFile: string;
  keyFile: string;
  /** Who asks, for error messages (e.g. "http_server input"). */
  owner: string;
  /** Limits of a server this call creates (defaults above); ignored when the server exists. */
  limits?: Partial<ServerLimits>;
}

export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_LIMITS: ServerLimits = { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, maxConnections: MAX_CONNECTIONS };

/** Node checks the header/request timeouts only every this often: often enough for short timeouts. */
export function checkingIntervalMs(l: ServerLimits): number {
  const shortest = Math.min(l.headersTimeoutMs || Infinity, l.requestTimeoutMs || Infinity);
  return Math.max(50, Math.min(1000, Math.floor(shortest / 4)));
}

export interface HttpHost {
  readonly router: Router;
  /** Where it listens; undefined on the service-wide server (its address is the lead's config). */
  readonly address: AddressInfo | undefined;
  readonly tls: boolean;
  release(): Promise<void>;
}

interface OwnServer {
  server: http.Server;
  router: Router;
  refs: number;
  tls: boolean;
  listening: Promise<AddressInfo>;
}

const ownServers = new Map<string, OwnServer>();

/** "host:port", ":port" or "port"; an empty host means loopback, like the service-wide server. */
export function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const host = i > 0 ? address.slice(0, i).replace(/^\[|\]$/g, '') : '127.0.0.1';
  const port = Number(i >= 0 ? address.slice(i + 1) : address);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid address "${address}": expected host:port`);
  return { host, port };
}

let sharedRouter: Router | undefined;
let sharedRefs = 0;
let removeShared: (() => void) | undefined;

export async function acquireHost(opts: HostOptions): Promise<HttpHost> {
  if (opts.address === '') return acquireShared(opts);
  const { host, port } = splitHostPort(opts.address);
  const tls = opts.certFile !== '' || opts.keyFile !== '';
  if (tls && (opts.certFile === '' || opts.keyFile === '')) throw new Error(`${opts.owner}: cert_file and key_file must both be set to enable TLS`);
  const key = port === 0 ? undefined : `${host}:${port}`;
  let own = key ? ownServers.get(key) : undefined;
  if (own && own.tls !== tls) throw new Error(`${opts.owner}: ${opts.address} is already served ${own.tls ? 'with' : 'without'} TLS by another component`);
  if (!own) {
    own = createOwnServer(host, port, tls ? { cert: readFileSync(opts.certFile), key: readFileSync(opts.keyFile) } : undefined, opts.owner, { ...DEFAULT_LIMITS, ...opts.limits });
    if (key) ownServers.set(key, own);
    own.listening.catch(() => {
      if (key && ownServers.get(key) === own) ownServers.delete(key);
    });
  }
  own.refs++;
  let address: AddressInfo;
  try {
    address = await own.listening;
  } catch (e) {
    own.refs--;
    throw e;
  }
  const server = own;
  let released = false;
  return {
    router: server.router,
    address,
    tls,
    release: async () => {
      if (released) return;
      released = true;
      if (--server.refs > 0) return;
      if (key && ownServers.get(key) === server) ownServers.delete(key);
      await new Promise<void>((resolve) => {
        // Busy sockets get a moment to finish their response; then everything goes, so a request
        // whose acknowledgement never comes cannot hold the shutdown open.
        const force = setTimeout(() => server.server.closeAllConnections(), CLOSE_GRACE_MS);
        server.server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.server.closeIdleConnections();
      });
    },
  };
}

function createOwnServer(host: string, port: number, tls: { cert: Buffer; key: Buffer } | undefined, owner: string, limits: ServerLimits): OwnServer {
  const router = new Router();
  const options: http.ServerOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxHeaderSize: MAX_HEADER_SIZE,
    // Node checks the two timeouts above only this often (default 30 s, which lets slowloris linger).
    connectionsCheckingInterval: checkingIntervalMs(limits),
    // Strict llhttp parsing: conflicting Content-Length / Transfer-Encoding is a 400.
    insecureHTTPParser: false,
  };
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (!router.handleRequest(req, res)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'content-length': 10 });
      res.end('Not Found\n');
    }
  };
  const server = tls ? https.createServer({ ...options, cert: tls.cert, key: tls.key }, onRequest) : http.createServer(options, onRequest);
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  server.on('upgrade', (req, socket, head) => {
    if (!router.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  // A broken client socket must never become an unhandled 'error' event.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable && !socket.destroyed) {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      // end() only half-closes: a client that never reads (slowloris) would keep the socket and
      // its file descriptor. The answer gets a moment to leave, then the socket goes.
      setTimeout(() => socket.destroy(), 50).unref();
    } else socket.destroy();
  });
  const listening = new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`${owner}: cannot listen on ${host}:${port}: ${(e as Error).message}`)));
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
  // After a successful listen, later server errors are logged by nobody: keep them from crashing.
  server.on('error', () => {});
  return { server, router, refs: 0, tls: !!tls, listening };
}

function acquireShared(opts: HostOptions): HttpHost {
  if (!sharedServerAvailable()) {
    throw new Error(
      `${opts.owner}: address is empty, so it needs the service-wide HTTP server (http.address), which is not running (http.enabled: false, or it failed to start); set an explicit address`,
    );
  }
  if (opts.certFile || opts.keyFile) throw new Error(`${opts.owner}: cert_file and key_file are only valid with a custom address`);
  if (!sharedRouter) {
    const router = new Router();
    sharedRouter = router;
    removeShared = addSharedHandler({
      request: (req, res) => router.handleRequest(req, res),
      upgrade: (req, socket, head) => router.handleUpgrade(req, socket, head),
    });
  }
  sharedRefs++;
  let released = false;
  return {
    router: sharedRouter,
    address: undefined,
    tls: false,
    release: async () => {
      if (released) return;
      released = true;
      if (--sharedRefs === 0) {
        removeShared?.();
        removeShared = undefined;
        sharedRouter = undefined;
      }
    },
  };
}
