/**
 * The metrics façade components use. Handles are looked up once (at construction) and then
 * incremented on the hot path by batch, so the backing registry's label hashing stays off it.
 */

export interface Counter {
  inc(n?: number): void;
}
export interface Gauge {
  set(v: number): void;
  inc(n?: number): void;
  dec(n?: number): void;
}
export interface Timer {
  /** Record a duration in nanoseconds. */
  observeNs(ns: number): void;
}

export type Labels = Record<string, string>;

export interface Metrics {
  counter(name: string, labels?: Labels): Counter;
  gauge(name: string, labels?: Labels): Gauge;
  timer(name: string, labels?: Labels): Timer;
  /** A copy whose handles carry these labels too. */
  withLabels(labels: Labels): Metrics;
  /** Metrics without the component's labels: custom metrics (the `metric` processor) carry only their own. */
  unlabelled(): Metrics;
}

const noopHandle = { inc() {}, dec() {}, set() {}, observeNs() {} };

/** Metrics that record nothing. */
export const noopMetrics: Metrics = {
  counter: () => noopHandle,
  gauge: () => noopHandle,
  timer: () => noopHandle,
  withLabels: () => noopMetrics,
  unlabelled: () => noopMetrics,
};
