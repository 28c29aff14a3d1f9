/**
 * One place for how every Redis component connects: the shared config fields (`url`, `kind`,
 * `master`, `tls`), URL parsing (`redis://user:pass@host:port/db`, `rediss://` for TLS, several
 * comma-separated URLs for cluster/failover), and building an ioredis client.
 *
 * Two flavours of client:
 * - `connector` (inputs and outputs): no reconnect inside ioredis. When the connection drops,
 *   commands fail at once and the component throws NotConnectedError, so the engine owns
 *   reconnection, backoff, metrics and `/ready`.
 * - `resource` (caches, rate limits, which have no connect step): ioredis reconnects by itself
 *   and a command issued during an outage fails after a couple of attempts instead of hanging.
 */
import { Redis, Cluster, type RedisOptions, type ClusterOptions } from 'ioredis';
import { field, NotConnectedError, errorMessage, type Field, type Logger } from '../../plugin/index.js';
import { tlsField, tlsOptions, type TlsConfig } from './tls.js';

export type RedisKind = 'simple' | 'cluster' | 'failover';

export interface RedisConnConfig {
  url: string;
  kind: RedisKind;
  master: string;
  tls?: TlsConfig;
}

export type RedisClient = Redis | Cluster;

/** The connection fields, in Benthos's order, for every Redis component's spec. */
export function redisConnFields(): Field[] {
  return [
    field
      .string('url', 'The URL of the target Redis server. Database is optional and is supplied as the URL path. `rediss://` turns TLS on.')
      .examples(
        'redis://:6397',
        'redis://localhost:6379',
        'redis://foousername:foopassword@redisplace:6379',
        'redis://:foopassword@redisplace:6379',
        'redis://localhost:6379/1',
        'redis://localhost:6379/1,redis://localhost:6380/1',
      ),
    field.string('kind', 'Specifies a simple, cluster-aware, or failover-aware redis client.').default('simple').options('simple', 'cluster', 'failover').advanced(),
    field.string('master', 'Name of the redis master when `kind` is `failover`').default('').examples('mymaster').advanced(),
    tlsField(),
  ];
}

export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls: boolean;
}

/** Parse `url` (one or several comma-separated URLs). Throws with a message that never shows a password. */
export function parseRedisUrls(url: string): RedisEndpoint[] {
  const parts = url
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (parts.length === 0) throw new Error('url is empty');
  return parts.map(parseOne);
}

function parseOne(raw: string): RedisEndpoint {
  // A bare host:port is accepted as if it had the redis:// scheme.
  let text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `redis://${raw}`;
  // `redis://:6397` (no host, as in Benthos's examples) means localhost.
  text = text.replace(/^([a-z][a-z0-9+.-]*:\/\/)(?=:\d*(?:\/|$))/i, '$1localhost');
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new Error(`url ${redactUrl(raw)} is not a valid URL`);
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  if (!['redis', 'rediss', 'tcp', 'unix'].includes(scheme)) throw new Error(`url ${redactUrl(raw)}: unsupported scheme "${scheme}" (use redis:// or rediss://)`);
  const ep: RedisEndpoint = {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: u.port ? Number(u.port) : 6379,
    tls: scheme === 'rediss',
  };
  if (u.username) ep.username = decodeURIComponent(u.username);
  if (u.password) ep.password = decodeURIComponent(u.password);
  const path = u.pathname.replace(/^\//, '');
  if (path !== '') {
    const db = Number(path);
    if (!Number.isInteger(db) || db < 0) throw new Error(`url ${redactUrl(raw)}: database "${path}" is not a number`);
    ep.db = db;
  }
  return ep;
}

/** The URL with any password replaced, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/g, '//$1:***@');
}

/** host:port list for error messages and logs (never credentials). */
export function redisAddress(conf: Pick<RedisConnConfig, 'url'>): string {
  try {
    return parseRedisUrls(conf.url)
      .map((e) => `${e.host}:${e.port}`)
      .join(',');
  } catch {
    return redactUrl(conf.url);
  }
}

export interface ClientOptions {
  mode: 'connector' | 'resource';
  /** Shown in CLIENT LIST, handy when debugging consumer groups. */
  connectionName?: string;
  logger?: Logger;
  /** Component name for log lines, e.g. "redis cache". */
  what?: string;
}

/** Build a client (not yet connected: call `connect()` or let the first command connect it). */
export function createRedisClient(conf: RedisConnConfig, opts: ClientOptions): RedisClient {
  const eps = parseRedisUrls(conf.url);
  const first = eps[0]!;
  const tls = tlsOptions(conf.tls, first.tls);
  const connector = opts.mode === 'connector';
  const common: RedisOptions = {
    lazyConnect: true,
    connectTimeout: 10_000,
    // RESP2 replies have one shape on every server version (RESP3 turns XREADGROUP into a map).
    protocol: 2,
    connectionName: opts.connectionName,
    username: first.username,
    password: first.password,
    ...(tls ? { tls } : {}),
  };
  if (connector) {
    // The engine reconnects: ioredis must not retry or queue behind a dead socket.
    common.retryStrategy = () => null;
    common.maxRetriesPerRequest = 0;
  } else {
    // Reconnect steadily; a command waits for at most one reconnect attempt, and the
    // component's own retries (e.g. the redis cache's `retries`) decide when to give up.
    common.retryStrategy = (times) => Math.min(50 * times, 1000);
    common.maxRetriesPerRequest = 1;
  }
  let client: RedisClient;
  if (conf.kind === 'cluster') {
    const copts: ClusterOptions = {
      lazyConnect: true,
      redisOptions: { ...common, lazyConnect: undefined, db: undefined },
      ...(connector ? { clusterRetryStrategy: () => null } : {}),
      maxRedirections: 16,
    };
    client = new Cluster(
      eps.map((e) => ({ host: e.host, port: e.port })),
      copts,
    );
  } else if (conf.kind === 'failover') {
    if (!conf.master) throw new Error('field master is required when kind is failover');
    client = new Redis({
      ...common,
      db: first.db,
      sentinels: eps.map((e) => ({ host: e.host, port: e.port })),
      name: conf.master,
      ...(tls ? { enableTLSForSentinelMode: true } : {}),
      ...(connector ? { sentinelRetryStrategy: () => null, enableOfflineQueue: false } : {}),
    });
  } else {
    client = new Redis({
      ...common,
      host: first.host,
      port: first.port,
      db: first.db,
      ...(connector ? { enableOfflineQueue: false } : {}),
    });
  }
  watchErrors(client, opts);
  return client;
}

/**
 * ioredis emits 'error' on every failed (re)connect; an unheard 'error' would be printed by
 * ioredis itself, so always listen, and log once per outage rather than once per attempt.
 */
function watchErrors(client: RedisClient, opts: ClientOptions): void {
  let reported = false;
  client.on('error', (err: Error) => {
    if (reported || !opts.logger || opts.mode === 'connector') return;
    reported = true;
    opts.logger.warn(`${opts.what ?? 'redis'}: connection problem: ${errorMessage(err)}`);
  });
  client.on('ready', () => {
    if (reported) opts.logger?.info(`${opts.what ?? 'redis'}: connection restored`);
    reported = false;
  });
}

/**
 * Build a connector client and connect it. Throws an error naming the component and the
 * address (never the password) when Redis cannot be reached or refuses the credentials.
 */
export async function connectRedis(conf: RedisConnConfig, component: string, opts: Omit<ClientOptions, 'mode'> = {}): Promise<RedisClient> {
  const client = createRedisClient(conf, { ...opts, mode: 'connector', what: component });
  try {
    await client.connect();
    if (client instanceof Redis && client.status !== 'ready') throw new Error(`connection status is ${client.status}`);
  } catch (e) {
    client.disconnect();
    throw new Error(`${component}: cannot connect to Redis at ${redisAddress(conf)}: ${errorMessage(e)}`, { cause: e });
  }
  return client;
}

const CONNECTION_LOST = /Connection is closed|ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|Stream isn't writeable|Socket closed|enableOfflineQueue|MaxRetriesPerRequest|Command timed out|Connection to .* lost/i;

/** True when an error means the connection is gone (rather than a bad command). */
export function isConnectionLost(err: unknown, client?: RedisClient): boolean {
  if (client && client.status !== 'ready') return true;
  return CONNECTION_LOST.test(errorMessage(err));
}

/** Rethrow a command failure: NotConnectedError when the connection is gone, the error otherwise. */
export function commandFailure(err: unknown, client: RedisClient | undefined, component: string): Error {
  if (isConnectionLost(err, client)) return new NotConnectedError(`${component}: lost the connection to Redis: ${errorMessage(err)}`, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}

/** Close without waiting for pending replies (blocking reads would hold a QUIT up). */
export function closeRedis(client: RedisClient | undefined): void {
  if (!client) return;
  try {
    client.disconnect();
  } catch {
    // already closed
  }
}
