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

/**
 * How long a write may wait for the server's answer before its connection is given up. Without
 * it a write on a connection whose peer vanished without a RST (a dead host, a partition) waits
 * for the kernel's TCP retransmission timeout, ~15 minutes, with the batch held and nothing
 * retried (RELIABILITY.md F5). The DSN parameter `query_timeout` (ms, node-postgres's own name;
 * 0 turns it off) overrides it. Reads keep no limit unless that parameter is set.
 */
const DEFAULT_WRITE_TIMEOUT_MS = 30_000;

/** How long close() waits for connections still in use. */
const CLOSE_WAIT_MS = 250;

type Queryable = { query: (config: pg.QueryConfig) => Promise<pg.QueryResult> };

function session(q: Queryable, writeTimeoutMs: number, readTimeoutMs: number): SqlSession {
  const run = (text: string, args: readonly unknown[], timeout: number): Promise<pg.QueryResult> =>
    q.query({ text, values: args as unknown[], ...(timeout > 0 ? { query_timeout: timeout } : {}) } as pg.QueryConfig);
  return {
    async query(sql, args) {
      return rowsOf(await run(sql, args, readTimeoutMs));
    },
    async exec(sql, args) {
      const r = (await run(sql, args, writeTimeoutMs)) as pg.QueryResult | pg.QueryResult[];
      return Array.isArray(r) ? r.reduce((n, x) => n + (x.rowCount ?? 0), 0) : (r.rowCount ?? 0);
    },
  };
}

export function openPostgres(dsn: NetworkDsn, target: string, scrub: (s: string) => string, opts: PoolOptions): SqlDb {
  const connectTimeout = Number(dsn.params.get('connect_timeout') ?? 10);
  const queryTimeoutParam = dsn.params.get('query_timeout');
  const readTimeoutMs = queryTimeoutParam !== undefined ? Math.max(0, Number(queryTimeoutParam) || 0) : 0;
  const writeTimeoutMs = queryTimeoutParam !== undefined ? readTimeoutMs : DEFAULT_WRITE_TIMEOUT_MS;
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
  const base = session(pool, writeTimeoutMs, readTimeoutMs);
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
        // A pooled connection whose peer went silent would hang the ping (and every reconnect).
        await c.query({ text: 'SELECT 1', query_timeout: connectTimeout > 0 ? connectTimeout * 1000 : 10_000 } as pg.QueryConfig);
        c.release();
      } catch (e) {
        c.release(true);
        throw e;
      }
    },
    async execInTransaction(statements) {
      const c = await pool.connect();
      const tx = session(c, writeTimeoutMs, readTimeoutMs);
      try {
        await tx.exec('BEGIN', []);
        for (const [sql, args] of statements) await tx.exec(sql, args);
        await tx.exec('COMMIT', []);
        c.release();
      } catch (e) {
        // A connection that broke (or went silent) mid-transaction gets no ROLLBACK, which would
        // only wait again, and is not given back to the pool: the server rolls back on its own.
        const broken = isConnectionError(e);
        if (!broken) await c.query('ROLLBACK').catch(() => {});
        c.release(broken ? true : undefined);
        throw e;
      }
    },
    async execScript(sql) {
      await pool.query(sql);
    },
    async close() {
      // pool.end() waits for every checked-out connection; one stuck on a silent peer would hold
      // the shutdown until its query times out. Closing comes after the drain (or a forced stop),
      // so nothing still running is worth waiting long for.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([pool.end().catch(() => {}), new Promise<void>((r) => (timer = setTimeout(r, CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
    },
  };
}
