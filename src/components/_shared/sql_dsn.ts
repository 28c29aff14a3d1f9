/**
 * Data Source Names in the formats Benthos's Go drivers take, parsed into plain connection
 * settings, plus a scrubber that removes the password (and the raw DSN) from any text so no
 * error or log line leaks it.
 *
 *   postgres  postgres://user:pass@host:port/db?sslmode=disable   (or key=value pairs: "host=x user=y")
 *   mysql     user:pass@tcp(host:port)/db?param=value            (go-sql-driver/mysql syntax)
 *   sqlite    /path/to.db, file:/path/to.db?mode=ro&_pragma=foreign_keys(1), :memory:
 */
import { readFileSync } from 'node:fs';

export type SqlDriverName = 'postgres' | 'mysql' | 'sqlite';
export const SQL_DRIVERS: readonly SqlDriverName[] = ['postgres', 'mysql', 'sqlite'];

export interface NetworkDsn {
  host: string;
  port: number;
  /** Unix socket path, when the DSN names one instead of host:port. */
  socketPath?: string;
  user?: string;
  password?: string;
  database?: string;
  params: Map<string, string>;
}

export interface SqliteDsn {
  filename: string;
  readonly: boolean;
  /** `_pragma=name(value)` entries, applied in order after opening. */
  pragmas: string[];
  params: Map<string, string>;
}

export class DsnError extends Error {}

/** Where the DSN points, for error messages: never includes the password. */
export function describeTarget(driver: SqlDriverName, dsn: NetworkDsn | SqliteDsn): string {
  if ('filename' in dsn) return `sqlite database ${dsn.filename}`;
  const where = dsn.socketPath ?? `${dsn.host}:${dsn.port}`;
  return `${driver} at ${where}${dsn.database ? `/${dsn.database}` : ''}`;
}

/** Removes the DSN and its password from a text (errors from drivers sometimes echo them). */
export function makeScrubber(rawDsn: string, password: string | undefined): (text: string) => string {
  // The whole DSN only needs hiding when it holds a password (a sqlite path is fine to show).
  const needles = [password ? rawDsn : undefined, password, password ? encodeURIComponent(password) : undefined].filter((s): s is string => !!s && s.length >= 1);
  // Longest first, so the whole DSN is replaced before its password part.
  needles.sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const n of needles) out = out.split(n).join('***');
    return out;
  };
}

export function parsePostgresDsn(dsn: string): NetworkDsn {
  const trimmed = dsn.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new DsnError('postgres dsn is not a valid URL (expected postgres://user:pass@host:port/db?sslmode=disable)');
    }
    const params = new Map<string, string>(url.searchParams);
    const host = params.get('host') ?? decodeURIComponent(url.hostname.replace(/^\[|\]$/g, '')) ?? '';
    return {
      host: host === '' ? 'localhost' : host,
      port: url.port ? Number(url.port) : Number(params.get('port') ?? 5432),
      socketPath: host.startsWith('/') ? host : undefined,
      user: url.username ? decodeURIComponent(url.username) : params.get('user'),
      password: url.password ? decodeURIComponent(url.password) : params.get('password'),
      database: url.pathname.length > 1 ? decodeURIComponent(url.pathname.slice(1)) : params.get('dbname'),
      params,
    };
  }
  // lib/pq also takes "key=value key='quoted value'" pairs.
  const params = new Map<string, string>();
  const re = /([A-Za-z_]+)\s*=\s*('((?:\\.|[^'\\])*)'|\S*)/g;
  let matched = 0;
  for (const m of trimmed.matchAll(re)) {
    matched += m[0].length;
    params.set(m[1]!, m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : m[2]!);
  }
  if (params.size === 0) throw new DsnError('postgres dsn must be a URL (postgres://user:pass@host:port/db) or key=value pairs');
  const host = params.get('host') ?? 'localhost';
  return {
    host,
    port: Number(params.get('port') ?? 5432),
    socketPath: host.startsWith('/') ? host : undefined,
    user: params.get('user'),
    password: params.get('password'),
    database: params.get('dbname'),
    params,
  };
}

/** TLS settings for node-postgres from libpq's sslmode (Benthos's postgres driver requires TLS unless told otherwise). */
export function postgresSsl(params: Map<string, string>): false | { rejectUnauthorized: boolean; ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const mode = params.get('sslmode') ?? 'require';
  switch (mode) {
    case 'disable':
    case 'allow':
    // node-postgres cannot fall back from TLS to plaintext, so "prefer" takes the route any server accepts.
    case 'prefer':
      return false;
    case 'require':
    case 'verify-ca':
    case 'verify-full': {
      const read = (key: string): Buffer | undefined => {
        const p = params.get(key);
        return p ? readFileSync(p) : undefined;
      };
      return { rejectUnauthorized: mode !== 'require', ca: read('sslrootcert'), cert: read('sslcert'), key: read('sslkey') };
    }
    default:
      throw new DsnError(`postgres dsn: unknown sslmode "${mode}"`);
  }
}

/** go-sql-driver/mysql: [user[:password]@][net[(addr)]]/dbname[?param1=value1&paramN=valueN] */
export function parseMysqlDsn(dsn: string): NetworkDsn {
  const trimmed = dsn.trim();
  const slash = trimmed.lastIndexOf('/', trimmed.includes('?') ? trimmed.indexOf('?') : trimmed.length);
  if (slash < 0) throw new DsnError('mysql dsn must contain "/" before the database name (user:pass@tcp(host:port)/db)');
  const head = trimmed.slice(0, slash);
  const tail = trimmed.slice(slash + 1);
  const q = tail.indexOf('?');
  const database = decodeURIComponent(q < 0 ? tail : tail.slice(0, q));
  const params = new Map<string, string>(q < 0 ? [] : new URLSearchParams(tail.slice(q + 1)));
  // The password may contain '@', so the credentials end at the LAST '@'.
  const at = head.lastIndexOf('@');
  let user: string | undefined;
  let password: string | undefined;
  let netPart = head;
  if (at >= 0) {
    const cred = head.slice(0, at);
    netPart = head.slice(at + 1);
    const colon = cred.indexOf(':');
    user = colon < 0 ? cred : cred.slice(0, colon);
    password = colon < 0 ? undefined : cred.slice(colon + 1);
  }
  let host = '127.0.0.1';
  let port = 3306;
  let socketPath: string | undefined;
  if (netPart !== '') {
    const m = /^(\w+)(?:\((.*)\))?$/.exec(netPart);
    if (!m) throw new DsnError(`mysql dsn: cannot read the address part (expected tcp(host:port) or unix(/path))`);
    const [, net, addr] = m;
    if (net === 'unix') socketPath = addr || '/tmp/mysql.sock';
    else if (net === 'tcp' || net === 'tcp6' || net === 'tcp4') {
      if (addr) {
        const hp = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(addr);
        host = hp?.[1] || host;
        if (hp?.[2]) port = Number(hp[2]);
      }
    } else throw new DsnError(`mysql dsn: unsupported network "${net}"`);
  }
  return { host, port, socketPath, user: user || undefined, password, database: database || undefined, params };
}

export function parseSqliteDsn(dsn: string): SqliteDsn {
  let rest = dsn.trim();
  if (rest === '') throw new DsnError('sqlite dsn must name a database file (or :memory:)');
  if (rest.startsWith('file:')) rest = rest.slice(5);
  const q = rest.indexOf('?');
  const params = new Map<string, string>();
  const pragmas: string[] = [];
  if (q >= 0) {
    for (const [k, v] of new URLSearchParams(rest.slice(q + 1))) {
      if (k === '_pragma') pragmas.push(v);
      else params.set(k, v);
    }
    rest = rest.slice(0, q);
  }
  // "file://host/path" style: drop an empty or localhost authority.
  if (rest.startsWith('//')) rest = rest.replace(/^\/\/(localhost)?/, '');
  const mode = params.get('mode');
  const filename = mode === 'memory' || rest === '' ? ':memory:' : decodeURIComponent(rest);
  for (const p of pragmas) {
    if (!/^[A-Za-z_]+(\([A-Za-z0-9_\-.]*\)|=[A-Za-z0-9_\-.]+)?$/.test(p)) throw new DsnError(`sqlite dsn: malformed _pragma "${p}"`);
  }
  return { filename, readonly: mode === 'ro', pragmas, params };
}
