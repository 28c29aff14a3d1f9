/**
 * Structured logging on stderr, in Benthos's formats (logfmt by default, or json).
 * Fields are escaped so message content can never forge a log line.
 */
import { redactSecrets } from './redact.js';

export type LogLevel = 'none' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'all';
const RANK: Record<LogLevel, number> = { none: 0, fatal: 1, error: 2, warn: 3, info: 4, debug: 5, trace: 6, all: 7 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  child(fields: LogFields): Logger;
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  trace(msg: string, fields?: LogFields): void;
  enabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'logfmt' | 'json';
  addTimestamp?: boolean;
  staticFields?: LogFields;
  write?: (line: string) => void;
}

export function parseLogLevel(s: string): LogLevel | undefined {
  const l = s.toLowerCase();
  if (l === 'warning') return 'warn';
  return l in RANK ? (l as LogLevel) : undefined;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stderr.write(line));
  return new StructuredLogger(RANK[opts.level ?? 'info'], opts.format ?? 'logfmt', opts.addTimestamp ?? true, opts.staticFields ?? {}, write);
}


class StructuredLogger implements Logger {
  constructor(
    private readonly rank: number,
    private readonly format: 'logfmt' | 'json',
    private readonly addTimestamp: boolean,
    private readonly fields: LogFields,
    private readonly out: (line: string) => void,
  ) {}

  child(fields: LogFields): Logger {
    return new StructuredLogger(this.rank, this.format, this.addTimestamp, { ...this.fields, ...fields }, this.out);
  }
  enabled(level: LogLevel): boolean {
    return RANK[level] <= this.rank;
  }
  error(msg: string, f?: LogFields): void {
    if (this.rank >= 2) this.emit('error', msg, f);
  }
  warn(msg: string, f?: LogFields): void {
    if (this.rank >= 3) this.emit('warn', msg, f);
  }
  info(msg: string, f?: LogFields): void {
    if (this.rank >= 4) this.emit('info', msg, f);
  }
  debug(msg: string, f?: LogFields): void {
    if (this.rank >= 5) this.emit('debug', msg, f);
  }
  trace(msg: string, f?: LogFields): void {
    if (this.rank >= 6) this.emit('trace', msg, f);
  }

  private emit(level: string, msg: string, extra?: LogFields): void {
    const rec: LogFields = {};
    if (this.addTimestamp) rec.time = new Date().toISOString();
    rec.level = level;
    rec.msg = msg;
    Object.assign(rec, this.fields, extra);
    // Driver errors and messages may echo connection strings: every line goes through the redactor.
    this.out(redactSecrets(this.format === 'json' ? `${JSON.stringify(rec, safeJson)}\n` : `${toLogfmt(rec)}\n`));
  }
}

function safeJson(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Error) return v.message;
  return v;
}

function toLogfmt(rec: LogFields): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (v === undefined) continue;
    const s = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v, safeJson);
    parts.push(`${k}=${/^[^\s"=\\]+$/.test(s) ? s : JSON.stringify(s)}`);
  }
  return parts.join(' ');
}

/** A logger that drops everything (tests, library users who bring their own). */
export const silentLogger: Logger = createLogger({ level: 'none' });
