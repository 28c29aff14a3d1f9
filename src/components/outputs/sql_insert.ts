import {
  registerOutput,
  field,
  objectConfig,
  compileMapping,
  batchingField,
  maxInFlightField,
  parseBatchPolicy,
  type Output,
  type Resources,
} from '../../plugin/index.js';
import { driverField, dsnField, sqlConnectionFields, SqlConnector, type SqlConnConfig } from '../_shared/sql_fields.js';
import { argsOf, checkInsertColumns, checkTable, InsertBuilder, insertRows } from '../_shared/sql_query.js';
import { sqlError } from '../_shared/sql_driver.js';

interface SqlInsertConfig extends SqlConnConfig {
  table: string;
  columns: string[];
  args_mapping: string;
  prefix?: string;
  suffix?: string;
  max_in_flight: number;
  batching?: Parameters<typeof parseBatchPolicy>[0];
}

registerOutput(
  {
    name: 'sql_insert',
    summary: 'Inserts a row into an SQL database for each message.',
    description:
      'Each batch becomes one multi-row `INSERT` whose values are all bound parameters (never spliced into the text), ' +
      'and the write completes once the database committed it. A batch larger than the driver allows in one statement ' +
      'is split over several statements inside one transaction. Supported drivers: `postgres`, `mysql` (MariaDB too) and `sqlite`.',
    categories: ['Services'],
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
      maxInFlightField(64).description('The maximum number of inserts to run in parallel.'),
      ...sqlConnectionFields(),
      batchingField(),
    ]),
    examples: [
      {
        title: 'Table Insert (MySQL)',
        summary: 'Insert rows into a database by populating the columns id, name and topic with values extracted from messages and metadata.',
        config:
          'output:\n  sql_insert:\n    driver: mysql\n    dsn: foouser:foopassword@tcp(localhost:3306)/foodb\n    table: footable\n    columns: [ id, name, topic ]\n    args_mapping: |\n      root = [\n        this.user.id,\n        this.user.name,\n        metadata("kafka_topic"),\n      ]\n',
      },
    ],
  },
  async (conf: SqlInsertConfig, res: Resources): Promise<Output> => {
    checkTable('sql_insert', conf.table);
    checkInsertColumns('sql_insert', conf.columns);
    const mapping = compileMapping(conf.args_mapping);
    const conn = new SqlConnector('sql_insert', conf, res.logger);
    let builder: InsertBuilder | undefined;
    return {
      maxInFlight: conf.max_in_flight,
      batchPolicy: await parseBatchPolicy(conf.batching, res),
      async connect() {
        const db = await conn.connect();
        builder ??= new InsertBuilder(db, conf.table, conf.columns, conf.prefix, conf.suffix);
      },
      async write(batch) {
        const db = conn.get();
        const rows = batch.map((_, i) => argsOf(mapping, batch, i, conf.columns.length));
        try {
          await insertRows(db, builder!, rows);
        } catch (e) {
          throw sqlError(db, 'sql_insert: insert failed', e);
        }
      },
      async close() {
        await conn.close();
      },
    };
  },
);
