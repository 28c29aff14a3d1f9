/**
 * Sending HTTP requests for the `http_client` input and output and the `http` processor, with
 * undici over a connection pool: request building from messages (interpolated URL, headers and
 * payload, metadata headers, multipart batches), authentication, rate limiting, and Benthos's
 * retry rules (`successful_on`, `drop_on`, `backoff_on`, `retries`, `retry_period`,
 * `max_retry_backoff`).
 */
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import {
  compileInterpolation,
  parseDuration,
  sleep,
  Backoff,
  SluiceError,
  errorMessage,
  type Interpolation,
  type Logger,
  type Message,
  type RateLimit,
  type Resources,
} from '../../plugin/index.js';
import { buildAuthenticator, type Authenticator } from './http_auth.js';
import type { HttpClientConfig } from './http_client_fields.js';
import { compileMetadataFilter, type MetadataFilter } from './http_metadata.js';
import { encodeMultipart } from './http_multipart.js';
import { tlsOptions } from './tls.js';

export interface HttpResult {
  status: number;
  /** Lower-cased names, as undici gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request that did not succeed: the last status (when there was a response) and why. */
export class HttpRequestError extends SluiceError {
  /** True for `drop_on` statuses: retrying cannot help (the engine nacks at once). */
  readonly permanent: boolean;
  constructor(
    message: string,
    readonly result?: HttpResult,
    permanent = false,
  ) {
    super('E_HTTP', message);
    this.permanent = permanent;
  }
}

export interface BuiltRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** A URL with any user:password removed, for errors and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = 'xxxxx';
      u.password = '';
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//xxxxx@');
  }
}

export interface MultipartPartSpec {
  content_type: string;
  content_disposition: string;
  body: string;
}

export class HttpRequester {
  readonly dispatcher: Dispatcher;
  private readonly url: Interpolation;
  private readonly method: string;
  private readonly headers: Array<[string, Interpolation]>;
  private readonly contentType: Interpolation | undefined;
  private readonly metadata: MetadataFilter;
  private readonly payload: Interpolation | undefined;
  private readonly explicitParts: Array<{ contentType: Interpolation; disposition: Interpolation; body: Interpolation }>;
  private readonly auth: Authenticator | undefined;
  private readonly rateLimit: RateLimit | undefined;
  private readonly successfulOn: Set<number>;
  private readonly dropOn: Set<number>;
  private readonly backoffOn: Set<number>;
  readonly timeoutMs: number;
  private readonly retryMs: number;
  private readonly maxBackoffMs: number;
  private readonly retries: number;
  private readonly dumpLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | undefined;
  private readonly closing = new AbortController();
  private readonly log: Logger;

  constructor(
    conf: HttpClientConfig,
    res: Resources,
    private readonly component: string,
    extra: { multipart?: MultipartPartSpec[] } = {},
  ) {
    this.log = res.logger;
    this.url = compileInterpolation(conf.url);
    this.method = conf.verb.toUpperCase();
    this.headers = [];
    for (const [k, v] of Object.entries(conf.headers)) {
      if (k.toLowerCase() === 'content-type') this.contentType = compileInterpolation(v);
      else this.headers.push([k, compileInterpolation(v)]);
    }
    this.metadata = compileMetadataFilter(conf.metadata, `${component}.metadata`);
    this.payload = conf.payload ? compileInterpolation(conf.payload) : undefined;
    this.explicitParts = (extra.multipart ?? []).map((p) => ({
      contentType: compileInterpolation(p.content_type),
      disposition: compileInterpolation(p.content_disposition),
      body: compileInterpolation(p.body),
    }));
    this.successfulOn = new Set(conf.successful_on);
    this.dropOn = new Set(conf.drop_on);
    this.backoffOn = new Set(conf.backoff_on);
    this.timeoutMs = parseDuration(conf.timeout);
    this.retryMs = parseDuration(conf.retry_period);
    this.maxBackoffMs = parseDuration(conf.max_retry_backoff);
    this.retries = Math.max(0, conf.retries);
    const lvl = conf.dump_request_log_level.toLowerCase();
    this.dumpLevel = lvl === '' ? undefined : lvl === 'fatal' ? 'error' : (lvl as HttpRequester['dumpLevel']);
    this.rateLimit = conf.rate_limit ? res.getRateLimit(conf.rate_limit) : undefined;
    const tls = tlsOptions(conf.tls);
    const t = conf.transport;
    const connections = t.max_idle_connections > 0 ? t.max_idle_connections : null;
    this.dispatcher = conf.proxy_url
      ? new ProxyAgent({ uri: conf.proxy_url, requestTls: tls, connections })
      : new Agent({
          connections,
          keepAliveTimeout: parseDuration(t.idle_connection_timeout),
          connect: { ...(tls ?? {}), timeout: parseDuration(t.dial_context.timeout) },
        });
    this.auth = buildAuthenticator(conf, this.dispatcher, component);
  }

  get isMultipartConfigured(): boolean {
    return this.explicitParts.length > 0;
  }

  /** The request for message `index` of the batch, or for the whole batch as one multipart body (index null). */
  build(batch: Message[], index: number | null): BuiltRequest {
    const at = index ?? 0;
    const headers: Record<string, string> = {};
    for (const [k, v] of this.headers) headers[k] = v.render(batch, at);
    let body: Buffer | undefined;
    if (this.explicitParts.length > 0) {
      const parts = this.explicitParts.map((p) => {
        const h: Record<string, string> = {};
        const ct = p.contentType.render(batch, at);
        const cd = p.disposition.render(batch, at);
        if (ct) h['Content-Type'] = ct;
        if (cd) h['Content-Disposition'] = cd;
        return { headers: h, body: p.body.renderBytes(batch, at) };
      });
      const mp = encodeMultipart(parts, 'form-data');
      headers['Content-Type'] = mp.contentType;
      body = mp.body;
    } else if (index === null && batch.length > 1) {
      const parts = batch.map((m, i) => {
        const h: Record<string, string> = {};
        if (this.contentType) h['Content-Type'] = this.contentType.render(batch, i);
        this.addMetadata(m, h);
        return { headers: h, body: this.payload ? this.payload.renderBytes(batch, i) : m.asBytes() };
      });
      const mp = encodeMultipart(parts);
      headers['Content-Type'] = mp.contentType;
      body = mp.body;
    } else {
      const m = batch[at]!;
      if (this.contentType) headers['Content-Type'] = this.contentType.render(batch, at);
      this.addMetadata(m, headers);
      body = this.payload ? this.payload.renderBytes(batch, at) : m.asBytes();
    }
    if (body && body.length === 0 && (this.method === 'GET' || this.method === 'HEAD')) body = undefined;
    return { url: this.url.render(batch, at), method: this.method, headers, body };
  }

  private addMetadata(m: Message, headers: Record<string, string>): void {
    if (!this.metadata.active) return;
    for (const [k, v] of m.metaEntries()) if (this.metadata.matches(k)) headers[k] = typeof v === 'string' ? v : m.getMetaString(k)!;
  }

  /** Send with retries; resolves with a successful response, rejects with HttpRequestError. */
  async send(req: BuiltRequest): Promise<HttpResult> {
    let backoff: Backoff | undefined;
    let lastErr: HttpRequestError | undefined;
    for (let attempt = 0; ; attempt++) {
      await this.waitForRateLimit();
      let wait = this.retryMs;
      try {
        const result = await this.once(req);
        const s = result.status;
        if (this.successfulOn.has(s)) return result;
        if (this.dropOn.has(s)) throw new HttpRequestError(`${this.component}: ${req.method} ${redactUrl(req.url)} returned status ${s} (drop_on: not retried)`, result, true);
        if (this.backoffOn.has(s)) {
          backoff ??= new Backoff({ initialMs: this.retryMs, maxMs: this.maxBackoffMs, jitter: 0 });
          wait = backoff.next();
        } else if (s >= 200 && s <= 299) return result;
        lastErr = new HttpRequestError(`${this.component}: ${req.method} ${redactUrl(req.url)} returned unexpected status ${s}`, result);
      } catch (e) {
        if (e instanceof HttpRequestError) throw e;
        lastErr = new HttpRequestError(`${this.component}: ${req.method} ${redactUrl(req.url)} failed: ${errorMessage(e)}`);
      }
      if (attempt >= this.retries || this.closing.signal.aborted) throw lastErr;
      if (!(await sleep(wait, this.closing.signal))) throw lastErr;
    }
  }

  /** One attempt: the whole exchange (body included) must finish within `timeout`. */
  private async once(req: BuiltRequest): Promise<HttpResult> {
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.timeoutMs)]);
    const headers = { ...req.headers };
    if (this.auth) await this.auth(req.method, req.url, headers, signal);
    this.dump('request', `${req.method} ${redactUrl(req.url)}`, req.body);
    const res = await request(req.url, { method: req.method as Dispatcher.HttpMethod, headers, body: req.body, dispatcher: this.dispatcher, signal });
    const body = Buffer.from(await res.body.arrayBuffer());
    this.dump('response', `${res.statusCode} from ${redactUrl(req.url)}`, body);
    return { status: res.statusCode, headers: res.headers, body };
  }

  /**
   * Open a streamed response (stream mode of the input): one attempt, `timeout` applies until the
   * headers arrived, then the body may flow for as long as the server keeps it open.
   */
  async openStream(req: BuiltRequest): Promise<Dispatcher.ResponseData> {
    await this.waitForRateLimit();
    const headers = { ...req.headers };
    if (this.auth) await this.auth(req.method, req.url, headers, this.closing.signal);
    const res = await request(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers,
      body: req.body,
      dispatcher: this.dispatcher,
      signal: this.closing.signal,
      headersTimeout: this.timeoutMs,
      bodyTimeout: 0,
    });
    const s = res.statusCode;
    if (this.successfulOn.has(s) || (s >= 200 && s <= 299 && !this.dropOn.has(s) && !this.backoffOn.has(s))) return res;
    const body = Buffer.from(await res.body.arrayBuffer());
    throw new HttpRequestError(`${this.component}: ${req.method} ${redactUrl(req.url)} returned unexpected status ${s}`, { status: s, headers: res.headers, body });
  }

  private async waitForRateLimit(): Promise<void> {
    if (!this.rateLimit) return;
    for (;;) {
      const ms = await this.rateLimit.access();
      if (ms <= 0) return;
      if (!(await sleep(ms, this.closing.signal))) return;
    }
  }

  private dump(what: string, line: string, body: Buffer | undefined): void {
    if (!this.dumpLevel) return;
    const text = body ? body.subarray(0, 4096).toString('utf8') : '';
    this.log[this.dumpLevel](`${this.component} ${what}: ${line}`, { body: text });
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.dispatcher.close().catch(() => this.dispatcher.destroy().catch(() => {}));
  }
}

/** Response headers as metadata, filtered by `extract_headers` (first value of each). */
export function responseMetadata(result: { status: number; headers: HttpResult['headers'] }, extract: MetadataFilter, target: Message): void {
  target.setMeta('http_status_code', result.status);
  if (!extract.active) return;
  for (const [k, v] of Object.entries(result.headers)) {
    if (v === undefined || !extract.matches(k)) continue;
    target.setMeta(k, Array.isArray(v) ? (v[0] ?? '') : v);
  }
}
