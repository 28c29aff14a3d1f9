/**
 * Identifier functions: `snowflake_id`, a Twitter-style 64-bit id as Benthos produces it (via
 * bwmarrin/snowflake): 41 bits of milliseconds since the Twitter epoch, 10 bits of node id and a
 * 12-bit per-millisecond sequence, returned as decimal text.
 */
import { registerFunction } from '../registry.js';
import { toNum } from '../runtime.js';
import { BloblangError, typeError } from '../value.js';

/** 2010-11-04T01:42:54.657Z, the epoch bwmarrin/snowflake (and Twitter) use. */
const EPOCH_MS = 1288834974657;
const NODE_BITS = 10n;
const STEP_BITS = 12n;
const NODE_MAX = (1 << Number(NODE_BITS)) - 1;
const STEP_MASK = (1 << Number(STEP_BITS)) - 1;

/** One generator per node id. */
export class SnowflakeNode {
  private lastMs = -1;
  private step = 0;
  private readonly nodePart: bigint;

  constructor(
    nodeId: number,
    /** Milliseconds since the Unix epoch; injectable for tests. */
    private readonly clock: () => number = Date.now,
  ) {
    if (!Number.isInteger(nodeId) || nodeId < 0 || nodeId > NODE_MAX) {
      throw new BloblangError(`Node number must be between 0 and ${NODE_MAX}`);
    }
    this.nodePart = BigInt(nodeId) << STEP_BITS;
  }

  /** The next id; strictly greater than every earlier id of this node. */
  next(): bigint {
    // Never step back in time, even if the wall clock does: ids must stay monotonic.
    let now = Math.max(this.clock() - EPOCH_MS, this.lastMs);
    if (now === this.lastMs) {
      this.step = (this.step + 1) & STEP_MASK;
      if (this.step === 0) {
        // 4096 ids in this millisecond: wait for the next one, as bwmarrin/snowflake does.
        while (now <= this.lastMs) now = this.clock() - EPOCH_MS;
      }
    } else {
      this.step = 0;
    }
    this.lastMs = now;
    return (BigInt(now) << (NODE_BITS + STEP_BITS)) | this.nodePart | BigInt(this.step);
  }
}

/**
 * Generators are shared per node id across the process, so two call sites (or a call whose
 * arguments are not literals, rebuilt per call) never hand out the same id.
 */
const nodes = new Map<number, SnowflakeNode>();

function nodeFor(nodeId: number): SnowflakeNode {
  let node = nodes.get(nodeId);
  if (!node) {
    node = new SnowflakeNode(nodeId);
    nodes.set(nodeId, node);
  }
  return node;
}

registerFunction({
  name: 'snowflake_id',
  category: 'General',
  description: 'Generate a new snowflake ID each time it is invoked and prints a string representation. I.e.: 1559229974454472704',
  impure: true,
  params: [{ name: 'node_id', type: 'int', optional: true, default: 1, description: 'It is possible to specify the node_id.' }],
  examples: [
    { mapping: 'root.id = snowflake_id()', results: [], skipTesting: true },
    { summary: 'It is possible to specify the node_id.', mapping: 'root.id = snowflake_id(2)', results: [], skipTesting: true },
  ],
  build: (args) => {
    const raw = args.node_id ?? 1;
    const nodeId = toNum(raw);
    if (nodeId === undefined || !Number.isInteger(nodeId)) throw typeError('integer', raw);
    const node = nodeFor(nodeId);
    return () => node.next().toString();
  },
});
