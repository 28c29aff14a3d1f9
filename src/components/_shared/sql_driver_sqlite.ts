/**
 * SQLite through better-sqlite3: one connection per component (SQLite serialises writers anyway),
 * `?` placeholders, prepared statements cached by text. The driver is synchronous and its busy wait
 * blocks the thread, so nothing here holds a lock across an await: transactions run in one go.
 */
import Database from 'better-sqlite3';
import type { SqliteDsn } from './sql_dsn.js';
import { convertRow, type Row, type SqlDb, type SqlSession } from './sql_driver.js';

const STATEMENT_CACHE = 256;

export function openSqlite(dsn: SqliteDsn, target: string, scrub: (s: string) => string): SqlDb {
  const db = new Database(dsn.filename, { readonly: dsn.readonly, timeout: Number(dsn.params.get('_busy_timeout') ?? 5000) });
  for (const p of dsn.pragmas) db.pragma(p.replace(/^(\w+)\((.*)\)$/, '$1 = $2'));
  const cache = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let st = cache.get(sql);
    if (!st) {
      st = db.prepare(sql);
      if (st.reader) st.safeIntegers(true);
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, st);
    }
    return st;
  };
  const direct: SqlSession = {
    async query(sql, args) {
      const st = prepare(sql);
      if (!st.reader) {
        st.run(args as unknown[]);
        return [];
      }
      return (st.all(args as unknown[]) as Record<string, unknown>[]).map(convertRow) as Row[];
    },
    async exec(sql, args) {
      const st = prepare(sql);
      if (st.reader) return st.all(args as unknown[]).length;
      return st.run(args as unknown[]).changes;
    },
  };
  // Keeps operations in call order, and close() waits for the last one.
  let tail: Promise<unknown> = Promise.resolve();
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };
  let closed = false;
  return {
    driver: 'sqlite',
    target,
    maxParams: 32766,
    placeholder: () => '?',
    scrub,
    query: (sql, args) => locked(() => direct.query(sql, args)),
    exec: (sql, args) => locked(() => direct.exec(sql, args)),
    async ping() {
      if (closed || !db.open) throw new Error('database is closed');
      db.prepare('SELECT 1').get();
    },
    // Synchronous from BEGIN to COMMIT: no other code of this process runs while the lock is held.
    execInTransaction: (statements) =>
      locked(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          for (const [sql, args] of statements) prepare(sql).run(args as unknown[]);
          db.exec('COMMIT');
        } catch (e) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw e;
        }
      }),
    execScript: (sql) => locked(async () => void db.exec(sql)),
    async close() {
      if (closed) return;
      closed = true;
      await tail;
      cache.clear();
      db.close();
    },
  };
}
