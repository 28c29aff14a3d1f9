/**
 * MySQL / MariaDB through mysql2: a pool, `?` placeholders bound server-side (prepared statements,
 * never interpolated into the text), and values shaped as go-sql-driver/mysql gives them.
 */
import mysql from 'mysql2/promise';
import { parseDuration } from '../../plugin/index.js';
import type { NetworkDsn } from './sql_dsn.js';
import { convertRow, isConnectionError, type PoolOptions, type Row, type SqlDb, type SqlSession } from './sql_driver.js';

type Runner = Pick<mysql.Pool, 'execute' | 'query'>;

function rowsOf(result: unknown): Row[] {
  if (!Array.isArray(result)) return [];
  // A CALL returns several result sets: take the first one that has rows.
  if (result.length > 0 && Array.isArray(result[0])) return rowsOf(result[0]);
  return (result as Record<string, unknown>[]).map(convertRow);
}

function session(r: Runner): SqlSession {
  // Without arguments use the text protocol: some statements (DDL, SET) cannot be prepared.
  const run = (sql: string, args: readonly unknown[]) => (args.length === 0 ? r.query(sql) : r.execute(sql, args as unknown[] as never));
  return {
    async query(sql, args) {
      const [res] = await run(sql, args);
      return rowsOf(res);
    },
    async exec(sql, args) {
      const [res] = await run(sql, args);
      return Array.isArray(res) ? res.length : ((res as { affectedRows?: number }).affectedRows ?? 0);
    },
  };
}

function tlsOption(v: string | undefined): mysql.PoolOptions['ssl'] {
  switch (v) {
    case undefined:
    case 'false':
    case 'preferred':
      return undefined;
    case 'true':
      return { rejectUnauthorized: true };
    case 'skip-verify':
      return { rejectUnauthorized: false };
    default:
      throw new Error(`mysql dsn: tls="${v}" names a custom TLS config, which Sluice does not support (use true, skip-verify or false)`);
  }
}

export function openMysql(dsn: NetworkDsn, target: string, scrub: (s: string) => string, opts: PoolOptions): SqlDb {
  const timeout = dsn.params.get('timeout');
  const conn: mysql.PoolOptions = {
    host: dsn.host,
    port: dsn.port,
    socketPath: dsn.socketPath,
    user: dsn.user,
    password: dsn.password,
    database: dsn.database,
    charset: dsn.params.get('charset')?.split(',')[0],
    ssl: tlsOption(dsn.params.get('tls')),
    connectTimeout: timeout ? parseDuration(timeout) : 10_000,
    // go-sql-driver returns DATETIME as text unless parseTime=true.
    dateStrings: dsn.params.get('parseTime') !== 'true',
    supportBigNumbers: true,
    bigNumberStrings: false,
    timezone: 'Z',
  };
  const pool = mysql.createPool({
    ...conn,
    connectionLimit: opts.maxOpen > 0 ? opts.maxOpen : 64,
    maxIdle: Math.max(0, opts.maxIdle),
    idleTimeout: opts.idleTimeoutMs > 0 ? opts.idleTimeoutMs : 60_000,
    enableKeepAlive: true,
  });
  // A pooled connection whose server went away emits 'error': keep Node from crashing on it.
  (pool as unknown as { pool: { on(ev: string, fn: (c: { on(ev: string, fn: () => void): void }) => void): void } }).pool.on('connection', (c) => c.on('error', () => {}));
  const base = session(pool);
  return {
    driver: 'mysql',
    target,
    maxParams: 65535,
    placeholder: () => '?',
    scrub,
    query: base.query,
    exec: base.exec,
    async ping() {
      const c = await pool.getConnection();
      try {
        await c.ping();
        c.release();
      } catch (e) {
        c.destroy();
        throw e;
      }
    },
    async execInTransaction(statements) {
      const c = await pool.getConnection();
      const s = session(c);
      try {
        await c.beginTransaction();
        for (const [sql, args] of statements) await s.exec(sql, args);
        await c.commit();
        c.release();
      } catch (e) {
        await c.rollback().catch(() => {});
        if (isConnectionError(e)) c.destroy();
        else c.release();
        throw e;
      }
    },
    async execScript(sql) {
      // Init files hold several statements: run them on a separate connection that allows that.
      const c = await mysql.createConnection({ ...conn, multipleStatements: true });
      c.on('error', () => {});
      try {
        await c.query(sql);
      } finally {
        await c.end().catch(() => c.destroy());
      }
    },
    async close() {
      await pool.end().catch(() => {});
    },
  };
}
