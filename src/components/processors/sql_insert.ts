import { registerProcessor, field, objectConfig, compileMapping, toError, type Processor, type Resources, type Batch } from '../../plugin/index.js';
import { driverField, dsnField, sqlConnectionFields, SqlConnector, type SqlConnConfig } from '../_shared/sql_fields.js';
import { argsOf, checkInsertColumns, checkTable, InsertBuilder, insertRows } from '../_shared/sql_query.js';
import { sqlError } from '../_shared/sql_driver.js';

interface SqlInsertProcConfig extends SqlConnConfig {
  table: string;
  columns: string[];
  args_mapping: string;
  prefix?: string;
  suffix?: string;
}

registerProcessor(
  {
    name: 'sql_insert',
    summary: 'Inserts rows into an SQL database for each message, and leaves the message unchanged.',
    description:
      'The messages of a batch are inserted with one multi-row `INSERT` of bound parameters. A message whose `args_mapping` fails is flagged ' +
      'with the error and left out; when the insert fails every message of it is flagged. Supported drivers: `postgres`, `mysql` (MariaDB too) and `sqlite`.',
    categories: ['Integration'],
    config: objectConfig([
      driverField(),
      dsnField(),
      field.string('table', 'The table to insert to.').examples('foo'),
      field.stringList('columns', 'A list of columns to insert.').examples(['foo', 'bar', 'baz']),
      field
        .bloblang('args_mapping', 'A Bloblang mapping which should evaluate to an array of values matching in size to the number of columns specified.')
        .examples('root = [ this.cat.meow, this.doc.woofs[0] ]', 'root = [ metadata("user.id").string() ]'),
      field.string('prefix', 'An optional prefix to prepend to the insert query (before INSERT).').optional().advanced(),
      field.string('suffix', 'An optional suffix to append to the insert query.').optional().advanced().examples('ON CONFLICT (name) DO NOTHING'),
      ...sqlConnectionFields(),
    ]),
  },
  (conf: SqlInsertProcConfig, res: Resources): Processor => {
    checkTable('sql_insert', conf.table);
    checkInsertColumns('sql_insert', conf.columns);
    const mapping = compileMapping(conf.args_mapping);
    const conn = new SqlConnector('sql_insert', conf, res.logger);
    let builder: InsertBuilder | undefined;
    return {
      async processBatch(batch: Batch): Promise<Batch[]> {
        const rows: unknown[][] = [];
        const included: number[] = [];
        batch.forEach((msg, i) => {
          try {
            rows.push(argsOf(mapping, batch, i, conf.columns.length));
            included.push(i);
          } catch (e) {
            msg.error = toError(e);
          }
        });
        try {
          const db = await conn.ready();
          builder ??= new InsertBuilder(db, conf.table, conf.columns, conf.prefix, conf.suffix);
          try {
            await insertRows(db, builder, rows);
          } catch (e) {
            throw sqlError(db, 'sql_insert: insert failed', e);
          }
        } catch (e) {
          const err = toError(e);
          for (const i of included) batch[i]!.error = err;
        }
        return [batch];
      },
      close: () => conn.close(),
    };
  },
);
