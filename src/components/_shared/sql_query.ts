/**
 * Building statements from config: identifiers checked strictly (they are spliced into SQL text,
 * so only plain or quoted names pass), multi-row INSERTs with one placeholder per value, SELECTs
 * whose `where` uses `?` (turned into `$n` for postgres), and the args a Bloblang mapping returns.
 */
import { PermanentError, type Batch, type Mapping } from '../../plugin/index.js';
import { toParam, type SqlDb } from './sql_driver.js';

const PLAIN = '[A-Za-z_][A-Za-z0-9_$]*';
const QUOTED = '"[^"\\u0000]+"|`[^`\\u0000]+`';
const NAME = `(?:${PLAIN}|${QUOTED})`;
const TABLE_RE = new RegExp(`^${NAME}(?:\\.${NAME}){0,2}$`);
const COLUMN_RE = new RegExp(`^${NAME}$`);
const SELECT_COLUMN_RE = new RegExp(`^(?:\\*|${NAME}(?:\\.${NAME}){0,2}(?:\\.\\*)?)$`);

export function checkTable(component: string, table: string): void {
  if (!TABLE_RE.test(table)) throw new Error(`${component}: table "${table}" is not a valid identifier (letters, digits, _ and $; optionally schema-qualified or quoted)`);
}

export function checkInsertColumns(component: string, columns: readonly string[]): void {
  if (columns.length === 0) throw new Error(`${component}: columns must list at least one column`);
  for (const c of columns) if (!COLUMN_RE.test(c)) throw new Error(`${component}: column "${c}" is not a valid identifier`);
}

export function checkSelectColumns(component: string, columns: readonly string[]): void {
  if (columns.length === 0) throw new Error(`${component}: columns must list at least one column (or "*")`);
  for (const c of columns) if (!SELECT_COLUMN_RE.test(c)) throw new Error(`${component}: column "${c}" is not a valid identifier or "*"`);
}

/**
 * Rewrites `?` placeholders as `$1, $2, ...` outside string literals, quoted names and comments;
 * `??` stands for a literal `?`. Returns the text unchanged for drivers that take `?`.
 */
export function convertPlaceholders(sql: string, db: Pick<SqlDb, 'placeholder'>, start = 1): { sql: string; count: number } {
  let out = '';
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?') {
      if (sql[i + 1] === '?') {
        out += '?';
        i++;
      } else out += db.placeholder(start + n++);
    } else out += c;
  }
  return { sql: out, count: n };
}

const join = (...parts: Array<string | undefined>): string => parts.filter((p) => p !== undefined && p.trim() !== '').join(' ');

/** Multi-row INSERT text for a given row count, cached per count (batches usually repeat sizes). */
export class InsertBuilder {
  private readonly cache = new Map<number, string>();
  readonly rowsPerStatement: number;

  constructor(
    private readonly db: Pick<SqlDb, 'placeholder' | 'maxParams'>,
    private readonly table: string,
    private readonly columns: readonly string[],
    private readonly prefix?: string,
    private readonly suffix?: string,
  ) {
    this.rowsPerStatement = Math.max(1, Math.floor(db.maxParams / columns.length));
  }

  sql(rows: number): string {
    let s = this.cache.get(rows);
    if (s) return s;
    const width = this.columns.length;
    const tuples: string[] = new Array(rows);
    for (let r = 0; r < rows; r++) {
      const ph: string[] = new Array(width);
      for (let c = 0; c < width; c++) ph[c] = this.db.placeholder(r * width + c + 1);
      tuples[r] = `(${ph.join(', ')})`;
    }
    s = join(this.prefix, `INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${tuples.join(', ')}`, this.suffix);
    if (this.cache.size < 64) this.cache.set(rows, s);
    return s;
  }
}

export function buildSelect(db: Pick<SqlDb, 'placeholder'>, c: { table: string; columns: readonly string[]; where?: string; prefix?: string; suffix?: string }): { sql: string; params: number } {
  const where = c.where ? convertPlaceholders(c.where, db) : undefined;
  const sql = join(c.prefix, `SELECT ${c.columns.join(', ')} FROM ${c.table}`, where ? `WHERE ${where.sql}` : undefined, c.suffix);
  return { sql, params: where?.count ?? 0 };
}

/** The args of one message: the mapping must return an array (of `expected` values when given). */
export function argsOf(mapping: Mapping | undefined, batch: Batch, index: number, expected?: number): unknown[] {
  if (!mapping) return [];
  let v: unknown;
  try {
    v = mapping.queryPart(batch, index);
  } catch (e) {
    throw new PermanentError('E_SQL_ARGS', `args_mapping failed: ${(e as Error).message}`);
  }
  if (!Array.isArray(v)) throw new PermanentError('E_SQL_ARGS', `mapping returned non-array result: ${v === null ? 'null' : typeof v}`);
  if (expected !== undefined && v.length !== expected) {
    throw new PermanentError('E_SQL_ARGS', `args_mapping returned ${v.length} values but ${expected} columns are configured`);
  }
  return v;
}

/**
 * Inserts rows as one multi-row INSERT with bound parameters. Rows beyond the driver's parameter
 * limit go into further statements inside one transaction, so a batch lands whole or not at all.
 * Resolves once the database committed.
 */
export async function insertRows(db: SqlDb, builder: InsertBuilder, rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const per = builder.rowsPerStatement;
  const statement = (from: number, to: number): [string, unknown[]] => {
    const params: unknown[] = [];
    for (let r = from; r < to; r++) for (const v of rows[r]!) params.push(toParam(v, db.driver));
    return [builder.sql(to - from), params];
  };
  if (rows.length <= per) {
    const [sql, params] = statement(0, rows.length);
    await db.exec(sql, params);
    return;
  }
  const statements: Array<[string, unknown[]]> = [];
  for (let from = 0; from < rows.length; from += per) statements.push(statement(from, Math.min(rows.length, from + per)));
  await db.execInTransaction(statements);
}
