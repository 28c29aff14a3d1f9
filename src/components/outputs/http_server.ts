import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { registerOutput, field, objectConfig, parseDuration, errorMessage, NotConnectedError, type Output, type Resources, type Batch } from '../../plugin/index.js';
import { acquireHost, type HttpHost } from '../_shared/http_host.js';
import { compileCors, corsField, type CorsConfig } from '../_shared/http_cors.js';
import { encodeMultipart } from '../_shared/http_multipart.js';
import { respondText } from '../_shared/http_body.js';

interface HttpServerOutputConfig {
  address: string;
  path: string;
  stream_path: string;
  stream_format: 'raw_bytes' | 'event_source';
  heartbeat: string;
  ws_path: string;
  ws_message_type: 'binary' | 'text';
  allowed_verbs: string[];
  timeout: string;
  cert_file: string;
  key_file: string;
  cors: CorsConfig;
  write_wait: string;
  pong_wait: string;
  ping_period: string;
}

/** Takes a batch to a client; resolves once it was written. */
type Consumer = (batch: Batch) => Promise<void>;

/**
 * Writes wait here for a consumer (a GET request, a stream or a websocket client) and consumers
 * wait for writes: each batch goes to exactly one consumer, as Benthos's unbuffered channel does.
 */
class Handoff {
  private consumers: Consumer[] = [];
  private writes: Array<{ batch: Batch; resolve: () => void; reject: (e: Error) => void }> = [];
  private closed = false;

  offer(batch: Batch): Promise<void> {
    if (this.closed) return Promise.reject(new NotConnectedError('http_server output is closed'));
    const c = this.consumers.shift();
    if (c) return c(batch);
    return new Promise((resolve, reject) => this.writes.push({ batch, resolve, reject }));
  }

  /** Register a consumer for one batch; the returned function withdraws it if it is still waiting. */
  take(consumer: Consumer): () => void {
    const w = this.writes.shift();
    if (w) {
      consumer(w.batch).then(w.resolve, w.reject);
      return () => {};
    }
    this.consumers.push(consumer);
    return () => {
      this.consumers = this.consumers.filter((c) => c !== consumer);
    };
  }

  close(): void {
    this.closed = true;
    for (const w of this.writes.splice(0)) w.reject(new NotConnectedError('http_server output is closing'));
  }
}

function writeChunk(res: ServerResponse, data: Buffer | string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.writableEnded || res.destroyed) return reject(new Error('client went away'));
    res.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

registerOutput(
  {
    name: 'http_server',
    summary: 'Sets up an HTTP server that will send messages over HTTP(S) GET requests.',
    description:
      'If the `address` config field is left blank the service-wide HTTP server (`http.address`) is used.\n\n' +
      'Three endpoints will be registered at the paths specified by the fields `path`, `stream_path` and `ws_path`, which allow you to consume a single message batch, ' +
      'a continuous stream of line delimited messages, or a websocket of messages for each request respectively. Each batch goes to exactly one consumer; a write waits until a consumer takes it.\n\n' +
      'When messages are batched the `path` endpoint encodes the batch according to RFC1341. A GET that gets no message within `timeout` is answered 408.\n\n' +
      'Please note, messages are considered delivered as soon as the data is written to the client. There is no concept of at least once delivery on this output.',
    categories: ['Network'],
    config: objectConfig([
      field.string('address', 'An alternative address to host from. If left empty the service wide address is used.').default(''),
      field.string('path', 'The path from which discrete messages can be consumed.').default('/get'),
      field.string('stream_path', 'The path from which a continuous stream of messages can be consumed.').default('/get/stream'),
      field.string('stream_format', 'The format of the stream endpoint. `raw_bytes` delivers messages directly with newlines between batches, `event_source` uses the Server-Sent Events format.').default('raw_bytes').options('raw_bytes', 'event_source'),
      field.duration('heartbeat', 'The time between heartbeats on the stream endpoint (an SSE comment, or an empty line with raw_bytes). 0s disables heartbeats.').default('0s').advanced(),
      field.string('ws_path', 'The path from which websocket connections can be established.').default('/get/ws'),
      field.string('ws_message_type', 'Type of websocket message').default('binary').options('binary', 'text').advanced(),
      field.stringList('allowed_verbs', 'An array of verbs that are allowed for the `path` and `stream_path` HTTP endpoint.').default(['GET']),
      field.duration('timeout', 'The maximum time to wait before a blocking, inactive connection is dropped (only applies to the `path` endpoint).').default('5s').advanced(),
      field.string('cert_file', 'Enable TLS by specifying a certificate and key file. Only valid with a custom `address`.').default('').advanced(),
      field.string('key_file', 'Enable TLS by specifying a certificate and key file. Only valid with a custom `address`.').default('').advanced(),
      corsField(),
      field.duration('write_wait', 'The time allowed to write a message to the websocket.').default('10s').advanced(),
      field.duration('pong_wait', 'The time allowed to read the next pong message from the client.').default('60s').advanced(),
      field.duration('ping_period', 'Send pings to client with this period. Must be less than pong wait.').default('54s').advanced(),
    ]),
  },
  (conf: HttpServerOutputConfig, res: Resources): Output => {
    const timeoutMs = parseDuration(conf.timeout);
    const heartbeatMs = parseDuration(conf.heartbeat);
    const pingMs = parseDuration(conf.ping_period);
    const pongMs = parseDuration(conf.pong_wait);
    const verbs = new Set(conf.allowed_verbs.map((v) => v.toUpperCase()));
    const cors = compileCors(conf.cors);
    const handoff = new Handoff();
    let host: HttpHost | undefined;
    let wss: WebSocketServer | undefined;
    const unroute: Array<() => void> = [];
    const streams = new Set<ServerResponse>();

    const onGet = (req: IncomingMessage, resp: ServerResponse): void => {
      if (cors?.apply(req, resp)) return;
      if (!verbs.has(req.method ?? '')) return respondText(resp, 405, 'Incorrect method');
      let timer: NodeJS.Timeout | undefined;
      const cancel = handoff.take(async (batch) => {
        clearTimeout(timer);
        if (resp.destroyed || resp.writableEnded) throw new Error('client went away');
        if (batch.length === 1) {
          const body = batch[0]!.asBytes();
          resp.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.byteLength });
          await new Promise<void>((resolve, reject) => resp.end(body, () => (resp.destroyed && !resp.writableFinished ? reject(new Error('client went away')) : resolve())));
          return;
        }
        const mp = encodeMultipart(batch.map((m) => ({ headers: { 'Content-Type': 'application/octet-stream' }, body: m.asBytes() })));
        resp.writeHead(200, { 'content-type': mp.contentType, 'content-length': mp.body.byteLength });
        await new Promise<void>((resolve) => resp.end(mp.body, () => resolve()));
      });
      timer = setTimeout(() => {
        cancel();
        respondText(resp, 408, 'Timed out waiting for message');
      }, timeoutMs);
      resp.once('close', () => {
        clearTimeout(timer);
        cancel();
      });
    };

    const onStream = (req: IncomingMessage, resp: ServerResponse): void => {
      if (cors?.apply(req, resp)) return;
      if (!verbs.has(req.method ?? '')) return respondText(resp, 405, 'Incorrect method');
      const sse = conf.stream_format === 'event_source';
      resp.writeHead(200, sse ? { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' } : { 'content-type': 'application/octet-stream' });
      streams.add(resp);
      let cancel = (): void => {};
      const heartbeat = heartbeatMs > 0 ? setInterval(() => void writeChunk(resp, sse ? ':\n\n' : '\n').catch(() => {}), heartbeatMs) : undefined;
      const next = (): void => {
        cancel = handoff.take(async (batch) => {
          for (const m of batch) {
            const text = m.asBytes();
            if (sse) await writeChunk(resp, `data: ${text.toString('utf8').replace(/\n/g, '\ndata: ')}\n\n`);
            else await writeChunk(resp, Buffer.concat([text, Buffer.from('\n')]));
          }
          setImmediate(next);
        });
      };
      next();
      resp.once('close', () => {
        clearInterval(heartbeat);
        streams.delete(resp);
        cancel();
      });
    };

    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (!wss) return void socket.destroy();
      socket.on('error', () => socket.destroy());
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        ws.on('error', (e) => res.logger.debug(`http_server output: websocket error: ${errorMessage(e)}`));
        let alive = true;
        ws.on('pong', () => (alive = true));
        const pinger = setInterval(() => {
          if (!alive) return ws.terminate();
          alive = false;
          ws.ping();
        }, Math.min(pingMs, pongMs));
        let cancel = (): void => {};
        const next = (): void => {
          cancel = handoff.take(async (batch) => {
            for (const m of batch) {
              await new Promise<void>((resolve, reject) => {
                if (ws.readyState !== ws.OPEN) return reject(new Error('websocket closed'));
                ws.send(m.asBytes(), { binary: conf.ws_message_type === 'binary' }, (err) => (err ? reject(err) : resolve()));
              });
            }
            setImmediate(next);
          });
        };
        next();
        ws.once('close', () => {
          clearInterval(pinger);
          cancel();
        });
      });
    };

    return {
      async connect() {
        if (host) return;
        const h = await acquireHost({ address: conf.address, certFile: conf.cert_file, keyFile: conf.key_file, owner: 'http_server output' });
        try {
          if (conf.path) unroute.push(h.router.add({ path: conf.path, onRequest: onGet }));
          if (conf.stream_path) unroute.push(h.router.add({ path: conf.stream_path, onRequest: onStream }));
          if (conf.ws_path) {
            wss = new WebSocketServer({ noServer: true });
            unroute.push(h.router.add({ path: conf.ws_path, onUpgrade }));
          }
        } catch (e) {
          for (const u of unroute.splice(0)) u();
          await h.release();
          throw new Error(`http_server output: ${errorMessage(e)}`);
        }
        host = h;
      },
      write: (batch) => handoff.offer(batch),
      async close() {
        handoff.close();
        for (const u of unroute.splice(0)) u();
        for (const s of streams) s.end();
        if (wss) {
          for (const ws of wss.clients) ws.close(1001, 'server closing');
          wss.close();
        }
        const h = host;
        host = undefined;
        await h?.release();
      },
    };
  },
);
