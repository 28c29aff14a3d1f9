/**
 * Turning an HTTP request into messages as Benthos's `http_server` input does: the body as one
 * message (or one message per part of a multipart body), with the request's details as metadata.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { Message } from '../../plugin/index.js';
import { canonicalHeaderKey } from './http_metadata.js';
import { multipartBoundary, parseMultipart } from './http_multipart.js';
import type { PathParams } from './http_router.js';
import { requestPath } from './http_router.js';

/**
 * Metadata for a request, in Benthos's order (later sources overwrite earlier ones): the
 * `http_server_*` fields, headers (first value, canonical spelling), query parameters, path
 * parameters, cookies; plus TLS details on HTTPS.
 */
export function requestMetadata(req: IncomingMessage, params: PathParams): Map<string, unknown> {
  const meta = new Map<string, unknown>();
  meta.set('http_server_user_agent', req.headers['user-agent'] ?? '');
  meta.set('http_server_request_path', safeDecodePath(requestPath(req.url)));
  meta.set('http_server_verb', req.method ?? '');
  meta.set('http_server_remote_ip', req.socket.remoteAddress ?? '');
  const tls = req.socket as Partial<TLSSocket>;
  if (tls.encrypted && typeof tls.getProtocol === 'function') {
    meta.set('http_server_tls_version', tls.getProtocol() ?? '');
    const peer = tls.getPeerCertificate?.();
    const subject = peer?.subject ? Object.entries(peer.subject).map(([k, v]) => `${k}=${String(v)}`).join(',') : '';
    meta.set('http_server_tls_subject', subject);
    meta.set('http_server_tls_cipher_suite', tls.getCipher?.()?.standardName ?? '');
  }
  const seen = new Set<string>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = canonicalHeaderKey(raw[i]!);
    if (seen.has(key)) continue;
    seen.add(key);
    meta.set(key, raw[i + 1]!);
  }
  const url = req.url ?? '';
  const q = url.indexOf('?');
  if (q >= 0) {
    const taken = new Set<string>();
    for (const [k, v] of new URLSearchParams(url.slice(q + 1))) {
      if (taken.has(k)) continue;
      taken.add(k);
      meta.set(k, v);
    }
  }
  for (const [k, v] of Object.entries(params)) meta.set(k, v);
  const cookie = req.headers.cookie;
  if (cookie) {
    for (const pair of cookie.split(';')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      let value = pair.slice(eq + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      meta.set(pair.slice(0, eq).trim(), value);
    }
  }
  return meta;
}

function safeDecodePath(p: string): string {
  try {
    return decodeURI(p);
  } catch {
    return p;
  }
}

/** One message per multipart part (sharing the request metadata), else one message. Throws MultipartError. */
export function requestMessages(body: Buffer, contentType: string | undefined, meta: Map<string, unknown>): Message[] {
  const boundary = multipartBoundary(contentType);
  if (boundary === undefined) return [Message.fromBytes(body, meta)];
  const parts = parseMultipart(body, boundary);
  return parts.map((p) => Message.fromBytes(p.body, new Map(meta)));
}
