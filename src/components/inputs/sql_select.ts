import { registerInput, field, objectConfig, compileMapping, type Input, type Resources } from '../../plugin/index.js';
import { driverField, dsnField, sqlConnectionFields, SqlConnector, type SqlConnConfig } from '../_shared/sql_fields.js';
import { buildSelect, checkSelectColumns, checkTable } from '../_shared/sql_query.js';
import { sqlRowInput } from '../_shared/sql_row_input.js';
import { WHERE_DOC } from '../_shared/sql_docs.js';

interface SqlSelectInputConfig extends SqlConnConfig {
  table: string;
  columns: string[];
  where?: string;
  args_mapping?: string;
  prefix?: string;
  suffix?: string;
  auto_replay_nacks: boolean;
}

registerInput(
  {
    name: 'sql_select',
    summary: 'Executes a select query and creates a message for each row received.',
    description:
      'Once the rows run out the input ends. Each row becomes a message holding a JSON object with a key per column. ' +
      'A table query cannot take a row back, so acknowledgements do not reach the database: a row nacked downstream is ' +
      'replayed from memory (`auto_replay_nacks`), and a row read before a crash is not read again unless the query is ' +
      'run again. This input is therefore excluded from the at-least-once (loss) tests that brokers pass. ' +
      'Supported drivers: `postgres`, `mysql` (MariaDB too) and `sqlite`.',
    categories: ['Services'],
    config: objectConfig([
      driverField(),
      dsnField(),
      field.string('table', 'The table to select from.').examples('foo'),
      field.stringList('columns', 'A list of columns to select.').examples(['*'], ['foo', 'bar', 'baz']),
      field.string('where', WHERE_DOC).optional().examples('type = ? and created_at > ?', 'user_id = ?'),
      field
        .bloblang('args_mapping', 'An optional Bloblang mapping which should evaluate to an array of values matching in size to the number of placeholder arguments in the field `where`.')
        .optional()
        .examples('root = [ "article", now().ts_format("2006-01-02") ]'),
      field.string('prefix', 'An optional prefix to prepend to the select query (before SELECT).').optional().advanced(),
      field.string('suffix', 'An optional suffix to append to the select query.').optional().advanced(),
      field
        .bool('auto_replay_nacks', 'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely. If false they are deleted instead.')
        .default(true),
      ...sqlConnectionFields(),
    ]),
    examples: [
      {
        title: 'Consume a Table (PostgreSQL)',
        summary: 'Consume all rows from a table created within the last hour, comparing the unix timestamp stored in the column "created_at".',
        config:
          "input:\n  sql_select:\n    driver: postgres\n    dsn: postgres://foouser:foopass@localhost:5432/testdb?sslmode=disable\n    table: footable\n    columns: [ '*' ]\n    where: created_at >= ?\n    args_mapping: |\n      root = [\n        now().ts_unix() - 3600\n      ]\n",
      },
    ],
  },
  (conf: SqlSelectInputConfig, res: Resources): Input => {
    checkTable('sql_select', conf.table);
    checkSelectColumns('sql_select', conf.columns);
    const mapping = conf.args_mapping ? compileMapping(conf.args_mapping) : undefined;
    const conn = new SqlConnector('sql_select', conf, res.logger);
    const sql = (placeholder: (n: number) => string): string => buildSelect({ placeholder }, conf).sql;
    return sqlRowInput('sql_select', conn, sql, mapping, conf.auto_replay_nacks, res);
  },
);
