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
  const diagnostics: Diagnostic[] = [];
  // Lines end at \n; one \r before it (or at the very end) is not part of the line.
  const src = text.includes('\r') ? text.replace(/\r(?=\n|$)/g, '') : text;
  const at = findBeginLine(src);
  if (!at) return { diagnostics };
  const begin = lineIndexAt(src, at.start);
  const header: LsbHeader = { beginLine: begin + 1, fields: [] };
  // Only the lines after BEGIN are cut out, up to END (the rest of the script is not the header's).
  const lines: string[] = [];
  let endAfter = -1;
  let pos = at.end + 1; // past the BEGIN line's newline; beyond the text when it has none
  while (pos <= src.length) {
    const nl = src.indexOf('\n', pos);
    const next = nl === -1 ? src.length : nl;
    const line = src.slice(pos, next);
    if (END_RE.test(line.trimEnd())) { endAfter = lines.length; break; }
    lines.push(line);
    pos = next + 1;
  }
  let end: number; // 0-based index of the END line in the whole text
  if (endAfter === -1) {
    // Without END, the header can only be the comment block that follows BEGIN.
    const stop = lines.findIndex((l) => !l.startsWith('#'));
    end = begin + 1 + (stop === -1 ? lines.length : stop);
    diagnostics.push(diag('warning', 'lsb-missing-end', file, begin + 1, `"### BEGIN INIT INFO" has no "### END INIT INFO"; header read up to line ${end}`));
  } else {
    end = begin + 1 + endAfter;
    header.endLine = end + 1;
  }

  const seen = new Set<string>();
  let last: LsbField | undefined; // the field a continuation line extends
  for (let i = begin + 1; i < end; i++) {
    const raw = lines[i - begin - 1]!;
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

/** Start and end offsets of the first line that is a BEGIN INIT INFO marker. */
function findBeginLine(src: string): { start: number; end: number } | undefined {
  // Only lines holding the marker text are tested, found natively.
  for (let from = 0; ;) {
    const at = src.indexOf('BEGIN INIT INFO', from);
    if (at === -1) return undefined;
    const start = src.lastIndexOf('\n', at) + 1;
    const nl = src.indexOf('\n', at);
    const end = nl === -1 ? src.length : nl;
    if (BEGIN_RE.test(src.slice(start, end).trimEnd())) return { start, end };
    if (nl === -1) return undefined;
    from = nl + 1;
  }
}

/** 0-based index of the line starting at `offset`. */
function lineIndexAt(src: string, offset: number): number {
  let n = 0;
  for (let i = src.indexOf('\n'); i !== -1 && i < offset; i = src.indexOf('\n', i + 1)) n++;
  return n;
}
