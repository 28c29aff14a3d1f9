import { registerProcessor, field, objectConfig, compileMapping, messageProcessor, type Processor, type Resources } from '../../plugin/index.js';
import { driverField, dsnField, sqlConnectionFields, SqlConnector, type SqlConnConfig } from '../_shared/sql_fields.js';
import { argsOf, buildSelect, checkSelectColumns, checkTable } from '../_shared/sql_query.js';
import { sqlError, toParam } from '../_shared/sql_driver.js';
import { WHERE_DOC } from '../_shared/sql_docs.js';

interface SqlSelectProcConfig extends SqlConnConfig {
  table: string;
  columns: string[];
  where?: string;
  args_mapping?: string;
  prefix?: string;
  suffix?: string;
}

registerProcessor(
  {
    name: 'sql_select',
    summary:
      'Runs an SQL select query against a database and returns the result as an array of objects, one for each row returned, containing a key for each column queried and its value.',
    description:
      'The rows replace the message content as a JSON array. Use a `branch` processor to put them into a field of the original message instead. ' +
      'A failed query flags the message with the error (see error handling) and leaves it unchanged. ' +
      'Supported drivers: `postgres`, `mysql` (MariaDB too) and `sqlite`.',
    categories: ['Integration'],
    config: objectConfig([
      driverField(),
      dsnField(),
      field.string('table', 'The table to query.').examples('foo'),
      field.stringList('columns', 'A list of columns to query.').examples(['*'], ['foo', 'bar', 'baz']),
      field.string('where', WHERE_DOC).optional().examples('meow = ? and woof = ?', 'user_id = ?'),
      field
        .bloblang('args_mapping', 'An optional Bloblang mapping which should evaluate to an array of values matching in size to the number of placeholder arguments in the field `where`.')
        .optional()
        .examples('root = [ this.cat.meow, this.doc.woofs[0] ]', 'root = [ metadata("user.id").string() ]'),
      field.string('prefix', 'An optional prefix to prepend to the query (before SELECT).').optional().advanced(),
      field.string('suffix', 'An optional suffix to append to the select query.').optional().advanced(),
      ...sqlConnectionFields(),
    ]),
    examples: [
      {
        title: 'Table Query (PostgreSQL)',
        summary: 'Query footable for the rows sharing a user_id with the message field user.id, and store them under foo_rows with a branch.',
        config:
          'pipeline:\n  processors:\n    - branch:\n        processors:\n          - sql_select:\n              driver: postgres\n              dsn: postgres://foouser:foopass@localhost:5432/testdb?sslmode=disable\n              table: footable\n              columns: [ \'*\' ]\n              where: user_id = ?\n              args_mapping: \'[ this.user.id ]\'\n        result_map: \'root.foo_rows = this\'\n',
      },
    ],
  },
  (conf: SqlSelectProcConfig, res: Resources): Processor => {
    checkTable('sql_select', conf.table);
    checkSelectColumns('sql_select', conf.columns);
    const mapping = conf.args_mapping ? compileMapping(conf.args_mapping) : undefined;
    const conn = new SqlConnector('sql_select', conf, res.logger);
    let sql: string | undefined;
    return messageProcessor(
      async (msg, batch, i) => {
        const db = await conn.ready();
        sql ??= buildSelect(db, conf).sql;
        const args = argsOf(mapping, batch, i).map((v) => toParam(v, db.driver));
        try {
          msg.setStructured(await db.query(sql, args));
        } catch (e) {
          throw sqlError(db, 'sql_select: query failed', e);
        }
        return msg;
      },
      () => conn.close(),
    );
  },
);
