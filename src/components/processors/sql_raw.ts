import { registerProcessor, field, objectConfig, compileMapping, compileInterpolation, messageProcessor, type Processor, type Resources } from '../../plugin/index.js';
import { driverField, dsnField, sqlConnectionFields, SqlConnector, type SqlConnConfig } from '../_shared/sql_fields.js';
import { argsOf } from '../_shared/sql_query.js';
import { sqlError, toParam } from '../_shared/sql_driver.js';
import { PLACEHOLDER_DOC } from '../_shared/sql_docs.js';

interface SqlRawProcConfig extends SqlConnConfig {
  query: string;
  unsafe_dynamic_query: boolean;
  args_mapping?: string;
  exec_only: boolean;
}

registerProcessor(
  {
    name: 'sql_raw',
    summary: 'Runs an arbitrary SQL query against a database and (optionally) returns the result as an array of objects, one for each row returned.',
    description:
      'Unless `exec_only` is set, the rows replace the message content as a JSON array (use a `branch` processor to keep the original). ' +
      'A failed query flags the message with the error (see error handling) and leaves it unchanged. ' +
      'Supported drivers: `postgres`, `mysql` (MariaDB too) and `sqlite`.',
    categories: ['Integration'],
    config: objectConfig([
      driverField(),
      dsnField(),
      field.string('query', `The query to execute. ${PLACEHOLDER_DOC}`).examples('INSERT INTO footable (foo, bar, baz) VALUES (?, ?, ?);', 'SELECT * FROM footable WHERE user_id = $1;'),
      field
        .bool('unsafe_dynamic_query', 'Whether to enable interpolation functions in the query. Great care should be made to ensure your queries are defended against injection attacks.')
        .default(false)
        .advanced(),
      field
        .bloblang('args_mapping', 'An optional Bloblang mapping which should evaluate to an array of values matching in size to the number of placeholder arguments in the field `query`.')
        .optional()
        .examples('root = [ this.cat.meow, this.doc.woofs[0] ]', 'root = [ metadata("user.id").string() ]'),
      field
        .bool('exec_only', 'Whether the query result should be discarded. When set to `true` the message contents will remain unchanged, which is useful in cases where you are executing inserts, updates, etc.')
        .default(false),
      ...sqlConnectionFields(),
    ]),
    examples: [
      {
        title: 'Table Insert (MySQL)',
        summary: 'Insert rows into footable with the columns foo, bar and baz populated with values extracted from messages.',
        config:
          'pipeline:\n  processors:\n    - sql_raw:\n        driver: mysql\n        dsn: foouser:foopassword@tcp(localhost:3306)/foodb\n        query: "INSERT INTO footable (foo, bar, baz) VALUES (?, ?, ?);"\n        args_mapping: \'[ this.foo, this.bar, metadata("kafka_topic") ]\'\n        exec_only: true\n',
      },
      {
        title: 'Table Query (PostgreSQL)',
        summary: 'Query footable for the rows sharing a user_id with the message field user.id, and store them under foo_rows with a branch.',
        config:
          'pipeline:\n  processors:\n    - branch:\n        processors:\n          - sql_raw:\n              driver: postgres\n              dsn: postgres://foouser:foopass@localhost:5432/testdb?sslmode=disable\n              query: "SELECT * FROM footable WHERE user_id = $1;"\n              args_mapping: \'[ this.user.id ]\'\n        result_map: \'root.foo_rows = this\'\n',
      },
    ],
  },
  (conf: SqlRawProcConfig, res: Resources): Processor => {
    const mapping = conf.args_mapping ? compileMapping(conf.args_mapping) : undefined;
    const dynamic = conf.unsafe_dynamic_query ? compileInterpolation(conf.query) : undefined;
    const conn = new SqlConnector('sql_raw', conf, res.logger);
    return messageProcessor(
      async (msg, batch, i) => {
        const db = await conn.ready();
        const sql = dynamic ? dynamic.render(batch, i) : conf.query;
        const args = argsOf(mapping, batch, i).map((v) => toParam(v, db.driver));
        try {
          if (conf.exec_only) await db.exec(sql, args);
          else msg.setStructured(await db.query(sql, args));
        } catch (e) {
          throw sqlError(db, 'sql_raw: query failed', e);
        }
        return msg;
      },
      () => conn.close(),
    );
  },
);
