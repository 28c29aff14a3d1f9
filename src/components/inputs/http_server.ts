import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import {
  registerInput,
  field,
  objectConfig,
  parseDuration,
  errorMessage,
  Message,
  type Input,
  type InputBatch,
  type RateLimit,
  type Resources,
} from '../../plugin/index.js';
import { acquireHost, HEADERS_TIMEOUT_MS, MAX_CONNECTIONS, MAX_HEADER_SIZE, REQUEST_TIMEOUT_MS, type HttpHost } from '../_shared/http_host.js';
import { BasicAuthGuard, basicAuthField, type BasicAuthConfig } from '../_shared/http_server_auth.js';
import { redactSecrets } from '../../core/redact.js';
import { BodyTooLargeError, declaredTooLarge, readBody, respondAndClose, respondText } from '../_shared/http_body.js';
import { compileCors, corsField, type CorsConfig } from '../_shared/http_cors.js';
import { MultipartError } from '../_shared/http_multipart.js';
import type { PathParams } from '../_shared/http_router.js';
import { requestMessages, requestMetadata } from '../_shared/http_server_request.js';
import { attachResponseSlot, ResponseSlot } from '../_shared/http_sync.js';
import { SyncReplyWriter, syncResponseField, type SyncResponseConfig } from '../_shared/http_sync_reply.js';
import { PendingRequest, RequestQueue, type Outcome } from '../_shared/http_request_queue.js';

interface HttpServerInputConfig {
  address: string;
  path: string;
  ws_path: string;
  ws_welcome_message: string;
  ws_rate_limit_message: string;
  allowed_verbs: string[];
  timeout: string;
  rate_limit: string;
  cert_file: string;
  key_file: string;
  cors: CorsConfig;
  sync_response: SyncResponseConfig;
  max_body_size: number;
  headers_timeout: string;
  request_timeout: string;
  max_connections: number;
  basic_auth: BasicAuthConfig;
}

const MiB = 1024 * 1024;
/** Frames a websocket client may have waiting for delivery before it is told to slow down (1013). */
const WS_MAX_QUEUED = 256;

registerInput(
  {
    name: 'http_server',
    summary: 'Receive messages POSTed over HTTP(S). HTTP 2.0 is not supported; TLS is enabled when key and cert files are specified.',
    description:
      'If the `address` config field is left blank the service-wide HTTP server (`http.address`) is used; when that server is disabled the input ' +
      'does not connect and says why.\n\n' +
      '### Delivery guarantee\n\n' +
      'A request is answered only once its message was delivered by the output (acknowledged): 200, or the `sync_response.status`. ' +
      'When delivery fails (nack, e.g. a `reject` output or `error_handling.strategy: reject`) the answer is **503** (Benthos answers 502), and ' +
      'when `timeout` passes first it is **408**. A request that timed out while still waiting to be read is withdrawn and never delivered; ' +
      'one that was already being processed may still be delivered, so clients that retry after a 408 can create duplicates. A 2xx answer ' +
      'always means delivered.\n\n' +
      '### Safety limits (Sluice)\n\n' +
      'Bodies over `max_body_size` get **413** before they are buffered (a larger `Content-Length` is refused without reading; a chunked body ' +
      'is counted while it streams and the connection is closed at the limit). On servers this input starts itself (a non-empty `address`): ' +
      `headers must arrive within \`headers_timeout\` (${HEADERS_TIMEOUT_MS / 1000} s) and a whole request within \`request_timeout\` ` +
      `(${REQUEST_TIMEOUT_MS / 1000} s), headers over ${MAX_HEADER_SIZE / 1024} KiB get **431**, at most \`max_connections\` ` +
      `(${MAX_CONNECTIONS}) sockets are open at once, and requests with both Content-Length and ` +
      'Transfer-Encoding or malformed chunks get **400** (strict parsing). When the `rate_limit` refuses a request the answer is **429** with ' +
      '`Retry-After` (seconds). Request bodies are taken as raw bytes, as in Benthos: a `Content-Encoding` (gzip, deflate) is not decoded, ' +
      'so `max_body_size` counts the compressed bytes and a decompression bomb is never expanded by the input. With `basic_auth` enabled, ' +
      'a request without the right credentials gets **401** with `WWW-Authenticate` before its body is read.\n\n' +
      '### Endpoints\n\n' +
      'The `path` endpoint consumes the entire request body as a single message; a multipart body (RFC 1341) becomes a batch with a message per ' +
      'part (at most 10,000 parts; a malformed multipart body gets 400). Paths support parameters of the form `/{foo}`, added as metadata, ' +
      'and a path ending in `/` matches all extensions of it. The `ws_path` endpoint accepts websocket connections where each frame is a ' +
      'message; frames over `max_body_size` close the socket with 1009.\n\n' +
      '### Metadata\n\n' +
      '`http_server_user_agent`, `http_server_request_path`, `http_server_verb`, `http_server_remote_ip`, all headers (first values only, ' +
      'canonical spelling such as `Content-Type`), all query parameters, all path parameters and all cookies; with HTTPS also ' +
      '`http_server_tls_version`, `http_server_tls_subject` and `http_server_tls_cipher_suite`.',
    categories: ['Network'],
    config: objectConfig([
      field.string('address', 'An alternative address to host from. If left empty the service wide address is used.').default(''),
      field.string('path', 'The endpoint path to listen for POST requests.').default('/post'),
      field.string('ws_path', 'The endpoint path to create websocket connections from.').default('/post/ws'),
      field.string('ws_welcome_message', 'An optional message to deliver to fresh websocket connections.').default('').advanced(),
      field.string('ws_rate_limit_message', 'An optional message to deliver to websocket connections that are rate limited.').default('').advanced(),
      field.stringList('allowed_verbs', 'An array of verbs that are allowed for the `path` endpoint; other verbs get 405.').default(['POST']),
      field
        .duration(
          'timeout',
          'Timeout for requests. If a consumed message takes longer than this to be delivered the request is answered 408, but the message may still be delivered (unless it was not yet read, then it is withdrawn).',
        )
        .default('5s'),
      field.string('rate_limit', 'An optional rate limit resource to throttle requests by: refused requests get 429 with Retry-After, refused websocket frames are dropped.').default(''),
      field.string('cert_file', 'Enable TLS by specifying a certificate and key file. Only valid with a custom `address`.').default('').advanced(),
      field.string('key_file', 'Enable TLS by specifying a certificate and key file. Only valid with a custom `address`.').default('').advanced(),
      corsField(),
      syncResponseField(),
      field
        .int(
          'max_body_size',
          'Sluice extension: the largest request body (and websocket frame) accepted, in bytes; larger ones get 413 before they are buffered (frames: close 1009). 0 removes the limit (not recommended). Default 16 MiB.',
        )
        .default(16 * MiB)
        .check((v) => ((v as number) < 0 ? 'must be 0 or more' : undefined))
        .advanced(),
      field
        .duration(
          'headers_timeout',
          `Sluice extension: how long a client may take to send the request headers before the connection is closed (slowloris protection; Node's default is 60 s). Applies to servers this input starts (a non-empty \`address\`). 0 disables it.`,
        )
        .default(`${HEADERS_TIMEOUT_MS / 1000}s`)
        .advanced(),
      field
        .duration(
          'request_timeout',
          `Sluice extension: how long a client may take to send a whole request, body included, before it gets 408 and the connection is closed (Node's default is 300 s). Must not be shorter than \`headers_timeout\`. Applies to servers this input starts. 0 disables it.`,
        )
        .default(`${REQUEST_TIMEOUT_MS / 1000}s`)
        .advanced(),
      field
        .int('max_connections', 'Sluice extension: the most sockets open at once on a server this input starts; further connections are closed at once. 0 removes the cap.')
        .default(MAX_CONNECTIONS)
        .check((v) => ((v as number) < 0 ? 'must be 0 or more' : undefined))
        .advanced(),
      basicAuthField(
        'Sluice extension (Benthos has it on the service-wide server only): require basic authentication. Requests without the right credentials get 401 with `WWW-Authenticate` and never reach the pipeline; credentials are compared in constant time.',
      ),
    ]),
    examples: [
      {
        title: 'Answer with the processed message',
        summary: 'Uppercases each POSTed body and returns it as the response, once delivered.',
        config:
          'input:\n  http_server:\n    address: 0.0.0.0:4196\n    path: /post\n    sync_response:\n      headers:\n        Content-Type: text/plain\npipeline:\n  processors:\n    - mapping: root = content().uppercase()\noutput:\n  sync_response: {}\n',
      },
    ],
  },
  (conf: HttpServerInputConfig, res: Resources): Input => new HttpServerInput(conf, res),
);

class HttpServerInput implements Input {
  private readonly timeoutMs: number;
  private readonly verbs: Set<string>;
  private readonly rateLimit: RateLimit | undefined;
  private readonly reply: SyncReplyWriter;
  private readonly cors;
  private readonly auth: BasicAuthGuard | undefined;
  private readonly limits: { headersTimeoutMs: number; requestTimeoutMs: number; maxConnections: number };
  private readonly queue = new RequestQueue();
  private host: HttpHost | undefined;
  private unroute: Array<() => void> = [];
  private wss: WebSocketServer | undefined;
  private closed = false;

  constructor(
    private readonly conf: HttpServerInputConfig,
    private readonly res: Resources,
  ) {
    this.timeoutMs = parseDuration(conf.timeout);
    this.verbs = new Set(conf.allowed_verbs.map((v) => v.toUpperCase()));
    this.rateLimit = conf.rate_limit ? res.getRateLimit(conf.rate_limit) : undefined;
    this.reply = new SyncReplyWriter(conf.sync_response, res.logger);
    this.cors = compileCors(conf.cors);
    if (conf.address === '' && conf.cors.enabled) throw new Error('http_server: cors is only valid with a custom address');
    this.auth = BasicAuthGuard.compile(conf.basic_auth, 'http_server input');
    this.limits = {
      headersTimeoutMs: parseDuration(conf.headers_timeout ?? `${HEADERS_TIMEOUT_MS}ms`),
      requestTimeoutMs: parseDuration(conf.request_timeout ?? `${REQUEST_TIMEOUT_MS}ms`),
      maxConnections: conf.max_connections ?? MAX_CONNECTIONS,
    };
    if (this.limits.requestTimeoutMs > 0 && this.limits.headersTimeoutMs > this.limits.requestTimeoutMs) {
      throw new Error('http_server input: headers_timeout must not be longer than request_timeout');
    }
  }

  async connect(): Promise<void> {
    if (this.host) return;
    const host = await acquireHost({ address: this.conf.address, certFile: this.conf.cert_file, keyFile: this.conf.key_file, owner: 'http_server input', limits: this.limits });
    try {
      if (this.conf.path) this.unroute.push(host.router.add({ path: this.conf.path, onRequest: (req, res, params) => void this.onRequest(req, res, params) }));
      if (this.conf.ws_path) {
        this.wss = new WebSocketServer({ noServer: true, maxPayload: this.conf.max_body_size > 0 ? this.conf.max_body_size : undefined });
        this.unroute.push(host.router.add({ path: this.conf.ws_path, onUpgrade: (req, socket, head, params) => this.onUpgrade(req, socket, head, params) }));
      }
    } catch (e) {
      for (const u of this.unroute.splice(0)) u();
      await host.release();
      throw new Error(`http_server input: ${errorMessage(e)}`);
    }
    this.host = host;
    const where = host.address ? `${host.tls ? 'https' : 'http'}://${host.address.address}:${host.address.port}` : 'the service-wide HTTP server';
    this.res.logger.info(`http_server input receiving messages at ${where}${this.conf.path}`);
  }

  read(): Promise<InputBatch | null> {
    return this.queue.next(this.res.signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Requests never read get 503 now; read but unacknowledged ones were nacked by the engine.
    this.queue.close();
    for (const u of this.unroute.splice(0)) u();
    if (this.wss) {
      for (const ws of this.wss.clients) ws.close(1001, 'server closing');
      this.wss.close();
    }
    const host = this.host;
    this.host = undefined;
    await host?.release();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse, params: PathParams): Promise<void> {
    try {
      if (this.cors?.apply(req, res)) return;
      if (this.auth && !(await this.auth.allows(req))) return this.auth.refuse(res, req);
      if (!this.verbs.has(req.method ?? '')) return respondAndClose(res, 405, 'Incorrect method');
      if (this.closed) return respondAndClose(res, 503, 'Server closing');
      if (this.rateLimit) {
        const waitMs = await this.rateLimit.access();
        if (waitMs > 0) return respondAndClose(res, 429, 'Too Many Requests', { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) });
      }
      const limit = this.conf.max_body_size;
      if (declaredTooLarge(req, limit)) return respondAndClose(res, 413, `Request body is larger than the limit of ${limit} bytes`);
      let body: Buffer;
      try {
        body = await readBody(req, limit);
      } catch (e) {
        if (e instanceof BodyTooLargeError) return respondAndClose(res, 413, `Request body is larger than the limit of ${limit} bytes`);
        res.destroy();
        return;
      }
      let messages: Message[];
      try {
        messages = requestMessages(body, req.headers['content-type'], requestMetadata(req, params));
      } catch (e) {
        if (e instanceof MultipartError) return respondText(res, 400, `Bad multipart body: ${e.message}`);
        throw e;
      }
      if (messages.length === 0) return respondText(res, 400, 'Bad multipart body: no parts');
      this.enqueue(messages, res);
    } catch (e) {
      this.res.logger.error(`http_server input: request failed: ${errorMessage(e)}`);
      respondAndClose(res, 500, 'Internal Server Error');
    }
  }

  private enqueue(messages: Message[], res: ServerResponse): void {
    const slot = new ResponseSlot();
    attachResponseSlot(messages, slot);
    const pending = new PendingRequest(messages, (outcome: Outcome) => this.answer(res, slot, outcome));
    // A client that goes away before its answer: withdraw the request if it was not read yet.
    res.once('close', () => {
      if (!res.writableFinished && pending.queued) pending.abandon();
    });
    if (this.closed) return pending.settle({ kind: 'closing' });
    pending.startTimer(this.timeoutMs);
    this.queue.push(pending);
  }

  private answer(res: ServerResponse, slot: ResponseSlot, outcome: Outcome): void {
    try {
      switch (outcome.kind) {
        case 'acked':
          return this.reply.write(res, slot);
        case 'nacked':
          return respondText(res, 503, `Service Unavailable: ${redactSecrets(outcome.err.message)}`);
        case 'timeout':
          return respondText(res, 408, 'Request timed out');
        case 'closing':
          return respondText(res, 503, 'Server closing');
      }
    } catch (e) {
      this.res.logger.error(`http_server input: failed to answer a request: ${errorMessage(e)}`);
      res.destroy();
    }
  }

  // ---- websocket ----

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, params: PathParams): void {
    const wss = this.wss;
    if (!wss || this.closed) return void socket.destroy();
    socket.on('error', () => socket.destroy());
    if (this.auth) {
      const auth = this.auth;
      void auth.allows(req).then((ok) => (ok ? wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, requestMetadata(req, params))) : auth.refuseUpgrade(socket)));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, requestMetadata(req, params)));
  }

  private onSocket(ws: WebSocket, meta: Map<string, unknown>): void {
    ws.on('error', (e) => this.res.logger.debug(`http_server input: websocket error: ${errorMessage(e)}`));
    if (this.conf.ws_welcome_message) ws.send(this.conf.ws_welcome_message);
    let queued = 0;
    const live = new Set<PendingRequest>();
    // Frames still waiting to be read when the client leaves are withdrawn (their chain just stops).
    ws.on('close', () => {
      for (const p of live) if (p.queued) p.abandon();
      live.clear();
    });
    // Frames of one connection are delivered in order, one at a time, as Benthos does.
    let chain: Promise<void> = Promise.resolve();
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (++queued > WS_MAX_QUEUED) {
        ws.close(1013, 'too many messages waiting for delivery');
        return;
      }
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      chain = chain.then(() => this.onFrame(ws, bytes, isBinary, meta, live)).finally(() => void queued--);
    });
  }

  private async onFrame(ws: WebSocket, bytes: Buffer, isBinary: boolean, meta: Map<string, unknown>, live: Set<PendingRequest>): Promise<void> {
    if (this.closed || ws.readyState !== ws.OPEN) return;
    if (this.rateLimit && (await this.rateLimit.access()) > 0) {
      if (this.conf.ws_rate_limit_message) ws.send(this.conf.ws_rate_limit_message);
      return;
    }
    const messages = [Message.fromBytes(bytes, new Map(meta))];
    const slot = new ResponseSlot();
    attachResponseSlot(messages, slot);
    await new Promise<void>((resolve) => {
      const pending = new PendingRequest(messages, (outcome) => {
        if (outcome.kind === 'acked') {
          for (const r of slot.responses) if (ws.readyState === ws.OPEN) ws.send(r.asBytes(), { binary: isBinary });
        } else if (outcome.kind === 'nacked') {
          this.res.logger.warn(`http_server input: websocket message was not delivered: ${outcome.err.message}`);
        }
        live.delete(pending);
        resolve();
      });
      live.add(pending);
      this.queue.push(pending);
    });
  }
}
