/** Rendering diagnostics for people: `FILE: (LINE,COL) message`, Benthos's lint form. */
import { redactSecrets } from '../core/redact.js';
import type { Diagnostic } from '../core/errors.js';

export function renderDiagnostic(d: Diagnostic, fallbackFile = ''): string {
  const file = d.position?.file ?? fallbackFile;
  const where = d.position ? `(${d.position.line},${d.position.column}) ` : '';
  const hint = d.hint ? ` (${d.hint})` : '';
  const level = d.severity === 'warning' ? 'warning: ' : '';
  return redactSecrets(`${file}: ${where}${level}${d.message}${hint}`);
}

export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) =>
      (a.position?.file ?? '').localeCompare(b.position?.file ?? '') ||
      (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
      (a.position?.column ?? 0) - (b.position?.column ?? 0),
  );
}
