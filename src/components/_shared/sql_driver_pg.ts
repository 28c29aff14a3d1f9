/** PostgreSQL through node-postgres: a pg.Pool, `$n` placeholders, types shaped as lib/pq gives them. */
import pg from 'pg';
import { postgresSsl, type NetworkDsn } from './sql_dsn.js';
import { convertRow, isConnectionError, type PoolOptions, type Row, type SqlDb, type SqlSession } from './sql_driver.js';

// Type OIDs whose default node-postgres parsing differs from what Benthos (lib/pq) produces.
const INT8 = 20;
const JSON_OID = 114;
const JSONB = 3802;
const TIMESTAMP = 1114;

const parseInt8 = (s: string): number | bigint => {
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : BigInt(s);
};
// lib/pq hands json columns over as bytes, which Benthos turns into strings.
const asText = (s: string): string => s;
// A timestamp without zone is wall-clock time; read it as UTC instead of the process's zone.
const parseTimestamp = (s: string): Date | string => {
  const d = new Date(s.replace(' ', 'T') + 'Z');
  return Number.isNaN(d.getTime()) ? s : d;
};

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (s: string) => unknown {
    if (format !== 'binary') {
      if (oid === INT8) return parseInt8;
      if (oid === JSON_OID || oid === JSONB) return asText;
      if (oid === TIMESTAMP) return parseTimestamp;
    }
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function rowsOf(res: pg.QueryResult | pg.QueryResult[]): Row[] {
  const last = Array.isArray(res) ? res[res.length - 1] : res;
  return (last?.rows ?? []).map((r) => convertRow(r as Record<string, unknown>));
}

function session(q: { query: (text: string, values?: unknown[]) => Promise<pg.QueryResult> }): SqlSession {
  return {
    async query(sql, args) {
      return rowsOf(await q.query(sql, args as unknown[]));
    },
    async exec(sql, args) {
      const r = (await q.query(sql, args as unknown[])) as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(r) ? r.reduce((n, x) => n + (x.rowCount ?? 0), 0) : (r.rowCount ?? 0);
    },
  };
}

export function openPostgres(dsn: NetworkDsn, target: string, scrub: (s: string) => string, opts: PoolOptions): SqlDb {
  const connectTimeout = Number(dsn.params.get('connect_timeout') ?? 10);
  const pool = new pg.Pool({
    host: dsn.host,
    port: dsn.port,
    user: dsn.user,
    password: dsn.password,
    database: dsn.database,
    ssl: postgresSsl(dsn.params),
    application_name: dsn.params.get('application_name'),
    max: opts.maxOpen > 0 ? opts.maxOpen : 64,
    idleTimeoutMillis: opts.idleTimeoutMs > 0 ? opts.idleTimeoutMs : opts.maxIdle <= 0 ? 1 : 0,
    maxLifetimeSeconds: opts.maxLifetimeMs > 0 ? Math.max(1, Math.round(opts.maxLifetimeMs / 1000)) : 0,
    connectionTimeoutMillis: connectTimeout > 0 ? connectTimeout * 1000 : 10_000,
    types,
  });
  // An idle client whose server went away emits 'error' on the pool: without a listener Node would crash.
  pool.on('error', () => {});
  // A checked-out client has no pool listener; its queries fail on their own, so the event only needs catching.
  pool.on('connect', (client) => client.on('error', () => {}));
  const base = session(pool);
  return {
    driver: 'postgres',
    target,
    maxParams: 65535,
    placeholder: (n) => `$${n}`,
    scrub,
    query: base.query,
    exec: base.exec,
    async ping() {
      const c = await pool.connect();
      try {
        await c.query('SELECT 1');
        c.release();
      } catch (e) {
        c.release(true);
        throw e;
      }
    },
    async execInTransaction(statements) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        for (const [sql, args] of statements) await c.query(sql, args as unknown[]);
        await c.query('COMMIT');
        c.release();
      } catch (e) {
        await c.query('ROLLBACK').catch(() => {});
        // A connection that broke mid-transaction is not given back to the pool.
        c.release(isConnectionError(e) ? true : undefined);
        throw e;
      }
    },
    async execScript(sql) {
      await pool.query(sql);
    },
    async close() {
      await pool.end().catch(() => {});
    },
  };
}
