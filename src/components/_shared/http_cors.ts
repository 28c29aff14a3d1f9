/**
 * The `cors` object of the `http_server` input and output, behaving like the gorilla CORS handler
 * Benthos wraps its endpoints in: preflight requests are answered here, actual requests from an
 * allowed origin get `Access-Control-Allow-Origin`, other origins get no CORS headers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { field, type Field } from '../../plugin/index.js';

export interface CorsConfig {
  enabled: boolean;
  allowed_origins: string[];
  allowed_headers: string[];
  allowed_methods: string[];
}

export function corsField(): Field {
  return field
    .object('cors', 'Adds Cross-Origin Resource Sharing headers. Only valid with a custom `address`.', [
      field.bool('enabled', 'Whether to allow CORS requests.').default(false),
      field.stringList('allowed_origins', 'An explicit list of origins that are allowed for CORS requests.').default([]),
      field
        .stringList('allowed_headers', 'Appends additional headers to the list of default allowed headers: Accept, Accept-Language, Content-Language & Origin. These default headers are therefore always allowed.')
        .default([]),
      field.stringList('allowed_methods', 'Used to explicitly set allowed methods in the Access-Control-Allow-Methods header.').default(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']),
    ])
    .advanced();
}

const DEFAULT_HEADERS = ['accept', 'accept-language', 'content-language', 'origin'];

export interface Cors {
  /** Handle CORS for a request; true when it was a preflight that is now answered. */
  apply(req: IncomingMessage, res: ServerResponse): boolean;
}

export function compileCors(conf: CorsConfig | undefined): Cors | undefined {
  if (!conf?.enabled) return undefined;
  const anyOrigin = conf.allowed_origins.includes('*');
  const origins = new Set(conf.allowed_origins.map((o) => o.toLowerCase()));
  const headers = new Set([...DEFAULT_HEADERS, ...conf.allowed_headers.map((h) => h.toLowerCase())]);
  const methods = conf.allowed_methods.map((m) => m.toUpperCase());
  return {
    apply(req, res) {
      const origin = req.headers.origin;
      if (origin === undefined) return false;
      const allowed = anyOrigin || origins.has(origin.toLowerCase());
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        if (!allowed) {
          res.writeHead(200, { 'content-length': 0 });
          res.end();
          return true;
        }
        const method = String(req.headers['access-control-request-method']).toUpperCase();
        if (!methods.includes(method)) {
          res.writeHead(405, { 'content-length': 0 });
          res.end();
          return true;
        }
        const asked = String(req.headers['access-control-request-headers'] ?? '')
          .split(',')
          .map((h) => h.trim().toLowerCase())
          .filter((h) => h !== '');
        if (asked.some((h) => !headers.has(h))) {
          res.writeHead(403, { 'content-length': 0 });
          res.end();
          return true;
        }
        res.writeHead(200, {
          'access-control-allow-origin': anyOrigin ? '*' : origin,
          'access-control-allow-methods': method,
          ...(asked.length > 0 ? { 'access-control-allow-headers': asked.join(',') } : {}),
          vary: 'Origin',
          'content-length': 0,
        });
        res.end();
        return true;
      }
      if (allowed) {
        res.setHeader('access-control-allow-origin', anyOrigin ? '*' : origin);
        if (!anyOrigin) res.setHeader('vary', 'Origin');
      }
      return false;
    },
  };
}
