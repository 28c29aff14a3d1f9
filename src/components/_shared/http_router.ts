/**
 * Path routing for the `http_server` input and output. Paths follow Benthos: `/{name}` segments
 * capture path parameters (added to messages as metadata), and a path ending in `/` matches every
 * extension of it. Exact paths win over prefix paths; among prefixes the longest wins.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

export type PathParams = Record<string, string>;

export interface Route {
  /** The configured path, for logs and duplicate checks. */
  readonly path: string;
  onRequest?(req: IncomingMessage, res: ServerResponse, params: PathParams): void;
  onUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer, params: PathParams): void;
}

interface CompiledRoute {
  route: Route;
  /** Literal segments, or a parameter name in braces. */
  segments: Array<{ literal: string } | { param: string }>;
  prefix: boolean;
}

export function compilePath(path: string): { segments: CompiledRoute['segments']; prefix: boolean } {
  if (!path.startsWith('/')) throw new Error(`path "${path}" must start with "/"`);
  const prefix = path.endsWith('/') && path.length > 1 ? true : path === '/';
  const parts = path.split('/').slice(1);
  if (prefix) parts.pop();
  const segments = parts.map((s) => {
    const m = /^\{([^{}:]+)(?::[^{}]*)?\}$/.exec(s);
    return m ? { param: m[1]! } : { literal: s };
  });
  return { segments, prefix };
}

/** Match a request path against a compiled route; the parameters when it matches. */
function match(c: CompiledRoute, pathParts: string[]): PathParams | undefined {
  if (c.prefix ? pathParts.length < c.segments.length : pathParts.length !== c.segments.length) return undefined;
  let params: PathParams | undefined;
  for (let i = 0; i < c.segments.length; i++) {
    const seg = c.segments[i]!;
    const got = pathParts[i]!;
    if ('literal' in seg) {
      if (seg.literal !== got) return undefined;
    } else {
      if (got === '') return undefined;
      (params ??= {})[seg.param] = safeDecode(got);
    }
  }
  return params ?? EMPTY;
}

const EMPTY: PathParams = Object.freeze({}) as PathParams;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The path part of a request target, without query string. */
export function requestPath(url: string | undefined): string {
  const u = url ?? '/';
  const q = u.indexOf('?');
  const p = q >= 0 ? u.slice(0, q) : u;
  // An absolute-form target ("http://host/path") is legal HTTP/1.1.
  if (!p.startsWith('/')) {
    try {
      return new URL(p).pathname;
    } catch {
      return p;
    }
  }
  return p;
}

export class Router {
  private routes: CompiledRoute[] = [];

  /** Add a route; the returned function removes it. Throws when the path is already taken. */
  add(route: Route): () => void {
    if (this.routes.some((r) => r.route.path === route.path && !!r.route.onRequest === !!route.onRequest)) {
      throw new Error(`path ${route.path} is already registered on this server`);
    }
    const c: CompiledRoute = { route, ...compilePath(route.path) };
    this.routes.push(c);
    // Exact routes first, then longer prefixes before shorter ones.
    this.routes.sort((a, b) => Number(a.prefix) - Number(b.prefix) || b.segments.length - a.segments.length);
    return () => {
      this.routes = this.routes.filter((r) => r !== c);
    };
  }

  get size(): number {
    return this.routes.length;
  }

  /** Answer the request when a route matches; false otherwise. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const found = this.find(req.url, 'onRequest');
    if (!found) return false;
    found.route.onRequest!(req, res, found.params);
    return true;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const found = this.find(req.url, 'onUpgrade');
    if (!found) return false;
    found.route.onUpgrade!(req, socket, head, found.params);
    return true;
  }

  private find(url: string | undefined, kind: 'onRequest' | 'onUpgrade'): { route: Route; params: PathParams } | undefined {
    const parts = requestPath(url).split('/').slice(1);
    for (const c of this.routes) {
      if (!c.route[kind]) continue;
      const params = match(c, parts);
      if (params) return { route: c.route, params };
    }
    return undefined;
  }
}
