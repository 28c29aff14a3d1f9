/**
 * What every sql_* component shares: the connection fields (Benthos's names and defaults) and a
 * connector that opens the pool lazily, checks it, runs the init statements once, and reports
 * failures naming the driver and host but never the password.
 */
import { readFile } from 'node:fs/promises';
import { field, parseDuration, NotConnectedError, type Field, type Logger } from '../../plugin/index.js';
import { expandGlobs } from './file_glob.js';
import { parseMysqlDsn, parsePostgresDsn, parseSqliteDsn, makeScrubber, SQL_DRIVERS, type SqlDriverName } from './sql_dsn.js';
import { describe, openSqlDb, type SqlDb } from './sql_driver.js';

export interface SqlConnConfig {
  driver: string;
  dsn: string;
  init_files?: string[];
  init_statement?: string;
  init_verify_conn: boolean;
  conn_max_idle_time?: string;
  conn_max_life_time?: string;
  conn_max_idle: number;
  conn_max_open?: number;
  secret_name?: string;
  iam_enabled: boolean;
  azure: { entra_enabled: boolean };
}

const DSN_DOC =
  'A Data Source Name to identify the target database. Formats: `postgres://user:pass@host:port/db?sslmode=disable` ' +
  '(postgres; TLS is required unless `sslmode=disable`), `user:pass@tcp(host:port)/db` (mysql / MariaDB), ' +
  '`file:/path/to.db` or a plain path (sqlite).';

export function driverField(): Field {
  return field
    .string('driver', 'A database driver to use. Sluice supports `postgres`, `mysql` (also MariaDB) and `sqlite`.')
    .options(...SQL_DRIVERS);
}

export function dsnField(): Field {
  return field
    .string('dsn', DSN_DOC)
    .secret()
    .examples('postgres://foouser:foopass@localhost:5432/foodb?sslmode=disable', 'foouser:foopassword@tcp(localhost:3306)/foodb', 'file:/tmp/foo.db');
}

/** The connection fields after the component's own: init, pool sizing, and the cloud auth Sluice rejects. */
export function sqlConnectionFields(): Field[] {
  const unsupported = 'Not supported by Sluice: setting it is a configuration error.';
  return [
    field
      .stringList('init_files', 'Files of SQL statements executed upon the first connection (glob patterns allowed, `**` included). Make them idempotent. A failure is logged as a warning.')
      .optional()
      .advanced()
      .examples(['./init/*.sql'], ['./foo.sql', './bar.sql']),
    field
      .string('init_statement', 'An SQL statement executed upon the first connection, after `init_files`. Make it idempotent. A failure is logged as a warning.')
      .optional()
      .advanced()
      .examples('CREATE TABLE IF NOT EXISTS some_table (\n  foo varchar(50) not null,\n  bar integer,\n  baz varchar(50),\n  primary key (foo)\n) WITHOUT ROWID;\n'),
    field.bool('init_verify_conn', 'Verify the connection on startup with a ping. Sluice always checks the connection when it connects, so this changes nothing.').default(false).advanced(),
    field.string('conn_max_idle_time', 'The longest a connection may stay idle before it is closed; empty or <= 0 for no limit.').optional().advanced(),
    field.string('conn_max_life_time', 'The longest a connection may be reused; empty or <= 0 for no limit.').optional().advanced(),
    field.int('conn_max_idle', 'The most idle connections kept in the pool; <= 0 keeps none.').default(2).advanced(),
    field.int('conn_max_open', 'The most open connections; <= 0 means no limit (Sluice caps the pool at 64).').optional().advanced(),
    field.string('secret_name', `AWS Secrets Manager secret holding the credentials. ${unsupported}`).optional().advanced(),
    field.bool('iam_enabled', `Use an AWS RDS IAM token as the password. ${unsupported}`).default(false).advanced(),
    field
      .object('azure', 'Azure authentication for Azure Database for PostgreSQL.', [
        field.bool('entra_enabled', `Use an Entra token. ${unsupported}`).default(false),
        field.object('token_request_options', 'Token request options.', [
          field.string('claims', 'Additional claims for the token.').default(''),
          field.bool('enable_cae', 'Enable Continuous Access Evaluation.').default(false),
          field.stringList('scopes', 'Permission scopes of the token.').default(['https://ossrdbms-aad.database.windows.net/.default']),
          field.string('tenant_id', 'The tenant to request the token from.').default(''),
        ]),
      ])
      .advanced(),
    field.string('region', 'The AWS region to target.').default('').advanced(),
    field.string('endpoint', 'A custom endpoint for the AWS API.').default('').advanced(),
    field
      .object('credentials', 'Manual AWS credentials.', [
        field.string('profile', 'A profile from `~/.aws/credentials`.').default(''),
        field.string('id', 'The ID of the credentials.').default(''),
        field.string('secret', 'The secret of the credentials.').default('').secret(),
        field.string('token', 'The session token.').default(''),
        field.bool('from_ec2_role', 'Use the EC2 instance role.').default(false),
        field.string('role', 'A role ARN to assume.').default(''),
        field.string('role_external_id', 'An external ID for the role.').default(''),
        field.string('expiry_window', 'Refresh credentials this long before they expire.').default(''),
      ])
      .advanced(),
  ];
}

const optDuration = (s: string | undefined): number => {
  if (!s) return 0;
  const ms = parseDuration(s);
  return ms > 0 ? ms : 0;
};

/** Owns one component's pool. Construct at config time (validates the DSN); connect() from the component's connect(). */
export class SqlConnector {
  readonly driver: SqlDriverName;
  private db: SqlDb | undefined;
  private opening: Promise<SqlDb> | undefined;
  private initDone = false;
  private closed = false;
  private readonly scrub: (s: string) => string;

  constructor(
    private readonly component: string,
    private readonly conf: SqlConnConfig,
    private readonly logger: Logger,
  ) {
    if (!(SQL_DRIVERS as readonly string[]).includes(conf.driver)) {
      throw new Error(`${component}: driver "${conf.driver}" is not supported by Sluice (supported: ${SQL_DRIVERS.join(', ')})`);
    }
    this.driver = conf.driver as SqlDriverName;
    if (conf.secret_name) throw new Error(`${component}: secret_name (AWS Secrets Manager) is not supported by Sluice`);
    if (conf.iam_enabled) throw new Error(`${component}: iam_enabled (AWS RDS IAM auth) is not supported by Sluice`);
    if (conf.azure?.entra_enabled) throw new Error(`${component}: azure.entra_enabled is not supported by Sluice`);
    // Parse now so a malformed DSN is a config error; the password never reaches the message.
    this.scrub = makeScrubber(conf.dsn, undefined);
    try {
      const parsed = this.driver === 'postgres' ? parsePostgresDsn(conf.dsn) : this.driver === 'mysql' ? parseMysqlDsn(conf.dsn) : parseSqliteDsn(conf.dsn);
      if ('password' in parsed) this.scrub = makeScrubber(conf.dsn, parsed.password);
    } catch (e) {
      throw new Error(this.scrub(`${component}: invalid ${this.driver} dsn: ${(e as Error).message}`));
    }
  }

  /** Opens the pool if needed, checks a connection, and runs the init statements after the first success. */
  async connect(): Promise<SqlDb> {
    // After close() a retrying caller must not open a new pool that nobody would close.
    if (this.closed) throw new Error(`${this.component}: closed`);
    const db = await this.open();
    try {
      await db.ping();
    } catch (e) {
      throw new Error(db.scrub(`${this.component}: cannot connect to ${db.target}: ${describe(e)}`));
    }
    if (!this.initDone) {
      this.initDone = true;
      await this.runInit(db);
    }
    return db;
  }

  /** The pool, for read/write/process: NotConnectedError before connect() succeeded. */
  get(): SqlDb {
    if (!this.db) throw new NotConnectedError(`${this.component}: not connected`);
    return this.db;
  }

  /** The pool, opened on first use (processors have no connect step). */
  async ready(): Promise<SqlDb> {
    if (this.db && this.initDone) return this.db;
    return this.connect();
  }

  private open(): Promise<SqlDb> {
    if (this.db) return Promise.resolve(this.db);
    this.opening ??= openSqlDb(this.driver, this.conf.dsn, {
      maxOpen: this.conf.conn_max_open ?? 0,
      maxIdle: this.conf.conn_max_idle,
      idleTimeoutMs: optDuration(this.conf.conn_max_idle_time),
      maxLifetimeMs: optDuration(this.conf.conn_max_life_time),
    })
      .then((db) => (this.db = db))
      .catch((e: unknown) => {
        throw new Error(this.scrub(`${this.component}: cannot open ${this.driver} database: ${describe(e)}`));
      })
      .finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async runInit(db: SqlDb): Promise<void> {
    const files = this.conf.init_files?.length ? await expandGlobs(this.conf.init_files) : [];
    for (const f of files) {
      try {
        await db.execScript(await readFile(f, 'utf8'));
      } catch (e) {
        this.logger.warn(db.scrub(`${this.component}: init file ${f} failed: ${describe(e)}`));
      }
    }
    if (this.conf.init_statement) {
      try {
        await db.execScript(this.conf.init_statement);
      } catch (e) {
        this.logger.warn(db.scrub(`${this.component}: init_statement failed: ${describe(e)}`));
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const db = this.db ?? (await this.opening?.catch(() => undefined));
    this.db = undefined;
    await db?.close();
  }
}
