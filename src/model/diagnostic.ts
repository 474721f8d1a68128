/**
 * Diagnostics are data: every stage returns them, the CLI prints them in one place, `--json` carries them.
 * `file` is the path as read on disk (so a user can open it); `line` is 1-based when known.
 */
export type Severity = 'error' | 'warning' | 'note';

export interface Diagnostic {
  file: string;
  line?: number;
  severity: Severity;
  /** Stable machine-readable code, e.g. `lsb-malformed-field`, `unit-unknown-directive`. */
  code: string;
  message: string;
  /** The service the diagnostic is about, when there is one. */
  service?: string;
}

export function diag(
  severity: Severity,
  code: string,
  file: string,
  line: number | undefined,
  message: string,
  service?: string,
): Diagnostic {
  const d: Diagnostic = { file, severity, code, message };
  if (line !== undefined) d.line = line;
  if (service !== undefined) d.service = service;
  return d;
}

/** `file:line: severity: message [code]`, the format compilers use, so editors can jump to it. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line !== undefined ? `${d.file}:${d.line}` : d.file;
  return `${where}: ${d.severity}: ${d.message} [${d.code}]`;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** Deterministic order: by file, then line, then severity, then code, then message. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      cmp(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      severityRank[a.severity] - severityRank[b.severity] ||
      cmp(a.code, b.code) ||
      cmp(a.message, b.message),
  );
}

/** Byte-order string comparison (locale-independent, so output is the same on every machine). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
