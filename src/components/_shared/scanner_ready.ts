/**
 * Optional additions to the Scanner contract, between inputs and scanners that know them:
 *
 * - `nextReady()` hands over a batch the scanner already holds (the rest of a read chunk), or
 *   null when the next batch needs a wait. Inputs use it for `readReady`, so a chunk of lines
 *   costs one await instead of one per line.
 * - `ScannerDetails.newMessage`: an input may pass a factory for the messages a scanner makes
 *   (e.g. the file input's, carrying the file's metadata shared copy-on-write, so no metadata
 *   map is built per message). A scanner that used it says so with `usesNewMessage`.
 */
import type { Message, Scanner } from '../../plugin/index.js';

export interface ScannerDetails {
  name: string;
  /** Makes a message of the given bytes (with whatever metadata the input gives every message). */
  newMessage?: (bytes: Buffer) => Message;
}

export interface ReadyScanner extends Scanner {
  /** A batch available now, or null when `next()` would have to wait (or the stream ended). */
  nextReady(): Message[] | null;
  /** True when every message this scanner returns was made by `details.newMessage`. */
  readonly usesNewMessage: boolean;
}

export function isReadyScanner(s: Scanner): s is ReadyScanner {
  return typeof (s as Partial<ReadyScanner>).nextReady === 'function';
}
