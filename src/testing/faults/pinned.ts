/**
 * The settings RELIABILITY.md §2.2 pins for every fault test unless it says otherwise:
 * in-flight window W = 500, output max_in_flight 8, pipeline threads 2, 1 KiB messages.
 */
export const pinned = {
  W: 500,
  maxInFlight: 8,
  threads: 2,
  sizeBytes: 1024,
  /** Output batches: small enough that W (not the batch) bounds what a kill can redeliver. */
  batching: { count: 50, period: '50ms' },
} as const;
