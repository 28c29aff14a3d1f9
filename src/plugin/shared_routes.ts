/**
 * Endpoints that components add to the service-wide HTTP server (`http.address`), as Benthos lets
 * an `http_server` input or output with an empty `address` share it.
 *
 * The operational server consults this registry for every request its own routes do not answer,
 * and for every websocket upgrade. Components register a handler that says whether it took the
 * request; the registry knows nothing about paths, so each component keeps its own router.
 *
 * Consulted by `src/api/server.ts`:
 *   - in the request handler, before the 404:  `if (!route && handleSharedRequest(req, res)) return;`
 *   - after `http.createServer(...)`:            `attachSharedRoutes(server);`
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export interface SharedHandler {
  /** Answer the request and return true, or return false to let others (or a 404) have it. */
  request(req: IncomingMessage, res: ServerResponse): boolean;
  /** Take a websocket upgrade and return true, or return false. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

const handlers = new Set<SharedHandler>();
let attachedServers = 0;

/** Add a handler; the returned function removes it again. */
export function addSharedHandler(handler: SharedHandler): () => void {
  handlers.add(handler);
  return () => void handlers.delete(handler);
}

/** True while at least one service-wide server consults this registry. */
export function sharedServerAvailable(): boolean {
  return attachedServers > 0;
}

/** Offer a request the operational routes did not answer; true when a component took it. */
export function handleSharedRequest(req: IncomingMessage, res: ServerResponse): boolean {
  for (const h of handlers) if (h.request(req, res)) return true;
  return false;
}

/** Route websocket upgrades on `server` to the components, and count it as available until it closes. */
export function attachSharedRoutes(server: Server): void {
  attachedServers++;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    for (const h of handlers) if (h.upgrade?.(req, socket, head)) return;
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.once('close', () => attachedServers--);
}
