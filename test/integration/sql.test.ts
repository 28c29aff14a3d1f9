/**
 * The sql_* components against the real PostgreSQL (127.0.0.1:5432, database `test`), MariaDB
 * (127.0.0.1:3306, root, database `test`) and SQLite in a temp file: batched inserts checked row by
 * row, a conflict clause, enrichment lookups, reading a table to its end, an outage through a
 * FaultProxy that loses nothing, and an unreachable server reported without its password.
 *
 * The shared connectorSuite does not apply: it needs an input that consumes what the output wrote
 * with acknowledgements, and an SQL table query cannot ack.
 */
import { test, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import mysql from 'mysql2/promise';
import Database from 'better-sqlite3';
import '../../src/components/index.js';
import { requireService, sources, sinks, TestSource, TestSink, waitFor, deadPort, FaultProxy } from '../../src/testing/index.js';
import { runStream } from '../../src/library.js';
import { silentLogger, createLogger } from '../../src/core/logger.js';

const pgSkip = await requireService('postgres', 5432);
const mySkip = await requireService('mariadb', 3306);
const tmp = mkdtempSync(join(tmpdir(), 'sluice-sql-'));
let seq = 0;
const uniq = (what: string): string => `sluice_${what}_${process.pid}_${Date.now().toString(36)}_${seq++}`;

interface Db {
  name: 'postgres' | 'mysql' | 'sqlite';
  skip?: string;
  dsn(port?: number): string;
  exec(sql: string): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** Column types for (id, name, score, doc). */
  types: { int: string; text: string; float: string };
  /** A suffix/prefix pair that keeps the existing row on a duplicate key. */
  keepExisting: { prefix?: string; suffix?: string };
  close(): Promise<void>;
}

function postgresDb(): Db {
  let client: pg.Client | undefined;
  const c = async (): Promise<pg.Client> => {
    if (!client) {
      client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
      await client.connect();
    }
    return client;
  };
  return {
    name: 'postgres',
    skip: pgSkip,
    dsn: (port = 5432) => `postgres://postgres:secretpw@127.0.0.1:${port}/test?sslmode=disable`,
    exec: async (sql) => void (await (await c()).query(sql)),
    rows: async (sql) => (await (await c()).query(sql)).rows,
    types: { int: 'integer', text: 'text', float: 'double precision' },
    keepExisting: { suffix: 'ON CONFLICT (id) DO NOTHING' },
    close: async () => void (await client?.end()),
  };
}

function mysqlDb(): Db {
  let conn: mysql.Connection | undefined;
  const c = async (): Promise<mysql.Connection> => (conn ??= await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' }));
  return {
    name: 'mysql',
    skip: mySkip,
    // MariaDB's root has no password here, so the DSN carries none; the unreachable test adds one.
    dsn: (port = 3306) => `root@tcp(127.0.0.1:${port})/test`,
    exec: async (sql) => void (await (await c()).query(sql)),
    rows: async (sql) => (await (await c()).query(sql))[0] as Record<string, unknown>[],
    types: { int: 'INT', text: 'VARCHAR(255)', float: 'DOUBLE' },
    keepExisting: { suffix: 'ON DUPLICATE KEY UPDATE id = id' },
    close: async () => void (await conn?.end()),
  };
}

function sqliteDb(): Db {
  const file = join(tmp, 'test.db');
  let db: Database.Database | undefined;
  const c = (): Database.Database => (db ??= new Database(file));
  return {
    name: 'sqlite',
    dsn: () => `file:${file}`,
    exec: async (sql) => void c().exec(sql),
    rows: async (sql) => c().prepare(sql).all() as Record<string, unknown>[],
    types: { int: 'INTEGER', text: 'TEXT', float: 'REAL' },
    keepExisting: { suffix: 'ON CONFLICT (id) DO NOTHING' },
    close: async () => void db?.close(),
  };
}

const dbs = [postgresDb(), mysqlDb(), sqliteDb()];
after(async () => {
  for (const d of dbs) await d.close();
  rmSync(tmp, { recursive: true, force: true });
});

const http = { enabled: false };
const num = (v: unknown): number => Number(v);

/** Runs test_source items through an output config and waits for the stream to end. */
async function pump(items: string[], output: object, batchSize = 1): Promise<{ code: number; ms: number }> {
  const id = uniq('src');
  sources.set(id, new TestSource(items));
  const start = Date.now();
  const h = await runStream({ http, input: { test_source: { id, batch_size: batchSize } }, output }, { logger: silentLogger });
  const code = await h.done;
  sources.delete(id);
  return { code, ms: Date.now() - start };
}

const rates: string[] = [];
after(() => {
  if (rates.length) console.log(`# sql_insert throughput (1,000 rows, batches of 100): ${rates.join(', ')}`);
});

for (const db of dbs) {
  describe(`sql (${db.name})`, { skip: db.skip }, () => {
    test(`${db.name}: sql_insert writes 1,000 rows in batches of 100, every row intact`, async () => {
      const table = uniq('ins');
      await db.exec(`CREATE TABLE ${table} (id ${db.types.int} PRIMARY KEY, name ${db.types.text}, score ${db.types.float}, doc ${db.types.text})`);
      try {
        const items = Array.from({ length: 1000 }, (_, i) => JSON.stringify({ id: i, name: `name-${i} 'quoted' "and" ; drop`, score: i / 4, doc: { k: i } }));
        const { code, ms } = await pump(items, {
          sql_insert: {
            driver: db.name,
            dsn: db.dsn(),
            table,
            columns: ['id', 'name', 'score', 'doc'],
            args_mapping: 'root = [ this.id, this.name, this.score, this.doc ]',
            batching: { count: 100 },
            max_in_flight: 4,
          },
        });
        assert.equal(code, 0);
        rates.push(`${db.name} ${Math.round(1000 / (ms / 1000))} rows/s`);
        const [{ n }] = (await db.rows(`SELECT count(*) AS n FROM ${table}`)) as [{ n: unknown }];
        assert.equal(num(n), 1000);
        const rows = await db.rows(`SELECT id, name, score, doc FROM ${table} ORDER BY id`);
        assert.equal(rows.length, 1000);
        rows.forEach((r, i) => {
          assert.equal(num(r.id), i);
          assert.equal(r.name, `name-${i} 'quoted' "and" ; drop`);
          assert.equal(num(r.score), i / 4);
          // Objects are bound as JSON text.
          assert.deepEqual(JSON.parse(String(r.doc)), { k: i });
        });
      } finally {
        await db.exec(`DROP TABLE ${table}`);
      }
    });

    test(`${db.name}: a conflict clause in suffix keeps the existing row of a unique key`, async () => {
      const table = uniq('conflict');
      await db.exec(`CREATE TABLE ${table} (id ${db.types.int} PRIMARY KEY, name ${db.types.text})`);
      await db.exec(`INSERT INTO ${table} (id, name) VALUES (1, 'original')`);
      try {
        const items = [{ id: 1, name: 'replacement' }, { id: 2, name: 'two' }, { id: 2, name: 'two again' }].map((o) => JSON.stringify(o));
        const { code } = await pump(items, {
          sql_insert: { driver: db.name, dsn: db.dsn(), table, columns: ['id', 'name'], args_mapping: 'root = [this.id, this.name]', ...db.keepExisting, batching: { count: 3 } },
        });
        assert.equal(code, 0);
        const rows = await db.rows(`SELECT id, name FROM ${table} ORDER BY id`);
        assert.deepEqual(
          rows.map((r) => [num(r.id), r.name]),
          [
            [1, 'original'],
            [2, 'two'],
          ],
        );
      } finally {
        await db.exec(`DROP TABLE ${table}`);
      }
    });

    test(`${db.name}: sql_raw and sql_select processors enrich messages with a lookup`, async () => {
      const table = uniq('users');
      await db.exec(`CREATE TABLE ${table} (id ${db.types.int} PRIMARY KEY, name ${db.types.text}, score ${db.types.float})`);
      await db.exec(`INSERT INTO ${table} (id, name, score) VALUES (1, 'ann', 1.5), (2, 'bob', 2.5)`);
      try {
        const id = uniq('sink');
        const sink = new TestSink();
        sinks.set(id, sink);
        const placeholder = db.name === 'postgres' ? '$1' : '?';
        const { code } = await pump(['{"user_id":2}', '{"user_id":1}', '{"user_id":3}'], {
          processors: [
            {
              branch: {
                processors: [{ sql_raw: { driver: db.name, dsn: db.dsn(), query: `SELECT name FROM ${table} WHERE id = ${placeholder}`, args_mapping: 'root = [ this.user_id ]' } }],
                result_map: 'root.name = this.index(0).name.catch(null)',
              },
            },
            {
              branch: {
                processors: [{ sql_select: { driver: db.name, dsn: db.dsn(), table, columns: ['id', 'score'], where: 'id = ?', args_mapping: 'root = [ this.user_id ]' } }],
                result_map: 'root.rows = this',
              },
            },
          ],
          test_sink: { id },
        });
        assert.equal(code, 0);
        assert.deepEqual(
          sink.delivered.map((s) => JSON.parse(s)),
          [
            { user_id: 2, name: 'bob', rows: [{ id: 2, score: 2.5 }] },
            { user_id: 1, name: 'ann', rows: [{ id: 1, score: 1.5 }] },
            { user_id: 3, name: null, rows: [] },
          ],
        );
      } finally {
        await db.exec(`DROP TABLE ${table}`);
      }
    });

    test(`${db.name}: sql_select input reads a table to its end, one JSON object per row`, async () => {
      const table = uniq('read');
      await db.exec(`CREATE TABLE ${table} (id ${db.types.int} PRIMARY KEY, name ${db.types.text})`);
      const values = Array.from({ length: 250 }, (_, i) => `(${i}, 'row ${i}')`).join(', ');
      await db.exec(`INSERT INTO ${table} (id, name) VALUES ${values}`);
      try {
        const id = uniq('sink');
        const sink = new TestSink();
        sinks.set(id, sink);
        const h = await runStream(
          {
            http,
            input: { sql_select: { driver: db.name, dsn: db.dsn(), table, columns: ['id', 'name'], where: 'id >= ?', args_mapping: 'root = [ 10 ]', suffix: 'ORDER BY id' } },
            output: { test_sink: { id } },
          },
          { logger: silentLogger },
        );
        assert.equal(await h.done, 0, 'the input ends after the last row');
        assert.equal(sink.delivered.length, 240);
        sink.delivered.forEach((s, i) => assert.deepEqual(JSON.parse(s), { id: i + 10, name: `row ${i + 10}` }));
      } finally {
        await db.exec(`DROP TABLE ${table}`);
      }
    });

    test(`${db.name}: sql_raw output runs a statement per message, a batch in one transaction; sql_insert processor`, async () => {
      const table = uniq('raw');
      await db.exec(`CREATE TABLE ${table} (id ${db.types.int} PRIMARY KEY, name ${db.types.text})`);
      try {
        const ph = db.name === 'postgres' ? ['$1', '$2'] : ['?', '?'];
        const { code } = await pump(
          Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: i, name: `n${i}` })),
          {
            processors: [{ sql_insert: { driver: db.name, dsn: db.dsn(), table, columns: ['id', 'name'], args_mapping: 'root = [this.id + 100, this.name]' } }],
            sql_raw: { driver: db.name, dsn: db.dsn(), query: `INSERT INTO ${table} (id, name) VALUES (${ph[0]}, ${ph[1]})`, args_mapping: 'root = [this.id, this.name]', batching: { count: 5 } },
          },
          5,
        );
        assert.equal(code, 0);
        const rows = await db.rows(`SELECT id, name FROM ${table} ORDER BY id`);
        const expected = [...Array.from({ length: 20 }, (_, i) => [i, `n${i}`]), ...Array.from({ length: 20 }, (_, i) => [i + 100, `n${i}`])];
        assert.deepEqual(
          rows.map((r) => [num(r.id), r.name]),
          expected,
        );
      } finally {
        await db.exec(`DROP TABLE ${table}`);
      }
    });

    if (db.name !== 'sqlite') {
      test(`${db.name}: an output whose database goes away (FaultProxy refuse, then pass) resumes and loses nothing`, async () => {
        const table = uniq('outage');
        await db.exec(`CREATE TABLE ${table} (id ${db.types.int}, name ${db.types.text})`);
        const proxy = new FaultProxy('127.0.0.1', db.name === 'postgres' ? 5432 : 3306);
        const port = await proxy.start();
        const id = uniq('src');
        const source = new TestSource([], false);
        sources.set(id, source);
        const h = await runStream(
          {
            http,
            input: { test_source: { id } },
            output: { sql_insert: { driver: db.name, dsn: db.dsn(port), table, columns: ['id', 'name'], args_mapping: 'root = [this.id, this.name]', batching: { count: 10, period: '20ms' } } },
          },
          { logger: process.env.SQL_DEBUG ? createLogger({ level: "debug" }) : silentLogger },
        );
        try {
          const total = 400;
          const feed = async (from: number, to: number): Promise<void> => {
            for (let i = from; i < to; i++) {
              source.push(JSON.stringify({ id: i, name: `n${i}` }));
              if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5));
            }
          };
          await feed(0, 150);
          await waitFor(() => source.acked.length >= 100, 10_000, 'first rows written');
          await proxy.refuse();
          await feed(150, 300);
          await new Promise((r) => setTimeout(r, 1500));
          await proxy.pass();
          await feed(300, total);
          source.end();
          assert.equal(await h.done, 0);
          const [{ n, d }] = (await db.rows(`SELECT count(*) AS n, count(distinct id) AS d FROM ${table}`)) as [{ n: unknown; d: unknown }];
          assert.equal(num(d), total, 'every row arrived');
          assert.ok(num(n) >= total);
          assert.ok(proxy.connections > 1, 'the pool reconnected');
        } finally {
          await h.stop();
          await proxy.stop();
          sources.delete(id);
          await db.exec(`DROP TABLE ${table}`);
        }
      });

      test(`${db.name}: an unreachable server gives a clear error naming driver and host, without the password`, async () => {
        const port = await deadPort();
        const errors: string[] = [];
        const logger = createLogger({ level: 'error', write: (line) => void errors.push(line) });
        const dsn = db.name === 'postgres' ? db.dsn(port) : `root:secretpw@tcp(127.0.0.1:${port})/test`;
        // An input with nothing to send: stopping does not wait for an undeliverable message.
        const src = uniq('src');
        sources.set(src, new TestSource([], false));
        const h = await runStream(
          { http, input: { test_source: { id: src } }, output: { sql_insert: { driver: db.name, dsn, table: 'nowhere', columns: ['id'], args_mapping: 'root = [this.id]' } } },
          { logger },
        );
        try {
          await waitFor(() => errors.length > 0, 10_000, 'a connection error');
          assert.equal(h.stream.ready, false);
          assert.match(errors[0]!, new RegExp(`sql_insert: cannot connect to ${db.name} at 127\\.0\\.0\\.1:${port}/test: .*ECONNREFUSED`));
          assert.ok(!errors.join('\n').includes('secretpw'), 'the password is scrubbed');
        } finally {
          // A clean stop also ends the never-connected output's connect loop.
          await h.stop();
          sources.delete(src);
        }
      });
    }
  });
}
