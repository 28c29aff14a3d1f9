import {
  registerOutput,
  field,
  objectConfig,
  compileMapping,
  compileInterpolation,
  batchingField,
  maxInFlightField,
  parseBatchPolicy,
  type Output,
  type Resources,
} from '../../plugin/index.js';
import { driverField, dsnField, sqlConnectionFields, SqlConnector, type SqlConnConfig } from '../_shared/sql_fields.js';
import { argsOf } from '../_shared/sql_query.js';
import { sqlError, toParam } from '../_shared/sql_driver.js';
import { PLACEHOLDER_DOC } from '../_shared/sql_docs.js';

interface SqlRawOutputConfig extends SqlConnConfig {
  query: string;
  unsafe_dynamic_query: boolean;
  args_mapping?: string;
  max_in_flight: number;
  batching?: Parameters<typeof parseBatchPolicy>[0];
}

registerOutput(
  {
    name: 'sql_raw',
    summary: 'Executes an arbitrary SQL query for each message.',
    description:
      'The statements of a batch run inside one transaction, so a batch is written whole or not at all, and the write completes after COMMIT. ' +
      'Arguments are always bound parameters. Supported drivers: `postgres`, `mysql` (MariaDB too) and `sqlite`.',
    categories: ['Services'],
    config: objectConfig([
      driverField(),
      dsnField(),
      field.string('query', `The query to execute. ${PLACEHOLDER_DOC}`).examples('INSERT INTO footable (foo, bar, baz) VALUES (?, ?, ?);'),
      field
        .bool('unsafe_dynamic_query', 'Whether to enable interpolation functions in the query. Great care should be made to ensure your queries are defended against injection attacks.')
        .default(false)
        .advanced(),
      field
        .bloblang('args_mapping', 'An optional Bloblang mapping which should evaluate to an array of values matching in size to the number of placeholder arguments in the field `query`.')
        .optional()
        .examples('root = [ this.cat.meow, this.doc.woofs[0] ]', 'root = [ metadata("user.id").string() ]'),
      maxInFlightField(64).description('The maximum number of inserts to run in parallel.'),
      ...sqlConnectionFields(),
      batchingField(),
    ]),
  },
  async (conf: SqlRawOutputConfig, res: Resources): Promise<Output> => {
    const mapping = conf.args_mapping ? compileMapping(conf.args_mapping) : undefined;
    const dynamic = conf.unsafe_dynamic_query ? compileInterpolation(conf.query) : undefined;
    const conn = new SqlConnector('sql_raw', conf, res.logger);
    return {
      maxInFlight: conf.max_in_flight,
      batchPolicy: await parseBatchPolicy(conf.batching, res),
      async connect() {
        await conn.connect();
      },
      async write(batch) {
        const db = conn.get();
        // Evaluate everything first: a bad message fails the batch before anything is sent.
        const statements = batch.map((_, i) => [dynamic ? dynamic.render(batch, i) : conf.query, argsOf(mapping, batch, i).map((v) => toParam(v, db.driver))] as const);
        try {
          if (statements.length === 1) await db.exec(...statements[0]!);
          else await db.execInTransaction(statements);
        } catch (e) {
          throw sqlError(db, 'sql_raw: query failed', e);
        }
      },
      async close() {
        await conn.close();
      },
    };
  },
);
