/**
 * One small database layer over node-postgres, mysql2 and better-sqlite3, so the sql_* components
 * never see a driver: a pool per component, bound parameters only, transactions on one
 * connection, and values converted both ways the way Benthos's Go drivers hand them over
 * (bytes become strings, times RFC 3339, big integers exact).
 */
import { serialiseValue, NotConnectedError } from '../../plugin/index.js';
import { describeTarget, makeScrubber, parseMysqlDsn, parsePostgresDsn, parseSqliteDsn, type SqlDriverName } from './sql_dsn.js';

export type Row = Record<string, unknown>;

export interface SqlSession {
  /** Runs a statement and returns its rows (empty for statements without a result set). */
  query(sql: string, args: readonly unknown[]): Promise<Row[]>;
  /** Runs a statement for its effect; resolves to the affected row count. */
  exec(sql: string, args: readonly unknown[]): Promise<number>;
}

export interface SqlDb extends SqlSession {
  readonly driver: SqlDriverName;
  /** "postgres at host:port/db": for messages, never with a password. */
  readonly target: string;
  /** The most bound parameters one statement may carry. */
  readonly maxParams: number;
  /** The placeholder for the n-th (1-based) parameter. */
  placeholder(n: number): string;
  /** Opens (or checks) a connection: rejects with a clear, scrubbed error when the server is unreachable. */
  ping(): Promise<void>;
  /**
   * Runs statements in order on one connection inside BEGIN/COMMIT (ROLLBACK on failure); resolves
   * after COMMIT. A list, not a callback: SQLite must run a transaction without yielding, or another
   * connection of this process would block the thread waiting for its lock.
   */
  execInTransaction(statements: ReadonlyArray<readonly [string, readonly unknown[]]>): Promise<void>;
  /** Runs a script that may hold several statements (init files). */
  execScript(sql: string): Promise<void>;
  /** Removes secrets from a text. */
  scrub(text: string): string;
  close(): Promise<void>;
}

export interface PoolOptions {
  /** 0 = no limit (a generous cap is used where the driver needs one). */
  maxOpen: number;
  maxIdle: number;
  /** 0 = never close idle connections for their idleness. */
  idleTimeoutMs: number;
  /** 0 = no age limit. */
  maxLifetimeMs: number;
}

/** Bloblang values → driver parameters. Objects and arrays travel as JSON text. */
export function toParam(v: unknown, driver: SqlDriverName): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      // better-sqlite3 binds every number as REAL; whole numbers go as INTEGER, as Go binds int64.
      return driver === 'sqlite' && Number.isSafeInteger(v) ? BigInt(v) : v;
    case 'boolean':
      return driver === 'sqlite' ? (v ? 1n : 0n) : v;
    case 'bigint':
      return driver === 'sqlite' ? v : v.toString();
  }
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (!Array.isArray(v) && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    // Bloblang timestamps: RFC 3339, which every database here parses.
    return (v as { toJSON(): unknown }).toJSON();
  }
  return serialiseValue(v);
}

/** Driver values → message values, as Benthos shapes rows (bytes are strings, times RFC 3339). */
export function fromColumn(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (v instanceof Date) return rfc3339(v);
  return v;
}

function rfc3339(d: Date): string {
  if (Number.isNaN(d.getTime())) return String(d);
  return d.toISOString().replace('.000Z', 'Z');
}

export function convertRow(raw: Record<string, unknown>): Row {
  const out: Row = {};
  for (const k of Object.keys(raw)) out[k] = fromColumn(raw[k]);
  return out;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  // postgres: admin_shutdown, crash_shutdown, cannot_connect_now
  '57P01',
  '57P02',
  '57P03',
]);

/** Whether an error means the connection (not the statement) failed: the engine should reconnect. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; fatal?: unknown };
  if (typeof e?.code === 'string' && CONNECTION_CODES.has(e.code)) return true;
  const msg = typeof e?.message === 'string' ? e.message : '';
  // "Query read timeout": node-postgres's query_timeout fired; the connection may be dead, so it
  // is replaced rather than reused.
  return /Connection terminated|connection is closed|Can't add new command when connection is in closed state|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/i.test(msg);
}

/**
 * The error a component reports: names the driver and where it points, never the password.
 * Connection failures become NotConnectedError so the engine reconnects.
 */
export function sqlError(db: Pick<SqlDb, 'target' | 'scrub'>, what: string, err: unknown): Error {
  const text = db.scrub(`${what} (${db.target}): ${describe(err)}`);
  if (isConnectionError(err)) return new NotConnectedError(text);
  const out = new Error(text);
  const code = (err as { code?: unknown })?.code;
  if (code !== undefined) (out as Error & { code?: unknown }).code = code;
  return out;
}

/** An error's text; node's AggregateError (several addresses refused) has an empty message. */
export function describe(e: unknown): string {
  if (e instanceof AggregateError && !e.message) return e.errors.map(describe).join('; ');
  if (e instanceof Error) return e.message || (e as { code?: string }).code || e.name;
  return String(e);
}

export async function openSqlDb(driver: SqlDriverName, dsn: string, pool: PoolOptions): Promise<SqlDb> {
  switch (driver) {
    case 'postgres': {
      const parsed = parsePostgresDsn(dsn);
      const { openPostgres } = await import('./sql_driver_pg.js');
      return openPostgres(parsed, describeTarget(driver, parsed), makeScrubber(dsn, parsed.password), pool);
    }
    case 'mysql': {
      const parsed = parseMysqlDsn(dsn);
      const { openMysql } = await import('./sql_driver_mysql.js');
      return openMysql(parsed, describeTarget(driver, parsed), makeScrubber(dsn, parsed.password), pool);
    }
    case 'sqlite': {
      const parsed = parseSqliteDsn(dsn);
      const { openSqlite } = await import('./sql_driver_sqlite.js');
      return openSqlite(parsed, describeTarget(driver, parsed), makeScrubber(dsn, undefined));
    }
  }
}
