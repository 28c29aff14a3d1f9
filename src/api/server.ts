/**
 * The operational HTTP server: /ping, /ready, /version and /metrics (Prometheus text), served both
 * at the root and under `http.root_path`, as Benthos does.
 *
 * Safety (see docs/operations.md): it binds 127.0.0.1 unless `http.address` says otherwise; its
 * own endpoints are read-only (GET/HEAD, anything else is 405) and there is no streams API or
 * debug endpoint that could change what runs. `http.basic_auth` (Benthos's fields) guards every
 * path, component paths included, with constant-time comparison and 401 + WWW-Authenticate.
 * Slow clients are cut off as on the `http_server` input's own servers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpConfig } from '../config/stream_config.js';
import { VERSION } from '../version.js';
import { attachSharedRoutes, handleSharedRequest } from '../plugin/shared_routes.js';
import { BasicAuthGuard, type BasicAuthConfig } from '../components/_shared/http_server_auth.js';

/** Limits as on the http_server input's own servers (src/components/_shared/http_host.ts). */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const MAX_HEADER_SIZE = 16 * 1024;
const MAX_CONNECTIONS = 1024;

export interface ApiState {
  ready(): boolean;
  metricsText(): string;
}

export interface ApiServer {
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/** Splits "host:port" (or ":port"); an empty host means loopback, the safe default. */
export function splitAddress(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  const host = i > 0 ? address.slice(0, i).replace(/^\[|\]$/g, '') : '127.0.0.1';
  const port = Number(i >= 0 ? address.slice(i + 1) : address);
  return { host, port: Number.isFinite(port) ? port : 4195 };
}

export function startApiServer(conf: HttpConfig & { basic_auth?: Partial<BasicAuthConfig> }, state: ApiState): Promise<ApiServer> {
  let auth: BasicAuthGuard | undefined;
  try {
    auth = BasicAuthGuard.compile(conf.basic_auth, 'http');
  } catch (e) {
    return Promise.reject(e);
  }
  const root = conf.root_path.replace(/\/+$/, '');
  const routes: Record<string, (res: http.ServerResponse) => void> = {
    '/ping': (res) => send(res, 200, 'text/plain', 'pong'),
    '/ready': (res) => (state.ready() ? send(res, 200, 'text/plain', 'OK') : send(res, 503, 'text/plain', 'not ready: input or output is not connected')),
    '/version': (res) => send(res, 200, 'application/json', JSON.stringify({ version: VERSION, built: 'sluice' })),
    '/metrics': (res) => send(res, 200, 'text/plain; version=0.0.4', state.metricsText()),
    '/stats': (res) => send(res, 200, 'text/plain; version=0.0.4', state.metricsText()),
  };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    const local = root && path.startsWith(`${root}/`) ? path.slice(root.length) : path;
    const route = routes[local];
    // Components with an empty `address` (http_server) serve their paths on this server.
    if (!route && handleSharedRequest(req, res)) return;
    if (!route) return send(res, 404, 'text/plain', 'not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    route(res);
  };
  const server = http.createServer(
    { requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: HEADERS_TIMEOUT_MS, maxHeaderSize: MAX_HEADER_SIZE, connectionsCheckingInterval: 1000 },
    auth
      ? (req, res) => {
          const guard = auth!;
          guard.allows(req).then(
            (ok) => (ok ? handle(req, res) : guard.refuse(res, req)),
            () => guard.refuse(res, req),
          );
        }
      : handle,
  );
  server.maxConnections = MAX_CONNECTIONS;
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || socket.destroyed) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    // end() only half-closes; a slow client that never reads must not keep the socket.
    setTimeout(() => socket.destroy(), 50).unref();
  });
  attachSharedRoutes(server);
  if (auth) {
    // Websocket upgrades to component paths need the same credentials.
    const guard = auth;
    const upgradeListeners = server.listeners('upgrade') as Array<(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void>;
    server.removeAllListeners('upgrade');
    server.on('upgrade', (req, socket, head) => {
      guard.allows(req).then(
        (ok) => (ok ? upgradeListeners.forEach((l) => l(req, socket, head)) : guard.refuseUpgrade(socket)),
        () => guard.refuseUpgrade(socket),
      );
    });
  }
  const { host, port } = splitAddress(conf.address);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        address: server.address() as AddressInfo,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
