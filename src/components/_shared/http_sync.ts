/**
 * Synchronous responses: how a processed message finds its way back to the request it came from.
 *
 * An input that can answer (the `http_server` input) gives every message it creates a
 * ResponseSlot. The `sync_response` output and processor (and `http_client` with
 * `propagate_response`) put messages into the slot of the message they handle; the input reads
 * the slot once the transaction was acknowledged and turns it into the HTTP response. Messages
 * of other inputs have no slot, and setting a response for them is a no-op, as in Benthos.
 *
 * The slot is not metadata: it is invisible to mappings and never written out as a header. It
 * lives in the message's context, which `Message.copy()` carries over, so messages derived from
 * the original keep it. Messages built from scratch (not copied) lose it, and the request is
 * then answered without a body.
 */
import { Message } from '../../plugin/index.js';

export class ResponseSlot {
  /** Response messages in the order they were set. */
  readonly responses: Message[] = [];
}

/** The context key of the response slot. */
const SLOT = Symbol('sluice.http.responseSlot');

/** Give every message of a new batch the slot its responses go to. */
export function attachResponseSlot(messages: readonly Message[], slot: ResponseSlot): void {
  for (const m of messages) m.setContext(SLOT, slot);
}

/** Carry the slot of `from` over to a message built from scratch (e.g. a response body). */
export function inheritResponseSlot(from: Message, to: Message): void {
  const slot = from.getContext<ResponseSlot>(SLOT);
  if (slot) to.setContext(SLOT, slot);
}

/**
 * Set `msg` (a snapshot of its current state) as a response to its origin. Returns false when
 * its origin takes no responses.
 */
export function setSyncResponse(msg: Message): boolean {
  const slot = msg.getContext<ResponseSlot>(SLOT);
  if (!slot) return false;
  slot.responses.push(msg.copy());
  return true;
}
