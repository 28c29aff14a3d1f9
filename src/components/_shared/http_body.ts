/**
 * Reading a request body under a size limit without buffering more than the limit: a declared
 * Content-Length above it is refused before a byte is read, and a chunked body is counted while
 * it streams and abandoned as soon as it crosses the limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds the limit of ${limit} bytes`);
  }
}

/** True when the declared length alone is over the limit (0 disables the limit). */
export function declaredTooLarge(req: IncomingMessage, limit: number): boolean {
  if (limit <= 0) return false;
  const cl = req.headers['content-length'];
  return cl !== undefined && Number(cl) > limit;
}

/** Collect the body, rejecting with BodyTooLargeError as soon as it crosses `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: Error | undefined, body?: Buffer): void => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) {
        chunks.length = 0;
        // Stop taking data: what is still in flight is discarded by the socket teardown.
        req.pause();
        reject(err);
      } else resolve(body!);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (limit > 0 && size > limit) return finish(new BodyTooLargeError(limit));
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    const onError = (e: Error): void => finish(e);
    const onClose = (): void => finish(new Error('client closed the connection before the body was complete'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * Answer with an error status and close the connection: used when the body is not (fully) read,
 * so the socket cannot be reused for a next request. The socket is destroyed shortly after the
 * response went out, so a client still uploading cannot keep it busy.
 */
/** How long a refused connection may keep sending before it is cut. */
const LINGER_MS = 1000;

export function respondAndClose(res: ServerResponse, status: number, text: string, extraHeaders?: Record<string, string>): void {
  if (res.headersSent || res.writableEnded) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.shouldKeepAlive = false;
  res.writeHead(status, { ...extraHeaders, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body, () => {
    const sock = res.socket;
    if (!sock) return;
    // Lingering close: a client may still be sending the body we refused. Closing with unread
    // bytes makes the kernel answer with a reset, which can reach the client before it read
    // this answer (seen with 413s). So discard what still comes, send FIN, and only destroy
    // after a bounded wait (a client that never reads must not keep the socket).
    res.req?.resume();
    sock.end();
    setTimeout(() => sock.destroy(), LINGER_MS).unref();
  });
}

/** A plain-text answer on a connection that stays usable. */
export function respondText(res: ServerResponse, status: number, text: string, extraHeaders?: Record<string, string>): void {
  if (res.headersSent || res.writableEnded) return;
  const body = `${text}\n`;
  res.writeHead(status, { ...extraHeaders, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
