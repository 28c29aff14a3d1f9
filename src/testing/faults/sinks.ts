/**
 * Fault-suite sinks (RELIABILITY.md §2.1): where a test's pipeline writes, read back completely
 * so the checker sees every delivery, duplicates included.
 * - PostgreSQL / MariaDB: a table WITHOUT a unique key (a unique key would swallow duplicates),
 *   with `count(*)` against `count(distinct seq)` as a cross-check of the checker's dup count.
 * - Redis: a stream the pipeline XADDs to (every write is a new entry).
 * - RabbitMQ: a verifier consumer that records every delivery and acks it.
 *
 * Each sink offers `progress()` (deliveries so far, cheap enough to poll every 25 ms) for
 * placing faults, and `drain()` (every body) for the checker.
 */
import pg from 'pg';
import mysql from 'mysql2/promise';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import { RABBIT_URL, REDIS_URL } from './sources.js';

export interface FaultSink {
  /** Deliveries so far (duplicates included). */
  progress(): Promise<number>;
  /** Every delivered body. */
  drain(): Promise<string[]>;
  dispose(): Promise<void>;
}

/** Wait until `progress` holds still at ≥ `atLeast` for `quietMs` (late writes have landed). */
export async function settle(sink: FaultSink, atLeast: number, opts: { quietMs?: number; timeoutMs?: number } = {}): Promise<number> {
  const quietMs = opts.quietMs ?? 1000;
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let last = -1;
  let since = Date.now();
  for (;;) {
    const v = await sink.progress();
    if (v !== last) {
      last = v;
      since = Date.now();
    } else if (v >= atLeast && Date.now() - since >= quietMs) return v;
    if (Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

// ---------------------------------------------------------------------------------------------
// SQL

export interface SqlCounts {
  rows: number;
  distinctSeqs: number;
}

export const PG_DSN = process.env.FAULT_PG_DSN ?? 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable';
export const MYSQL_DSN = process.env.FAULT_MYSQL_DSN ?? 'root@tcp(127.0.0.1:3306)/test';

export class PostgresSink implements FaultSink {
  private constructor(
    readonly table: string,
    private readonly client: pg.Client,
  ) {}

  /** (Re)create `table (seq bigint, doc text)` with no unique key. */
  static async create(table: string): Promise<PostgresSink> {
    const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await client.connect();
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(`CREATE TABLE ${table} (seq bigint NOT NULL, doc text NOT NULL)`);
    return new PostgresSink(table, client);
  }

  async progress(): Promise<number> {
    const r = await this.client.query(`SELECT count(*)::int AS n FROM ${this.table}`);
    return r.rows[0].n as number;
  }

  async counts(): Promise<SqlCounts> {
    const r = await this.client.query(`SELECT count(*)::int AS rows, count(DISTINCT seq)::int AS d FROM ${this.table}`);
    return { rows: r.rows[0].rows as number, distinctSeqs: r.rows[0].d as number };
  }

  async drain(): Promise<string[]> {
    const r = await this.client.query(`SELECT doc FROM ${this.table}`);
    return r.rows.map((x) => x.doc as string);
  }

  async dispose(): Promise<void> {
    if (!process.env.KEEP_FAULT_DIRS) await this.client.query(`DROP TABLE IF EXISTS ${this.table}`).catch(() => {});
    await this.client.end();
  }
}

export class MysqlSink implements FaultSink {
  private constructor(
    readonly table: string,
    private readonly conn: mysql.Connection,
  ) {}

  static async create(table: string): Promise<MysqlSink> {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test' });
    await conn.query(`DROP TABLE IF EXISTS ${table}`);
    await conn.query(`CREATE TABLE ${table} (seq bigint NOT NULL, doc mediumtext NOT NULL) ENGINE=InnoDB`);
    return new MysqlSink(table, conn);
  }

  async progress(): Promise<number> {
    const [rows] = await this.conn.query(`SELECT count(*) AS n FROM ${this.table}`);
    return Number((rows as { n: number }[])[0]!.n);
  }

  async counts(): Promise<SqlCounts> {
    const [rows] = await this.conn.query(`SELECT count(*) AS n, count(DISTINCT seq) AS d FROM ${this.table}`);
    const r = (rows as { n: number; d: number }[])[0]!;
    return { rows: Number(r.n), distinctSeqs: Number(r.d) };
  }

  async drain(): Promise<string[]> {
    const [rows] = await this.conn.query(`SELECT doc FROM ${this.table}`);
    return (rows as { doc: string }[]).map((x) => x.doc);
  }

  async dispose(): Promise<void> {
    if (!process.env.KEEP_FAULT_DIRS) await this.conn.query(`DROP TABLE IF EXISTS ${this.table}`).catch(() => {});
    await this.conn.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Redis stream

export class RedisStreamSink implements FaultSink {
  private constructor(
    readonly stream: string,
    private readonly r: Redis,
  ) {}

  /** Deletes the stream key so the test starts from empty. */
  static async create(stream: string, url = REDIS_URL): Promise<RedisStreamSink> {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    await r.del(stream);
    return new RedisStreamSink(stream, r);
  }

  async progress(): Promise<number> {
    return this.r.xlen(this.stream);
  }

  /** Every entry's `body` field (the redis_streams output's default body key). */
  async drain(): Promise<string[]> {
    const out: string[] = [];
    let start = '-';
    for (;;) {
      const page = await this.r.xrange(this.stream, start, '+', 'COUNT', 5000);
      for (const [, fields] of page) {
        const i = fields.indexOf('body');
        out.push(i >= 0 ? fields[i + 1]! : '');
      }
      if (page.length < 5000) return out;
      start = `(${page[page.length - 1]![0]}`;
    }
  }

  async dispose(): Promise<void> {
    if (!process.env.KEEP_FAULT_DIRS) await this.r.del(this.stream).catch(() => {});
    this.r.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------
// RabbitMQ verifier consumer

/**
 * Consumes a durable queue, records every delivery (redeliveries included) and acks it. Records
 * are kept before the ack, so a delivery counted here is never lost by the verifier itself.
 */
export class RabbitVerifierSink implements FaultSink {
  private readonly bodies: string[] = [];
  private constructor(
    readonly queue: string,
    private readonly conn: amqp.ChannelModel,
  ) {}

  /** (Re)declare the queue empty and start consuming it. */
  static async create(queue: string, url = RABBIT_URL): Promise<RabbitVerifierSink> {
    const conn = await amqp.connect(url);
    const ch = await conn.createChannel();
    await ch.deleteQueue(queue);
    await ch.assertQueue(queue, { durable: true });
    await ch.prefetch(1000);
    const sink = new RabbitVerifierSink(queue, conn);
    await ch.consume(queue, (m) => {
      if (!m) return;
      sink.bodies.push(m.content.toString());
      ch.ack(m);
    });
    return sink;
  }

  async progress(): Promise<number> {
    return this.bodies.length;
  }

  async drain(): Promise<string[]> {
    return [...this.bodies];
  }

  async dispose(): Promise<void> {
    if (!process.env.KEEP_FAULT_DIRS) {
      const ch = await this.conn.createChannel().catch(() => undefined);
      await ch?.deleteQueue(this.queue).catch(() => {});
    }
    await this.conn.close().catch(() => {});
  }
}
