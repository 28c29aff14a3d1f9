import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSelect, checkInsertColumns, checkSelectColumns, checkTable, convertPlaceholders, InsertBuilder, insertRows } from './sql_query.js';
import { makeScrubber, parseMysqlDsn, parsePostgresDsn, parseSqliteDsn, postgresSsl } from './sql_dsn.js';
import { openSqlDb } from './sql_driver.js';

const dollar = { placeholder: (n: number) => `$${n}` };
const question = { placeholder: () => '?' };

test('identifiers: plain, quoted and schema-qualified names pass; anything else is refused', () => {
  for (const t of ['foo', 'public.foo', '"Mixed Case"', '`back`', 'db.schema.t_1$']) assert.doesNotThrow(() => checkTable('c', t));
  for (const t of ['foo; DROP TABLE x', 'foo bar', '1abc', '', 'a.b.c.d', 'f(o)', '"a"b"']) assert.throws(() => checkTable('c', t), /not a valid identifier/);
  assert.throws(() => checkInsertColumns('c', ['a', 'b c']), /column "b c"/);
  assert.throws(() => checkInsertColumns('c', []), /at least one/);
  assert.throws(() => checkInsertColumns('c', ['*']), /not a valid identifier/);
  assert.doesNotThrow(() => checkSelectColumns('c', ['*', 't.*', 'a', 't.a']));
  assert.throws(() => checkSelectColumns('c', ['count(*)']), /not a valid identifier/);
});

test('placeholders: ? becomes $n for postgres outside literals, quoted names and comments; ?? is a literal ?', () => {
  assert.deepEqual(convertPlaceholders("a = ? AND b = '?' AND \"c?\" = ? -- ?\n AND d ?? e AND f = ?", dollar), {
    sql: "a = $1 AND b = '?' AND \"c?\" = $2 -- ?\n AND d ? e AND f = $3",
    count: 3,
  });
  assert.equal(convertPlaceholders('a = ?', question).sql, 'a = ?');
});

test('statements: multi-row INSERT with prefix/suffix, SELECT with where', () => {
  const b = new InsertBuilder({ ...dollar, maxParams: 65535 }, 'foo', ['a', 'b'], undefined, 'ON CONFLICT DO NOTHING');
  assert.equal(b.sql(2), 'INSERT INTO foo (a, b) VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING');
  assert.equal(b.rowsPerStatement, 32767);
  assert.equal(new InsertBuilder({ ...question, maxParams: 100 }, 't', ['x'], 'WITH q AS (SELECT 1)').sql(2), 'WITH q AS (SELECT 1) INSERT INTO t (x) VALUES (?), (?)');
  assert.deepEqual(buildSelect(dollar, { table: 't', columns: ['a', 'b'], where: 'a = ? and b > ?', suffix: 'ORDER BY a' }), { sql: 'SELECT a, b FROM t WHERE a = $1 and b > $2 ORDER BY a', params: 2 });
  assert.equal(buildSelect(question, { table: 't', columns: ['*'] }).sql, 'SELECT * FROM t');
});

test('dsn: Benthos formats for postgres, mysql and sqlite', () => {
  const p = parsePostgresDsn('postgres://foo%40x:p%3Ass@db.example:6543/mydb?sslmode=disable');
  assert.deepEqual([p.host, p.port, p.user, p.password, p.database, postgresSsl(p.params)], ['db.example', 6543, 'foo@x', 'p:ss', 'mydb', false]);
  // lib/pq requires TLS unless told otherwise, without verifying the certificate.
  assert.deepEqual(postgresSsl(parsePostgresDsn('postgres://u@h/db').params), { rejectUnauthorized: false, ca: undefined, cert: undefined, key: undefined });
  const kv = parsePostgresDsn("host=h port=1 user=u password='a b' dbname=d sslmode=disable");
  assert.deepEqual([kv.host, kv.port, kv.user, kv.password, kv.database], ['h', 1, 'u', 'a b', 'd']);
  const m = parseMysqlDsn('foo:p@ss:w@tcp(localhost:3307)/foodb?parseTime=true');
  assert.deepEqual([m.host, m.port, m.user, m.password, m.database, m.params.get('parseTime')], ['localhost', 3307, 'foo', 'p@ss:w', 'foodb', 'true']);
  const u = parseMysqlDsn('root@unix(/var/run/mysqld.sock)/db');
  assert.deepEqual([u.socketPath, u.user, u.password], ['/var/run/mysqld.sock', 'root', undefined]);
  assert.equal(parseMysqlDsn('/db').host, '127.0.0.1');
  assert.throws(() => parseMysqlDsn('nodatabase'), /must contain "\/"/);
  const s = parseSqliteDsn('file:/tmp/x.db?mode=ro&_pragma=foreign_keys(1)');
  assert.deepEqual([s.filename, s.readonly, s.pragmas], ['/tmp/x.db', true, ['foreign_keys(1)']]);
  assert.equal(parseSqliteDsn(':memory:').filename, ':memory:');
  assert.equal(parseSqliteDsn('./rel.db').filename, './rel.db');
});

test('scrubber removes the password and the whole DSN, and leaves password-less DSNs readable', () => {
  const scrub = makeScrubber('postgres://u:hunter2@h/db', 'hunter2');
  assert.equal(scrub('failed for postgres://u:hunter2@h/db and hunter2'), 'failed for *** and ***');
  assert.equal(makeScrubber('/tmp/a.db', undefined)('cannot open /tmp/a.db'), 'cannot open /tmp/a.db');
});

test('insertRows: a batch beyond the parameter limit is split over statements in one transaction, all or nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sqlq-'));
  const db = await openSqlDb('sqlite', join(dir, 'a.db'), { maxOpen: 0, maxIdle: 2, idleTimeoutMs: 0, maxLifetimeMs: 0 });
  try {
    await db.execScript('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    // Three parameters per statement: one row and a half → one row per statement.
    const b = new InsertBuilder({ placeholder: db.placeholder, maxParams: 3 }, 't', ['id', 'v']);
    await insertRows(db, b, [[1, 'a'], [2, true], [3, { x: 1 }]]);
    assert.deepEqual(await db.query('SELECT id, v FROM t ORDER BY id', []), [
      { id: 1, v: 'a' },
      // TEXT affinity stores the bound integer 1 as text.
      { id: 2, v: '1' },
      { id: 3, v: '{"x":1}' },
    ]);
    // The third row collides: the first two of this batch must not stay.
    await assert.rejects(insertRows(db, b, [[10, 'x'], [11, 'y'], [1, 'dup']]), /UNIQUE/);
    assert.deepEqual(await db.query('SELECT count(*) AS n FROM t', []), [{ n: 3 }]);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
