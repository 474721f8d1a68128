import { describe, expect, it } from 'vitest';
import { applyAssignments, parseUnitFile, values, type Settings } from '../../../importers/systemd/unit-file.js';

const F = '/x/a.service';

function settingsOf(...texts: string[]): Settings {
  const s: Settings = new Map();
  texts.forEach((t, i) => applyAssignments(s, parseUnitFile(t, `/x/${i}.conf`).assignments));
  return s;
}

describe('unit file syntax (systemd.syntax(7))', () => {
  it('reads sections and key=value with trimmed whitespace and line numbers', () => {
    const p = parseUnitFile('[Unit]\n  Description =  A thing  \n\n[Service]\nExecStart=/bin/true\n', F);
    expect(p.sections.map((s) => [s.name, s.origin.line])).toEqual([['Unit', 1], ['Service', 4]]);
    expect(p.assignments).toEqual([
      { section: 'Unit', key: 'Description', value: 'A thing', origin: { file: F, line: 2 } },
      { section: 'Service', key: 'ExecStart', value: '/bin/true', origin: { file: F, line: 5 } },
    ]);
    expect(p.diagnostics).toEqual([]);
  });

  it('skips # and ; comment lines, also indented ones', () => {
    const p = parseUnitFile('[Unit]\n# a=1\n; b=2\n   # c=3\nD=4\n', F);
    expect(p.assignments.map((a) => a.key)).toEqual(['D']);
  });

  it('accumulates repeated keys and resets a list on an empty assignment', () => {
    const s = settingsOf('[Unit]\nAfter=a.service\nAfter=b.service\nAfter=\nAfter=c.service\n');
    expect(values(s, 'Unit', 'After').map((v) => v.value)).toEqual(['c.service']);
    const t = settingsOf('[Unit]\nAfter=a.service\nAfter=b.service\n');
    expect(values(t, 'Unit', 'After').map((v) => [v.value, v.origin.line])).toEqual([['a.service', 2], ['b.service', 3]]);
  });

  it('joins continuation lines (backslash becomes a space) and skips comments inside them', () => {
    const p = parseUnitFile('[Service]\nExecStart=/bin/echo one \\\n# a comment inside\n  two \\\n; another\nthree\nUser=x\n', F);
    expect(p.assignments[0]).toMatchObject({ key: 'ExecStart', value: '/bin/echo one    two  three', origin: { line: 2 } });
    expect(p.assignments[1]).toMatchObject({ key: 'User', value: 'x', origin: { line: 7 } });
  });

  it('an escaped backslash at the end of a line does not continue it', () => {
    const p = parseUnitFile('[Service]\nA=x\\\\\nB=y\n', F);
    expect(p.assignments.map((a) => [a.key, a.value])).toEqual([['A', 'x\\\\'], ['B', 'y']]);
  });

  it('a continuation at the end of the file still yields the assignment', () => {
    const p = parseUnitFile('[Service]\nA=x \\', F);
    expect(p.assignments.map((a) => a.value)).toEqual(['x']);
  });

  it('handles CRLF line ends', () => {
    const p = parseUnitFile('[Unit]\r\nA=1\r\n', F);
    expect(p.assignments.map((a) => a.value)).toEqual(['1']);
  });

  it('malformed: missing =, key outside a section, bad header, empty key — each with file and line', () => {
    const p = parseUnitFile('Early=1\n[Unit\nX=2\n[Unit]\nnot an assignment\n=value\n', F);
    expect(p.diagnostics.map((d) => [d.code, d.file, d.line])).toEqual([
      ['unit-assignment-outside-section', F, 1],
      ['unit-bad-section-header', F, 2],
      ['unit-assignment-outside-section', F, 3],
      ['unit-missing-equals', F, 5],
      ['unit-empty-key', F, 6],
    ]);
    expect(p.assignments).toEqual([]);
  });

  it('drop-ins apply after the fragment, in order', () => {
    const s = settingsOf('[Service]\nExecStart=/a\nUser=a\n', '[Service]\nExecStart=\nExecStart=/b\n', '[Service]\nUser=c\n');
    expect(values(s, 'Service', 'ExecStart').map((v) => [v.value, v.origin.file])).toEqual([['/b', '/x/1.conf']]);
    expect(values(s, 'Service', 'User').map((v) => v.value)).toEqual(['a', 'c']);
  });
});
