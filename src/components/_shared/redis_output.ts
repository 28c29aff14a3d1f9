/**
 * What the Redis outputs share: connect with a clear error, send one command per message (a
 * batch goes in one MULTI transaction, or a pipeline on a cluster where keys may live on
 * different nodes), and turn failures into NotConnectedError when the connection is gone.
 */
import { NotConnectedError, type Batch, type Output } from '../../plugin/index.js';
import { connectRedis, closeRedis, commandFailure, type RedisClient, type RedisConnConfig } from './redis_client.js';

/** One command: the name and its arguments. */
export type RedisCommand = [name: string, ...args: Array<string | Buffer | number>];

export interface RedisOutputOptions {
  component: string;
  conf: RedisConnConfig;
  maxInFlight: number;
  batchPolicy?: Output['batchPolicy'];
  /** The commands for message `i` of the batch (usually one). */
  commands(batch: Batch, i: number): RedisCommand[];
}

export function redisOutput(o: RedisOutputOptions): Output {
  let client: RedisClient | undefined;
  return {
    maxInFlight: o.maxInFlight,
    batchPolicy: o.batchPolicy,
    async connect() {
      closeRedis(client);
      client = undefined;
      client = await connectRedis(o.conf, o.component);
    },
    async write(batch) {
      const c = client;
      if (!c || c.status !== 'ready') throw new NotConnectedError(`${o.component}: not connected`);
      // Interpolation errors surface before anything is sent.
      const cmds: RedisCommand[] = [];
      for (let i = 0; i < batch.length; i++) cmds.push(...o.commands(batch, i));
      try {
        if (cmds.length === 1) {
          const [name, ...args] = cmds[0]!;
          await c.call(name, ...args);
          return;
        }
        const tx = o.conf.kind === 'cluster' ? c.pipeline() : c.multi();
        for (const [name, ...args] of cmds) tx.call(name, ...args);
        const results = await tx.exec();
        if (!results) throw new Error('transaction aborted');
        for (const [err] of results) if (err) throw err;
      } catch (e) {
        if (client === c && commandFailure(e, c, o.component) instanceof NotConnectedError) {
          closeRedis(c);
          client = undefined;
        }
        throw commandFailure(e, c, o.component);
      }
    },
    async close() {
      closeRedis(client);
      client = undefined;
    },
  };
}
