/**
 * Loading one unit as systemd does: its fragment (the first file along the search path; for an instance
 * without its own file, the template's), then its drop-ins in order. Syntax diagnostics and unknown
 * sections or keys are reported with file and line.
 */
import { diag, type Diagnostic } from '../../src/model/diagnostic.js';
import { readSourceFile } from '../../src/util/source-file.js';
import { KNOWN_SECTIONS, WHOLE_UNIT_SECTIONS, directiveInfo } from './directives.js';
import { findDropIns, type DirListings } from './unit-paths.js';
import { applyAssignments, parseUnitFile, type Assignment, type Settings } from './unit-file.js';
import type { UnitName } from './specifiers.js';

export interface LoadedUnit {
  unit: UnitName;
  /** Path on disk of the fragment read. */
  fragment: string;
  dropIns: string[];
  settings: Settings;
  /** Every assignment read, in application order. */
  assignments: Assignment[];
}

export function loadUnit(unit: UnitName, fragment: string, dirs: readonly string[], diagnostics: Diagnostic[], listings?: DirListings): LoadedUnit | undefined {
  const read = readSourceFile(fragment);
  if (!read.ok) {
    diagnostics.push(read.diagnostic);
    return undefined;
  }
  const settings: Settings = new Map();
  const parsed = parseUnitFile(read.text, fragment);
  diagnostics.push(...parsed.diagnostics);
  const assignments = [...parsed.assignments];
  const sectionsSeen = [...parsed.sections];
  applyAssignments(settings, parsed.assignments);
  const dropIns: string[] = [];
  for (const d of findDropIns(dirs, unit, listings)) {
    const r = readSourceFile(d);
    if (!r.ok) {
      diagnostics.push(r.diagnostic);
      continue;
    }
    const p = parseUnitFile(r.text, d);
    diagnostics.push(...p.diagnostics);
    applyAssignments(settings, p.assignments);
    assignments.push(...p.assignments);
    sectionsSeen.push(...p.sections);
    dropIns.push(d);
  }
  for (const s of sectionsSeen) {
    if (!KNOWN_SECTIONS.has(s.name) && !s.name.startsWith('X-')) {
      diagnostics.push(diag('warning', 'unit-unknown-section', s.origin.file, s.origin.line, `unknown section [${s.name}]; its settings are ignored`));
    }
  }
  for (const a of assignments) {
    if (!KNOWN_SECTIONS.has(a.section) || WHOLE_UNIT_SECTIONS.has(a.section)) continue;
    if (a.key.startsWith('X-')) continue; // systemd ignores X- keys by design
    if (directiveInfo(a.section, a.key) === undefined) {
      diagnostics.push(diag('warning', 'unit-unknown-directive', a.origin.file, a.origin.line, `unknown directive ${a.key}= in [${a.section}]; not carried over`));
    }
  }
  return { unit, fragment, dropIns, settings, assignments };
}
