/**
 * The boot test's table and the copy committed in docs/fidelity.md (section "## Booted host", between
 * two markers so the other sections of the file are never touched). A cell is `ok`, something else
 * that says what went wrong, or `-` (does not apply). A regression is a cell that was `ok` and is not.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const COLUMNS = [
  'variant',
  'stack',
  'service',
  'init runs it',
  'up (convert)',
  'probe (convert)',
  'upgraded',
  'up (upgrade)',
  'probe (upgrade)',
  'restarts',
  'logs',
  'stops clean',
  'probe (rollback)',
] as const;
export type Row = Record<(typeof COLUMNS)[number], string>;

const BEGIN = '<!-- booted-host-table: begin';
const END = '<!-- booted-host-table: end -->';

/** Where the table goes: after the begin marker's line, up to the end marker. */
function span(doc: string): [number, number] | undefined {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) return undefined;
  return [doc.indexOf('\n', begin) + 1, end];
}

export function keyOf(r: Row): string {
  return `${r.variant} ${r.stack} ${r.service}`;
}

export function formatTable(rows: Row[]): string {
  const lines = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${COLUMNS.map((c) => r[c]).join(' | ')} |`);
  return lines.join('\n');
}

export function parseTable(markdown: string): Row[] {
  const at = span(markdown);
  if (!at) return [];
  const rows: Row[] = [];
  for (const line of markdown.slice(...at).split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| variant')) continue;
    const cells = line.slice(2, -2).split(' | ');
    if (cells.length !== COLUMNS.length) continue;
    rows.push(Object.fromEntries(COLUMNS.map((c, i) => [c, cells[i]!])) as Row);
  }
  return rows;
}

export interface Comparison {
  regressions: string[];
  improvements: string[];
}

/** Cells of `now` worse (or better) than in `before`; rows missing from `now` are regressions too. */
export function compare(before: Row[], now: Row[]): Comparison {
  const nowByKey = new Map(now.map((r) => [keyOf(r), r]));
  const beforeByKey = new Map(before.map((r) => [keyOf(r), r]));
  const regressions: string[] = [];
  const improvements: string[] = [];
  for (const b of before) {
    const n = nowByKey.get(keyOf(b));
    if (!n) {
      regressions.push(`${keyOf(b)}: row missing`);
      continue;
    }
    for (const c of COLUMNS.slice(3)) {
      if (b[c] === 'ok' && n[c] !== 'ok') regressions.push(`${keyOf(b)}: ${c} was ok, now ${n[c]}`);
      if (b[c] !== 'ok' && n[c] === 'ok') improvements.push(`${keyOf(b)}: ${c} was ${b[c]}, now ok`);
    }
  }
  for (const n of now) if (!beforeByKey.has(keyOf(n))) improvements.push(`${keyOf(n)}: new row`);
  return { regressions, improvements };
}

/** Rewrites the table between the markers, keeping the rest of the file (and the other rows) as it is. */
export function writeTable(docPath: string, rows: Row[], keep: Row[]): void {
  const doc = readFileSync(docPath, 'utf8');
  const at = span(doc);
  if (!at) throw new Error(`${docPath}: no booted-host table markers`);
  const mine = new Set(rows.map(keyOf));
  const all = [...keep.filter((r) => !mine.has(keyOf(r))), ...rows].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  writeFileSync(docPath, `${doc.slice(0, at[0])}${formatTable(all)}\n${doc.slice(at[1])}`);
}
