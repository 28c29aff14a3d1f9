/**
 * How the `broker` output allocates a batch to its children, one function per pattern.
 *
 * Fan-out patterns remember which children confirmed a batch (DeliveryMemory): a retry of the
 * same batch, by the broker itself or by a parent, skips them, so one failing child never makes
 * a healthy one receive duplicates.
 */
import { toError, type Batch } from '../../plugin/index.js';
import { writeCapacity, type ChildOutputs } from './broker_children.js';
import { DeliveryMemory, copyBatch } from './broker_delivery_memory.js';

export const BROKER_PATTERNS = ['fan_out', 'fan_out_fail_fast', 'fan_out_sequential', 'fan_out_sequential_fail_fast', 'round_robin', 'greedy'] as const;
export type BrokerPattern = (typeof BROKER_PATTERNS)[number];

export type BatchWriter = (batch: Batch) => Promise<void>;

export function patternWriter(pattern: BrokerPattern, children: ChildOutputs): BatchWriter {
  switch (pattern) {
    case 'fan_out':
      return fanOut(children, true);
    case 'fan_out_fail_fast':
      return fanOut(children, false);
    case 'fan_out_sequential':
      return fanOutSequential(children, true);
    case 'fan_out_sequential_fail_fast':
      return fanOutSequential(children, false);
    case 'round_robin':
      return roundRobin(children);
    case 'greedy':
      return greedy(children);
  }
}

/** Every child gets every batch, all at once; `retry` keeps at a failing child until it confirms. */
function fanOut(children: ChildOutputs, retry: boolean): BatchWriter {
  const memory = new DeliveryMemory();
  return async (batch) => {
    const attempts: Array<Promise<void>> = [];
    for (let i = 0; i < children.length; i++) {
      if (memory.has(batch, i)) continue;
      const sent = retry ? children.writeUntilDelivered(i, () => copyBatch(batch)) : children.write(i, copyBatch(batch));
      attempts.push(sent.then(() => memory.remember(batch, i)));
    }
    const results = await Promise.allSettled(attempts);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw toError(failed.reason);
    memory.forget(batch);
  };
}

/** Every child gets every batch, one after the other: a child only once the previous confirmed. */
function fanOutSequential(children: ChildOutputs, retry: boolean): BatchWriter {
  const memory = new DeliveryMemory();
  return async (batch) => {
    for (let i = 0; i < children.length; i++) {
      if (memory.has(batch, i)) continue;
      if (retry) await children.writeUntilDelivered(i, () => copyBatch(batch));
      else await children.write(i, copyBatch(batch));
      memory.remember(batch, i);
    }
    memory.forget(batch);
  };
}

/**
 * Each batch goes to the next child in turn. A child that fails passes the batch on to the
 * next one, and so on; when every child failed the write fails with the last error.
 */
function roundRobin(children: ChildOutputs): BatchWriter {
  let next = 0;
  return async (batch) => {
    const start = next;
    next = (next + 1) % children.length;
    let lastErr: Error | undefined;
    for (let k = 0; k < children.length; k++) {
      const i = (start + k) % children.length;
      try {
        await children.write(i, copyBatch(batch));
        return;
      } catch (e) {
        lastErr = toError(e);
      }
    }
    throw lastErr!;
  };
}

/**
 * Each batch goes to whichever child has a free write slot (the least busy first), so faster
 * children take more. When all are busy the batch waits for the first slot to free up.
 */
function greedy(children: ChildOutputs): BatchWriter {
  const busy = children.outputs.map(() => 0);
  const capacity = children.outputs.map(writeCapacity);
  const waiters: Array<() => void> = [];
  const pick = (): number => {
    let best = -1;
    for (let i = 0; i < busy.length; i++) {
      if (busy[i]! < capacity[i]! && (best < 0 || busy[i]! / capacity[i]! < busy[best]! / capacity[best]!)) best = i;
    }
    return best;
  };
  return async (batch) => {
    let i = pick();
    while (i < 0) {
      await new Promise<void>((r) => waiters.push(r));
      i = pick();
    }
    busy[i]!++;
    try {
      await children.write(i, copyBatch(batch));
    } finally {
      busy[i]!--;
      waiters.shift()?.();
    }
  };
}
