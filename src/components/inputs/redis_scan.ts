import { registerInput, field, objectConfig, Message, NotConnectedError, type Input, type Resources } from '../../plugin/index.js';
import { Cluster } from 'ioredis';
import { redisConnFields, connectRedis, closeRedis, commandFailure, type RedisClient, type RedisConnConfig } from '../_shared/redis_client.js';
import { ReplayQueue } from '../_shared/replay_queue.js';

interface RedisScanInputConfig extends RedisConnConfig {
  auto_replay_nacks: boolean;
  match: string;
}

registerInput(
  {
    name: 'redis_scan',
    summary: 'Scans the set of keys in the current selected database and gets their values, using the Scan and Get commands.',
    description: [
      'Optionally, iterates only elements matching a blob-style pattern. For example:',
      '',
      '- `*foo*` iterates only keys which contain `foo` in it.',
      '- `foo*` iterates only keys starting with `foo`.',
      '',
      'This input generates a message for each key value pair in the following format:',
      '',
      '```json',
      '{"key":"foo","value":"bar"}',
      '```',
      '',
      'The input ends once the scan is complete. Keys whose value is not a string (lists, hashes, ...) are skipped.',
    ].join('\n'),
    categories: ['Services'],
    config: objectConfig([
      ...redisConnFields(),
      field
        .bool(
          'auto_replay_nacks',
          'Whether messages that are rejected (nacked) at the output level should be automatically replayed indefinitely, eventually resulting in back pressure if the cause of the rejections is persistent. If set to `false` these messages will instead be deleted.',
        )
        .default(true),
      field.string('match', 'Iterates only elements matching the optional glob-style pattern. By default, it matches all elements.').default('').examples('*', '1*', 'foo*', 'foo', '*4*'),
    ]),
  },
  (conf: RedisScanInputConfig, res: Resources): Input => {
    const replay = new ReplayQueue(conf.auto_replay_nacks);
    const pending: Message[] = [];
    let client: RedisClient | undefined;
    /** One scan per node (a cluster has several masters); cursor "0" after the first page means done. */
    let nodes: Array<{ node: RedisClient; cursor: string; started: boolean }> | undefined;
    let closing = false;

    async function nextPage(c: RedisClient): Promise<boolean> {
      nodes ??= (c instanceof Cluster ? c.nodes('master') : [c]).map((node) => ({ node, cursor: '0', started: false }));
      const cur = nodes.find((n) => !n.started || n.cursor !== '0');
      if (!cur) return false;
      const args = [cur.cursor, ...(conf.match ? ['MATCH', conf.match] : []), 'COUNT', '100'];
      const [next, keys] = (await cur.node.call('SCAN', ...args)) as [string, string[]];
      cur.cursor = next;
      cur.started = true;
      if (keys.length === 0) return true;
      const values = await Promise.all(keys.map((k) => cur.node.get(k).catch(() => null)));
      for (const [i, key] of keys.entries()) {
        const value = values[i];
        if (value === null || value === undefined) continue;
        pending.push(Message.fromStructured({ key, value }));
      }
      return true;
    }

    return {
      async connect() {
        closeRedis(client);
        client = await connectRedis(conf, 'redis_scan', { logger: res.logger });
        // A cluster's node list is only known once connected: (re)built lazily.
        nodes = nodes && !(client instanceof Cluster) ? nodes.map((n) => ({ ...n, node: client! })) : undefined;
      },
      async read() {
        for (;;) {
          if (closing) return null;
          const again = replay.shift();
          if (again) return again;
          const m = pending.shift();
          if (m) {
            const messages = [m];
            return { messages, ack: replay.ackFor(messages) };
          }
          const c = client;
          if (!c) throw new NotConnectedError('redis_scan: not connected');
          let more: boolean;
          try {
            more = await nextPage(c);
          } catch (e) {
            if (closing) return null;
            throw commandFailure(e, c, 'redis_scan');
          }
          // Everything scanned: end once the messages still out were acknowledged (or replayed).
          if (!more && pending.length === 0) return replay.endOfInput(res);
        }
      },
      async close() {
        closing = true;
        closeRedis(client);
        client = undefined;
      },
    };
  },
);
