/**
 * The operational HTTP server: /ping, /ready, /version and /metrics (Prometheus text), served both
 * at the root and under `http.root_path`, as Benthos does.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpConfig } from '../config/stream_config.js';
import { VERSION } from '../version.js';
import { attachSharedRoutes, handleSharedRequest } from '../plugin/shared_routes.js';

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

export function startApiServer(conf: HttpConfig, state: ApiState): Promise<ApiServer> {
  const root = conf.root_path.replace(/\/+$/, '');
  const routes: Record<string, (res: http.ServerResponse) => void> = {
    '/ping': (res) => send(res, 200, 'text/plain', 'pong'),
    '/ready': (res) => (state.ready() ? send(res, 200, 'text/plain', 'OK') : send(res, 503, 'text/plain', 'not ready: input or output is not connected')),
    '/version': (res) => send(res, 200, 'application/json', JSON.stringify({ version: VERSION, built: 'sluice' })),
    '/metrics': (res) => send(res, 200, 'text/plain; version=0.0.4', state.metricsText()),
    '/stats': (res) => send(res, 200, 'text/plain; version=0.0.4', state.metricsText()),
  };
  const server = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const local = root && path.startsWith(`${root}/`) ? path.slice(root.length) : path;
    const route = routes[local];
    // Components with an empty `address` (http_server) serve their paths on this server.
    if (!route && handleSharedRequest(req, res)) return;
    if (!route) return send(res, 404, 'text/plain', 'not found');
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed');
    route(res);
  });
  attachSharedRoutes(server);
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
