/**
 * Most processors work on one message at a time. This adapts such a function to a batch
 * processor: an exception flags only the message that caused it, a null result drops it.
 */
import type { Processor } from '../core/components.js';
import type { Batch, Message } from '../core/message.js';
import { toError } from '../core/errors.js';

export type MessageFn = (msg: Message, batch: Batch, index: number) => Message | Message[] | null;
export type AsyncMessageFn = (msg: Message, batch: Batch, index: number) => Promise<Message | Message[] | null>;

export function messageProcessor(fn: MessageFn | AsyncMessageFn, close?: () => Promise<void>): Processor {
  return {
    processBatch(batch: Batch): Batch[] | Promise<Batch[]> {
      const out: Message[] = [];
      let pending: Array<Promise<void>> | undefined;
      for (let i = 0; i < batch.length; i++) {
        const msg = batch[i]!;
        let r: Message | Message[] | null | Promise<Message | Message[] | null>;
        try {
          r = fn(msg, batch, i);
        } catch (e) {
          msg.error = toError(e);
          out.push(msg);
          continue;
        }
        if (r instanceof Promise) {
          // Keep the batch order: reserve the slot and fill it when the promise settles.
          const slot = out.length;
          out.push(msg);
          (pending ??= []).push(
            r.then(
              (v) => void (out[slot] = v as never),
              (e) => void (msg.error = toError(e)),
            ),
          );
        } else if (r !== null) {
          if (Array.isArray(r)) for (const m of r) out.push(m);
          else out.push(r);
        }
      }
      if (pending) return Promise.all(pending).then(() => [flatten(out)]);
      return [out];
    },
    close,
  };
}

/** Slots filled by async results may hold null (dropped) or arrays (split). */
function flatten(slots: unknown[]): Message[] {
  const out: Message[] = [];
  for (const s of slots) {
    if (s === null || s === undefined) continue;
    if (Array.isArray(s)) out.push(...(s as Message[]));
    else out.push(s as Message);
  }
  return out;
}
