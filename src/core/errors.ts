/**
 * Errors are data: a stable code, a message, and where the problem is. Rendering lives elsewhere.
 */

export interface Position {
  file?: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  code: string;
  message: string;
  severity: Severity;
  position?: Position;
  /** Dotted config path, e.g. `input.file.paths`. */
  path?: string;
  /** A hint on how to fix it. */
  hint?: string;
}

/** An error with a stable code that callers can match on. */
export class SluiceError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'SluiceError';
  }
}

/** Thrown by inputs and outputs when the connection is gone: the engine reconnects. */
export class NotConnectedError extends SluiceError {
  constructor(message = 'not connected', options?: { cause?: unknown }) {
    super('E_NOT_CONNECTED', message, options);
    this.name = 'NotConnectedError';
  }
}

/**
 * A failure that retrying cannot fix (a refused path, a message the destination rejects by
 * its content). Outputs throw it so the engine nacks the batch at once instead of retrying
 * the same write forever while it holds a write slot.
 */
export class PermanentError extends SluiceError {
  readonly permanent = true;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'PermanentError';
  }
}

export function isPermanent(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { permanent?: unknown }).permanent === true;
}

/** Raised when config is invalid; carries every diagnostic found. */
export class ConfigError extends SluiceError {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super('E_CONFIG', diagnostics.map((d) => d.message).join('; '));
    this.diagnostics = diagnostics;
    this.name = 'ConfigError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
