import { registerInput, field, objectConfig, compileMapping, type Input, type Resources } from '../../plugin/index.js';
import { driverField, dsnField, sqlConnectionFields, SqlConnector, type SqlConnConfig } from '../_shared/sql_fields.js';
import { sqlRowInput } from '../_shared/sql_row_input.js';
import { PLACEHOLDER_DOC } from '../_shared/sql_docs.js';

interface SqlRawInputConfig extends SqlConnConfig {
  query: string;
  args_mapping?: string;
  auto_replay_nacks: boolean;
}

registerInput(
  {
    name: 'sql_raw',
    summary: 'Executes a select query and creates a message for each row received.',
    description:
      'Once the rows run out the input ends. Each row becomes a message holding a JSON object with a key per column. ' +
      'A query cannot take a row back, so acknowledgements do not reach the database: a row nacked downstream is replayed ' +
      'from memory (`auto_replay_nacks`). This input is therefore excluded from the at-least-once (loss) tests that brokers pass. ' +
      'Supported drivers: `postgres`, `mysql` (MariaDB too) and `sqlite`.',
    categories: ['Services'],
    config: objectConfig([
      driverField(),
      dsnField(),
      field.string('query', `The query to execute. ${PLACEHOLDER_DOC}`).examples('SELECT * FROM footable WHERE user_id = $1;'),
      field
        .bloblang('args_mapping', 'An optional Bloblang mapping which should evaluate to an array of values matching in size to the number of placeholder arguments in the field `query`.')
        .optional()
        .examples('root = [ this.cat.meow, this.doc.woofs[0] ]', 'root = [ metadata("user.id").string() ]'),
      field
        .bool('auto_replay_nacks', 'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely. If false they are deleted instead.')
        .default(true),
      ...sqlConnectionFields(),
    ]),
    examples: [
      {
        title: 'Consumes an SQL table using a query as an input.',
        summary: 'An aggregate over a list of names in a table that are less than 3600 seconds old.',
        config:
          'input:\n  sql_raw:\n    driver: postgres\n    dsn: postgres://foouser:foopass@localhost:5432/testdb?sslmode=disable\n    query: "SELECT name, count(*) FROM person WHERE last_updated < $1 GROUP BY name;"\n    args_mapping: |\n      root = [\n        now().ts_unix() - 3600\n      ]\n',
      },
    ],
  },
  (conf: SqlRawInputConfig, res: Resources): Input => {
    const mapping = conf.args_mapping ? compileMapping(conf.args_mapping) : undefined;
    const conn = new SqlConnector('sql_raw', conf, res.logger);
    return sqlRowInput('sql_raw', conn, () => conf.query, mapping, conf.auto_replay_nacks, res);
  },
);
