/**
 * Loading one unit as systemd does: its fragment (the first file along the search path; for an instance
 * without its own file, the template's), then its drop-ins in order. Syntax diagnostics and unknown
 * sections or keys are reported with file and line.
 */
import { diag, type Diagnostic } from '../../src/model/diagnostic.js';
import { readSourceFile, type SourceRead } from '../../src/util/source-file.js';
import { KNOWN_SECTIONS, WHOLE_UNIT_SECTIONS, directiveInfo } from './directives.js';
import { findDropIns, type DirListings } from './unit-paths.js';
import { applyAssignments, parseUnitFile, type Assignment, type ParsedUnitFile, type Settings } from './unit-file.js';
import type { UnitName } from './specifiers.js';

export interface LoadedUnit {
  unit: UnitName;
  /** Path on disk of the fragment read. */
  fragment: string;
  dropIns: string[];
  settings: Settings;
  /** Every assignment read, in application order. */
  assignments: readonly Assignment[];
}

/** A unit file read and parsed, with what is wrong in it on its own (syntax, unknown sections and keys). */
interface CheckedFile {
  parsed: ParsedUnitFile;
  diagnostics: Diagnostic[];
}

/**
 * Unit files of one import, each read, parsed and checked once however many units reach it (a template
 * and each of its instances, type-wide drop-ins such as `service.d/`). Results are shared, never changed.
 * Only files that can be reached again are kept (templates, drop-ins), so a large host's units do not all
 * stay in memory until the import ends.
 */
export class UnitFiles {
  private readonly reads = new Map<string, SourceRead>();
  private readonly checked = new Map<string, CheckedFile | Diagnostic>();

  /** The file as readSourceFile reads it; kept while its parse is. */
  read(path: string): SourceRead {
    let r = this.reads.get(path);
    if (r === undefined) this.reads.set(path, (r = readSourceFile(path)));
    return r;
  }

  /** The checked file, or the diagnostic saying why it cannot be read. */
  load(path: string): CheckedFile | Diagnostic {
    let c = this.checked.get(path);
    if (c === undefined) {
      const r = this.read(path);
      c = r.ok ? checkFile(parseUnitFile(r.text, path)) : r.diagnostic;
      if (path.endsWith('.conf') || path.includes('@.', path.lastIndexOf('/'))) this.checked.set(path, c);
      else this.reads.delete(path);
    }
    return c;
  }
}

function checkFile(parsed: ParsedUnitFile): CheckedFile {
  const diagnostics = [...parsed.diagnostics];
  for (const s of parsed.sections) {
    if (!KNOWN_SECTIONS.has(s.name) && !s.name.startsWith('X-')) {
      diagnostics.push(diag('warning', 'unit-unknown-section', s.origin.file, s.origin.line, `unknown section [${s.name}]; its settings are ignored`));
    }
  }
  for (const a of parsed.assignments) {
    if (!KNOWN_SECTIONS.has(a.section) || WHOLE_UNIT_SECTIONS.has(a.section)) continue;
    if (a.key.startsWith('X-')) continue; // systemd ignores X- keys by design
    if (directiveInfo(a.section, a.key) === undefined) {
      diagnostics.push(diag('warning', 'unit-unknown-directive', a.origin.file, a.origin.line, `unknown directive ${a.key}= in [${a.section}]; not carried over`));
    }
  }
  return { parsed, diagnostics };
}

function pushAll<T>(to: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) to.push(items[i]!);
}

/** The unit's settings. Diagnostics are reported per file each time it is loaded; the importer sorts them. */
export function loadUnit(unit: UnitName, fragment: string, dirs: readonly string[], diagnostics: Diagnostic[], listings?: DirListings, files = new UnitFiles()): LoadedUnit | undefined {
  const first = files.load(fragment);
  if (!('parsed' in first)) {
    diagnostics.push(first);
    return undefined;
  }
  pushAll(diagnostics, first.diagnostics);
  const settings: Settings = new Map();
  applyAssignments(settings, first.parsed.assignments);
  // The fragment's own list while there is no drop-in (nothing changes it), a new one with them.
  let assignments: readonly Assignment[] = first.parsed.assignments;
  const dropIns: string[] = [];
  for (const d of findDropIns(dirs, unit, listings)) {
    const p = files.load(d);
    if (!('parsed' in p)) {
      diagnostics.push(p);
      continue;
    }
    pushAll(diagnostics, p.diagnostics);
    applyAssignments(settings, p.parsed.assignments);
    assignments = assignments.concat(p.parsed.assignments);
    dropIns.push(d);
  }
  return { unit, fragment, dropIns, settings, assignments };
}
