/**
 * Unit file syntax as systemd reads it (systemd.syntax(7), src/shared/conf-parser.c):
 * - `[Section]` headers; `Key=Value` assignments; key and value trimmed of whitespace;
 * - empty lines and lines starting with `#` or `;` are comments;
 * - a line ending in an unescaped backslash continues on the next line, the backslash becoming a space;
 *   comment lines inside a continuation are skipped (systemd >= 237);
 * - a key may repeat: list settings accumulate, an empty assignment (`Key=`) resets the list.
 * The `ini` package does none of the last three (see test/importers/systemd/ini-vs-systemd.test.ts).
 */
import { diag, type Diagnostic } from '../../src/model/diagnostic.js';
import type { Origin } from '../../src/model/service.js';

export interface Assignment {
  section: string;
  key: string;
  value: string;
  origin: Origin;
}

export interface ParsedUnitFile {
  file: string;
  sections: { name: string; origin: Origin }[];
  assignments: Assignment[];
  diagnostics: Diagnostic[];
}

function isComment(trimmedStart: string): boolean {
  return trimmedStart.startsWith('#') || trimmedStart.startsWith(';');
}

/** True when the line ends in an odd number of backslashes (an even run is escaped backslashes). */
function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

const HASH = 35; // '#'
const SEMICOLON = 59; // ';'
const BACKSLASH = 92;
const CR = 13;

export function parseUnitFile(text: string, file: string): ParsedUnitFile {
  const out: ParsedUnitFile = { file, sections: [], assignments: [], diagnostics: [] };
  const lines = text.split('\n');
  let section: string | undefined;
  let pending: { text: string; line: number } | undefined;

  /** One logical line, already trimmed and neither empty nor a comment. */
  const handle = (t: string, line: number): void => {
    if (t.startsWith('[')) {
      if (!t.endsWith(']') || t.length < 3) {
        out.diagnostics.push(diag('error', 'unit-bad-section-header', file, line, `invalid section header ${JSON.stringify(t)}; systemd ignores the lines until the next valid section`));
        section = undefined;
        return;
      }
      section = t.slice(1, -1);
      out.sections.push({ name: section, origin: { file, line } });
      return;
    }
    if (t.startsWith('.include ')) {
      out.diagnostics.push(diag('warning', 'unit-include-unsupported', file, line, '`.include` is no longer supported by systemd; the line is ignored'));
      return;
    }
    const eq = t.indexOf('=');
    if (eq === -1) {
      out.diagnostics.push(diag('warning', 'unit-missing-equals', file, line, `missing '=' in ${JSON.stringify(t)}; line ignored (as systemd does)`));
      return;
    }
    const key = t.slice(0, eq).trim();
    const value = t.slice(eq + 1).trim();
    if (key === '') {
      out.diagnostics.push(diag('warning', 'unit-empty-key', file, line, `assignment without a key: ${JSON.stringify(t)}; line ignored`));
      return;
    }
    if (section === undefined) {
      out.diagnostics.push(diag('warning', 'unit-assignment-outside-section', file, line, `${key}= is outside any section; line ignored (as systemd does)`));
      return;
    }
    out.assignments.push({ section, key, value, origin: { file, line } });
  };
  /** A logical line as read: skipped when blank or a comment. */
  const handleRaw = (logical: string, line: number): void => {
    const t = logical.trim();
    if (t !== '' && !isComment(t)) handle(t, line);
  };

  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!;
    if (raw.charCodeAt(raw.length - 1) === CR) raw = raw.slice(0, -1);
    const lineNo = i + 1;
    if (pending === undefined) {
      // The common case, with one trim per line: a whole line, not continued.
      const t = raw.trim();
      if (t === '') continue;
      const first = t.charCodeAt(0);
      if (first === HASH || first === SEMICOLON) continue;
      // `t` ends as the line does (trim removes the same trailing whitespace as trimEnd).
      if (t.charCodeAt(t.length - 1) !== BACKSLASH || !endsWithContinuation(t)) {
        handle(t, lineNo);
        continue;
      }
    } else if (isComment(raw.trimStart())) {
      // Inside a continuation a comment line is skipped and does not end the continuation.
      continue;
    }
    const body = raw.trimEnd();
    if (endsWithContinuation(body)) {
      const piece = body.slice(0, -1) + ' ';
      pending = pending ? { text: pending.text + piece, line: pending.line } : { text: piece, line: lineNo };
      continue;
    }
    handleRaw(pending!.text + raw, pending!.line);
    pending = undefined;
  }
  if (pending) handleRaw(pending.text, pending.line);
  return out;
}

/** One value of a setting after all files were applied, with where it was written. */
export interface SettingValue {
  value: string;
  origin: Origin;
}

/** section -> key -> values, in application order (resets already applied). */
export type Settings = Map<string, Map<string, SettingValue[]>>;

/**
 * Applies assignments over settings, the way systemd loads a fragment and then its drop-ins: a value
 * appends, an empty value resets the list. Scalar settings read the last value, which gives the same
 * result as systemd's "later assignment wins".
 */
export function applyAssignments(settings: Settings, assignments: readonly Assignment[]): void {
  for (const a of assignments) {
    let sec = settings.get(a.section);
    if (!sec) settings.set(a.section, (sec = new Map()));
    if (a.value === '') {
      sec.set(a.key, []);
      // Remember where the reset happened, so evidence can point at it.
      resetOrigins.set(sec, { ...(resetOrigins.get(sec) ?? {}), [a.key]: a.origin });
    } else {
      const list = sec.get(a.key);
      if (list) list.push({ value: a.value, origin: a.origin });
      else sec.set(a.key, [{ value: a.value, origin: a.origin }]);
    }
  }
}

const resetOrigins = new WeakMap<Map<string, SettingValue[]>, Record<string, Origin>>();

/** Where a key was last reset by an empty assignment, if it was. */
export function resetOrigin(settings: Settings, section: string, key: string): Origin | undefined {
  const sec = settings.get(section);
  return sec ? resetOrigins.get(sec)?.[key] : undefined;
}

const NO_VALUES: readonly SettingValue[] = Object.freeze([]);

export function values(settings: Settings, section: string, key: string): readonly SettingValue[] {
  return settings.get(section)?.get(key) ?? NO_VALUES;
}

export function lastValue(settings: Settings, section: string, key: string): SettingValue | undefined {
  const v = values(settings, section, key);
  return v[v.length - 1];
}
