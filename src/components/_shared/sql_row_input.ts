/**
 * The input side of sql_select / sql_raw: runs the query once, then hands out one message per row
 * (a JSON object) and ends after the last row. A database query cannot take a row back, so a
 * nacked row is replayed from memory (`auto_replay_nacks`), as for other one-shot sources.
 */
import { Message, type Input, type Resources, type Mapping } from '../../plugin/index.js';
import { ReplayQueue } from './replay_queue.js';
import { sqlError, toParam, type Row } from './sql_driver.js';
import type { SqlConnector } from './sql_fields.js';
import { argsOf } from './sql_query.js';

export function sqlRowInput(component: string, conn: SqlConnector, sql: (placeholder: (n: number) => string) => string, mapping: Mapping | undefined, autoReplay: boolean, res: Resources): Input {
  const replay = new ReplayQueue(autoReplay);
  let rows: Row[] | undefined;
  let next = 0;
  // The args mapping runs once, against an empty message (Benthos does the same).
  const seed = [Message.fromBytes(Buffer.alloc(0))];
  return {
    async connect() {
      await conn.connect();
    },
    async read() {
      const again = replay.shift();
      if (again) return again;
      if (!rows) {
        const db = conn.get();
        const args = argsOf(mapping, seed, 0).map((v) => toParam(v, db.driver));
        try {
          rows = await db.query(sql((n) => db.placeholder(n)), args);
        } catch (e) {
          throw sqlError(db, `${component}: query failed`, e);
        }
      }
      if (next >= rows.length) {
        // Free the result set: only replays may still need messages.
        rows.length = 0;
        next = 0;
        return replay.endOfInput(res);
      }
      const row = rows[next]!;
      rows[next++] = undefined as never;
      const messages = [Message.fromStructured(row)];
      return { messages, ack: replay.ackFor(messages) };
    },
    async close() {
      await conn.close();
    },
  };
}
