/**
 * One way for every NATS component (nats, nats_jetstream, nats_kv inputs/outputs/cache/processor)
 * to declare its connection fields and open a connection: `urls` (credentials in a URL become
 * user/pass or a token and never appear in logs or errors), `tls`, `auth` and `max_reconnects`.
 */
import { tlsField, tlsOptions, type TlsConfig } from './tls.js';
import { readFile } from 'node:fs/promises';
import { connect, credsAuthenticator, jwtAuthenticator, nkeyAuthenticator, type Authenticator, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { field, type Field, type Resources } from '../../plugin/index.js';

export interface NatsClientCert {
  cert: string;
  key: string;
  cert_file: string;
  key_file: string;
  password: string;
}

/** The NATS components take the shared `tls` object. */
export type NatsTlsConfig = TlsConfig;

export interface NatsAuthConfig {
  nkey_file?: string;
  user_credentials_file?: string;
  user_jwt?: string;
  user_nkey_seed?: string;
}

export interface NatsConnectionConfig {
  urls: string[];
  tls?: NatsTlsConfig;
  auth?: NatsAuthConfig;
  max_reconnects?: number;
}

export function natsUrlsField(): ReturnType<typeof field.stringList> {
  return field
    .stringList('urls', 'A list of URLs to connect to. If an item of the list contains commas it will be expanded into multiple URLs.')
    .examples(['nats://127.0.0.1:4222'], ['nats://username:password@127.0.0.1:4222']);
}

export function natsAuthField(): ReturnType<typeof field.object> {
  return field
    .object('auth', 'Optional configuration of NATS authentication parameters.', [
      field.string('nkey_file', 'An optional file containing a NKey seed.').optional().examples('./seed.nk'),
      field.string('user_credentials_file', 'An optional file containing user credentials which consist of an user JWT and corresponding NKey seed.').optional().examples('./user.creds'),
      field.string('user_jwt', 'An optional plain text user JWT (given along with the corresponding user NKey Seed).').optional().secret(),
      field.string('user_nkey_seed', 'An optional plain text user NKey Seed (given along with the corresponding user JWT).').optional().secret(),
    ])
    .advanced();
}

export function natsMaxReconnectsField(): ReturnType<typeof field.int> {
  return field
    .int('max_reconnects', 'The maximum number of times to attempt to reconnect to the server after a lost connection. If negative (or absent), it never stops trying.')
    .optional()
    .advanced();
}

/** The connection fields that close every NATS component's spec (urls comes first, on its own). */
export function natsTailFields(): Field[] {
  return [natsMaxReconnectsField(), tlsField(), natsAuthField()];
}

/** Replace the password (or a lone token) of every URL in a text with `xxxxx`. */
export function scrubNatsUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^@/\s:]*)(?::([^@/\s]*))?@/gi, (_m, scheme: string, user: string, pass: string | undefined) =>
    pass === undefined ? `${scheme}xxxxx@` : `${scheme}${user}:xxxxx@`,
  );
}

interface ParsedServers {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
}

/** Split comma lists, and take credentials out of the URLs (the client does not read them there). */
export function parseNatsUrls(urls: string[]): ParsedServers {
  const out: ParsedServers = { servers: [] };
  for (const item of urls) {
    for (const raw of item.split(',')) {
      const u = raw.trim();
      if (u === '') continue;
      const m = /^([a-z][a-z0-9+.-]*:\/\/)?(?:([^@/]*)@)?(.*)$/i.exec(u)!;
      const [, scheme = 'nats://', cred, rest] = m;
      if (cred !== undefined && out.user === undefined && out.token === undefined) {
        const colon = cred.indexOf(':');
        if (colon < 0) out.token = decodeURIComponent(cred);
        else {
          out.user = decodeURIComponent(cred.slice(0, colon));
          out.pass = decodeURIComponent(cred.slice(colon + 1));
        }
      }
      out.servers.push(`${scheme}${rest}`);
    }
  }
  return out;
}

async function authenticators(auth: NatsAuthConfig | undefined): Promise<Authenticator[]> {
  const out: Authenticator[] = [];
  if (!auth) return out;
  const enc = new TextEncoder();
  if (auth.nkey_file) out.push(nkeyAuthenticator(enc.encode((await readFile(auth.nkey_file, 'utf8')).trim())));
  if (auth.user_credentials_file) out.push(credsAuthenticator(await readFile(auth.user_credentials_file)));
  if (auth.user_jwt || auth.user_nkey_seed) {
    if (!auth.user_jwt || !auth.user_nkey_seed) throw new Error('auth: user_jwt and user_nkey_seed must be given together');
    out.push(jwtAuthenticator(auth.user_jwt, enc.encode(auth.user_nkey_seed.trim())));
  }
  return out;
}

/** Where a component connects, for messages: the URLs without passwords. */
export function describeNatsUrls(urls: string[]): string {
  return scrubNatsUrls(urls.join(', '));
}

/**
 * Open a connection. Throws an error naming the component and the (scrubbed) addresses. The
 * client reconnects by itself after a drop (up to max_reconnects); a connection that gave up is
 * closed, which components report as NotConnectedError so the engine opens a new one.
 */
export async function openNatsConnection(conf: NatsConnectionConfig, res: Resources, component: string): Promise<NatsConnection> {
  const where = describeNatsUrls(conf.urls);
  let nc: NatsConnection;
  try {
    const parsed = parseNatsUrls(conf.urls);
    if (parsed.servers.length === 0) throw new Error('no urls given');
    const auth = await authenticators(conf.auth);
    const opts: NodeConnectionOptions = {
      servers: parsed.servers,
      name: res.label || `sluice_${component}`,
      maxReconnectAttempts: conf.max_reconnects === undefined || conf.max_reconnects < 0 ? -1 : conf.max_reconnects,
      reconnectTimeWait: 1000,
      timeout: 10_000,
      // A single configured server stays the target even if the server gossips others.
      ignoreClusterUpdates: parsed.servers.length === 1,
    };
    if (parsed.user !== undefined) {
      opts.user = parsed.user;
      opts.pass = parsed.pass;
    }
    if (parsed.token !== undefined) opts.token = parsed.token;
    if (auth.length > 0) opts.authenticator = auth;
    const tls = tlsOptions(conf.tls) as NodeConnectionOptions['tls'];
    if (tls) opts.tls = tls;
    nc = await connect(opts);
  } catch (e) {
    throw new Error(`${component}: failed to connect to ${where}: ${scrubNatsUrls(e instanceof Error ? e.message : String(e))}`);
  }
  watchStatus(nc, res, component, where);
  return nc;
}

/** Log connection events in the background; the loop ends when the connection closes. */
function watchStatus(nc: NatsConnection, res: Resources, component: string, where: string): void {
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') res.logger.warn(`${component}: lost the connection to ${where}; reconnecting`);
      else if (s.type === 'reconnect') res.logger.info(`${component}: reconnected to ${where}`);
      else if (s.type === 'error') res.logger.error(`${component}: ${scrubNatsUrls(String((s as { error?: unknown }).error ?? 'connection error'))}`);
    }
  })().catch(() => {});
}

/** Close a connection, letting published messages and acks leave first (bounded wait). */
export async function closeNatsConnection(nc: NatsConnection | undefined, timeoutMs = 5000): Promise<void> {
  if (!nc || nc.isClosed()) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
  try {
    await Promise.race([nc.isDraining() ? nc.closed().then(() => {}) : nc.drain().catch(() => {}), timeout]);
  } finally {
    clearTimeout(timer);
    if (!nc.isClosed()) await nc.close().catch(() => {});
  }
}
