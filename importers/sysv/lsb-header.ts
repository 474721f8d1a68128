/**
 * The LSB comment header (`### BEGIN INIT INFO` ... `### END INIT INFO`, LSB Core 4.1 ch. 22.2, "Comment
 * Conventions for Init Scripts"), read line by line. This module only reads the header into raw fields
 * with line numbers; `lsb-fields.ts` gives each field its meaning.
 */
import { diag, type Diagnostic } from '../../src/model/diagnostic.js';

export interface LsbField {
  /** Canonical field name as LSB spells it, e.g. `Required-Start`. */
  name: string;
  value: string;
  line: number;
}

export interface LsbHeader {
  beginLine: number;
  endLine?: number;
  /** In header order; the first of duplicated fields is kept. */
  fields: LsbField[];
}

/** Fields LSB 4.1 defines, plus Debian's insserv extensions (X-Start-Before, X-Stop-After, X-Interactive). */
export const KNOWN_FIELDS = [
  'Provides', 'Required-Start', 'Required-Stop', 'Should-Start', 'Should-Stop', 'X-Start-Before', 'X-Stop-After',
  'Default-Start', 'Default-Stop', 'Short-Description', 'Description', 'X-Interactive',
] as const;

const byLower = new Map<string, string>(KNOWN_FIELDS.map((f) => [f.toLowerCase(), f]));

const BEGIN_RE = /^###\s*BEGIN INIT INFO\s*$/;
const END_RE = /^###\s*END INIT INFO\s*$/;
const FIELD_RE = /^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*:(.*)$/;
// LSB: continuation lines of Description start with `#` then a tab or at least two spaces.
const CONTINUATION_RE = /^#(\t| {2,})\s*(\S.*)$/;

export function parseLsbHeader(text: string, file: string): { header?: LsbHeader; diagnostics: Diagnostic[] } {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const diagnostics: Diagnostic[] = [];
  const begin = lines.findIndex((l) => BEGIN_RE.test(l.trimEnd()));
  if (begin === -1) return { diagnostics };
  const header: LsbHeader = { beginLine: begin + 1, fields: [] };
  let end = lines.findIndex((l, i) => i > begin && END_RE.test(l.trimEnd()));
  if (end === -1) {
    // Without END, the header can only be the comment block that follows BEGIN.
    end = lines.findIndex((l, i) => i > begin && !l.startsWith('#'));
    if (end === -1) end = lines.length;
    diagnostics.push(diag('warning', 'lsb-missing-end', file, begin + 1, `"### BEGIN INIT INFO" has no "### END INIT INFO"; header read up to line ${end}`));
  } else header.endLine = end + 1;

  const seen = new Set<string>();
  let last: LsbField | undefined; // the field a continuation line extends
  for (let i = begin + 1; i < end; i++) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    if (raw.trim() === '') { last = undefined; continue; }
    if (!raw.startsWith('#')) {
      diagnostics.push(diag('warning', 'lsb-not-comment', file, lineNo, 'line inside the LSB header is not a comment; ignored'));
      last = undefined;
      continue;
    }
    const f = FIELD_RE.exec(raw);
    const known = f ? byLower.get(f[1]!.toLowerCase()) : undefined;
    const cont = CONTINUATION_RE.exec(raw);
    if (cont && !known && last) {
      if (last.name === 'Description') last.value += (last.value ? ' ' : '') + cont[2]!.trim();
      else diagnostics.push(diag('warning', 'lsb-bad-continuation', file, lineNo, `continuation line after ${last.name}; only Description may span lines; ignored`));
      continue;
    }
    if (!f) {
      if (raw.replace(/^#+/, '').trim() !== '') {
        diagnostics.push(diag('warning', 'lsb-no-colon', file, lineNo, `header line has no "Field:" form: ${JSON.stringify(raw)}; ignored`));
      }
      last = undefined;
      continue;
    }
    const name = known ?? f[1]!;
    if (!known) {
      // LSB 4.1: fields starting with X- are extensions that other tools may ignore.
      if (!/^X-/i.test(name)) diagnostics.push(diag('warning', 'lsb-unknown-field', file, lineNo, `unknown LSB header field "${name}"; ignored`));
      last = undefined;
      continue;
    }
    if (seen.has(name)) {
      diagnostics.push(diag('warning', 'lsb-duplicate-field', file, lineNo, `${name} given again; the first one is used`));
      last = undefined;
      continue;
    }
    seen.add(name);
    last = { name, value: f[2]!.trim(), line: lineNo };
    header.fields.push(last);
  }
  return { header, diagnostics };
}
