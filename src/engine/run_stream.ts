/**
 * Running a parsed config as a process would: logger, metrics, the HTTP server, the stream, and
 * graceful shutdown on signals. Shared by `sluice run` and the library's `runStream`.
 */
import { createLogger, parseLogLevel, type Logger } from '../core/logger.js';
import { parseDuration } from '../core/duration.js';
import { errorMessage } from '../core/errors.js';
import type { Metrics } from '../core/metrics.js';
import type { StreamConfig } from '../config/stream_config.js';
import { defaultRegistry, type Registry } from '../plugin/registry.js';
import { startApiServer, type ApiServer } from '../api/server.js';
import { PrometheusRegistry } from './prometheus.js';
import { Stream } from './stream.js';

export interface RunOptions {
  registry?: Registry;
  logger?: Logger;
  /** Override `logger.level`. */
  logLevel?: string;
  /** Handle SIGINT/SIGTERM (the CLI does; a library user may not want it). */
  handleSignals?: boolean;
}

export interface RunHandle {
  stream: Stream;
  metrics: PrometheusRegistry;
  api?: ApiServer;
  /** Resolves with the exit code: 0 after a clean drain, 1 when shutdown was forced. */
  done: Promise<number>;
  stop(): Promise<number>;
}

export function loggerFor(config: StreamConfig, levelOverride?: string): Logger {
  const level = parseLogLevel(levelOverride ?? config.logger.level) ?? (config.logger.level.toLowerCase() === 'off' ? 'none' : 'info');
  return createLogger({ level, format: config.logger.format, addTimestamp: config.logger.add_timestamp, staticFields: config.logger.static_fields });
}

export async function startStream(config: StreamConfig, opts: RunOptions = {}): Promise<RunHandle> {
  const logger = opts.logger ?? loggerFor(config, opts.logLevel);
  const metrics = new PrometheusRegistry();
  const stream = new Stream(config, { registry: opts.registry ?? defaultRegistry, logger, metrics: metrics.metrics() });
  await stream.build();
  let api: ApiServer | undefined;
  if (config.http.enabled) {
    try {
      api = await startApiServer(config.http, { ready: () => stream.ready, metricsText: () => metrics.render(true) });
      logger.info(`HTTP server listening on http://${api.address.address}:${api.address.port}`);
    } catch (e) {
      logger.warn(`HTTP server not started on ${config.http.address}: ${errorMessage(e)}`);
    }
  }
  const timeoutMs = parseDuration(config.shutdown_timeout);
  const delayMs = parseDuration(config.shutdown_delay);
  let stopping: Promise<number> | undefined;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  // Keep the process alive until the stream is done: if some component ever waits on nothing
  // the event loop tracks, Node would otherwise exit with code 0 and drop what is in flight.
  const keepAlive = setInterval(() => {}, 1 << 30);
  void done.then(() => clearInterval(keepAlive));
  const stop = (): Promise<number> => {
    stopping ??= (async () => {
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const r = await stream.stop(timeoutMs);
      await api?.close();
      return r.clean ? 0 : 1;
    })();
    void stopping.then(resolveDone);
    return stopping;
  };
  // When the input ends by itself the stream drains; stop() then reports how that went.
  stream.run().then(
    () => void stop(),
    (e) => {
      logger.error(`stream failed: ${errorMessage(e)}`);
      void stop();
    },
  );
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    signals++;
    if (signals === 1) {
      logger.info(`received ${sig}: shutting down gracefully`);
      void stop();
    } else {
      logger.warn(`received ${sig} again: forcing shutdown`);
      stream.forceStop();
    }
  };
  if (opts.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // A plugin's stray promise rejection or a throw from one of its timers must not end the
    // process (Node 20 exits on both by default) and with it every message in flight: log it
    // (rate-limited), count it, and keep going. Message-level failures are caught long before.
    const onStray = strayErrorHandler(logger, metrics.metrics());
    process.on('unhandledRejection', onStray);
    process.on('uncaughtException', onStray);
    void done.then(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('unhandledRejection', onStray);
      process.off('uncaughtException', onStray);
    });
  }
  return { stream, metrics, api, done, stop };
}

/** Logs at most one line per second (with the count of those skipped) and counts every one. */
function strayErrorHandler(logger: Logger, metrics: Metrics): (e: unknown) => void {
  const counter = metrics.counter('uncaught_errors');
  let lastLog = 0;
  let skipped = 0;
  return (e: unknown) => {
    counter.inc();
    const now = Date.now();
    if (now - lastLog < 1000) {
      skipped++;
      return;
    }
    lastLog = now;
    const more = skipped > 0 ? ` (${skipped} more since the last report)` : '';
    skipped = 0;
    logger.error(`uncaught error outside any message, the stream goes on${more}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  };
}
