import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, compare, parseTable, writeTable, type Row } from './fidelity.js';

function row(service: string, cells: Partial<Row> = {}): Row {
  const r = Object.fromEntries(COLUMNS.map((c) => [c, 'ok'])) as Row;
  return { ...r, variant: 'sysv', stack: '0.6', service, ...cells };
}

describe('the booted-host table in docs/fidelity.md', () => {
  it('round-trips through the document and leaves the other sections alone', () => {
    const doc = join(mkdtempSync(join(tmpdir(), 's6m-fid-')), 'fidelity.md');
    const other = '## Recorder differential\n\nnot ours\n';
    writeFileSync(doc, `# F\n\n<!-- booted-host-table: begin (x) -->\n<!-- booted-host-table: end -->\n\n${other}`);
    const rows = [row('ssh'), row('nginx', { restarts: 'not supervised' })];
    writeTable(doc, rows, []);
    const text = readFileSync(doc, 'utf8');
    expect(text.endsWith(other)).toBe(true);
    expect(parseTable(text)).toEqual([rows[1], rows[0]]);
  });

  it('calls an ok cell that went bad a regression, and the reverse an improvement', () => {
    const before = [row('ssh'), row('nginx', { logs: 'empty' })];
    const now = [row('ssh', { 'probe (upgrade)': 'no answer' }), row('nginx')];
    expect(compare(before, now)).toEqual({
      regressions: ['sysv 0.6 ssh: probe (upgrade) was ok, now no answer'],
      improvements: ['sysv 0.6 nginx: logs was empty, now ok'],
    });
    expect(compare(before, [now[1]!]).regressions).toEqual(['sysv 0.6 ssh: row missing']);
  });
});
