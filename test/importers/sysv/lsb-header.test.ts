/** LSB header: one test per field, and every malformed form yields a diagnostic on the right line. */
import { describe, expect, it } from 'vitest';
import { EVERY_SERVICE } from '../../../src/model/facilities.js';
import { parseLsbHeader } from '../../../importers/sysv/lsb-header.js';
import { interpretLsb } from '../../../importers/sysv/lsb-fields.js';

const F = 'test/init.d/demo';

/** Builds a script whose header holds `lines` (line 1 `#!/bin/sh`, line 2 BEGIN, fields from line 3). */
function script(lines: string[], end = true): string {
  return ['#!/bin/sh', '### BEGIN INIT INFO', ...lines, ...(end ? ['### END INIT INFO'] : []), 'exit 0', ''].join('\n');
}

function read(lines: string[], end = true) {
  const { header, diagnostics } = parseLsbHeader(script(lines, end), F);
  expect(header).toBeDefined();
  const r = interpretLsb(header!, F, 'demo');
  return { header: header!, meaning: r.meaning, diagnostics: [...diagnostics, ...r.diagnostics] };
}

const deps = (m: { deps: { kind: string; target: string; facility: boolean; phase?: string }[] }) =>
  m.deps.map((d) => `${d.kind}:${d.facility ? '$' : ''}${d.target}${d.phase === 'stop' ? '/stop' : ''}`);

describe('LSB fields', () => {
  it('Provides: other names go to provides, the script name is not repeated', () => {
    const { meaning, diagnostics } = read(['# Provides: demo demo-alias']);
    expect(meaning.provides).toEqual(['demo-alias']);
    expect(diagnostics).toEqual([]);
  });

  it('Provides without the script name is noted', () => {
    const { meaning, diagnostics } = read(['# Provides: other']);
    expect(meaning.provides).toEqual(['other']);
    expect(diagnostics.map((d) => [d.code, d.line])).toEqual([['lsb-provides-other-name', 3]]);
  });

  it('Required-Start: requires, facilities translated', () => {
    const { meaning } = read(['# Required-Start: $remote_fs $network $syslog dbus']);
    expect(deps(meaning)).toEqual(['requires:$remote-fs', 'requires:$network', 'requires:$syslog', 'requires:dbus']);
    expect(meaning.deps[0]!.origin).toEqual({ file: F, line: 3 });
  });

  it('Should-Start: wants', () => {
    const { meaning } = read(['# Should-Start: $named $time slapd']);
    expect(deps(meaning)).toEqual(['wants:$named', 'wants:$time', 'wants:slapd']);
  });

  it('X-Start-Before: before', () => {
    const { meaning } = read(['# X-Start-Before: $x-display-manager gdm3']);
    expect(deps(meaning)).toEqual(['before:$x-display-manager', 'before:gdm3']);
  });

  it('Required-Stop: only names not already in the start lists, with phase stop', () => {
    const { meaning } = read(['# Required-Start: $remote_fs', '# Required-Stop: $remote_fs $syslog']);
    expect(deps(meaning)).toEqual(['requires:$remote-fs', 'requires:$syslog/stop']);
  });

  it('Should-Stop: wants with phase stop, dropped when Should-Start already names it', () => {
    const { meaning } = read(['# Should-Start: slapd', '# Should-Stop: slapd nscd']);
    expect(deps(meaning)).toEqual(['wants:slapd', 'wants:nscd/stop']);
  });

  it('X-Stop-After: after with phase stop', () => {
    const { meaning } = read(['# X-Stop-After: sendsigs']);
    expect(deps(meaning)).toEqual(['after:sendsigs/stop']);
    expect(meaning.deps[0]!.phase).toBe('stop');
  });

  it('Default-Start and Default-Stop: runlevels, S kept', () => {
    const { meaning } = read(['# Default-Start: S 2 3', '# Default-Stop: 0 1 6']);
    expect(meaning.defaultStart?.levels).toEqual(['S', '2', '3']);
    expect(meaning.defaultStart?.origin.line).toBe(3);
    expect(meaning.defaultStop?.levels).toEqual(['0', '1', '6']);
  });

  it('Short-Description wins over Description', () => {
    expect(read(['# Short-Description: short one', '# Description: long one']).meaning.description).toBe('short one');
  });

  it('Description with continuation lines (tab and two spaces)', () => {
    const { meaning, diagnostics } = read(['# Description: first', '#\tsecond', '#   third: with a colon']);
    expect(meaning.description).toBe('first second third: with a colon');
    expect(diagnostics).toEqual([]);
  });

  it('X-Interactive: true is a finding; false is nothing', () => {
    const t = read(['# X-Interactive: true']).meaning;
    expect(t.interactive).toBe(true);
    expect(t.findings.map((f) => f.code)).toEqual(['lsb-interactive']);
    const f = read(['# X-Interactive: false']).meaning;
    expect(f.interactive).toBe(false);
    expect(f.findings).toEqual([]);
  });

  it('$all is an order-only reference to every other service, in Required-Start and Should-Start alike', () => {
    for (const field of ['Required-Start', 'Should-Start']) {
      const { meaning } = read([`# ${field}: $all`]);
      expect(meaning.deps.map((d) => [d.kind, d.target, d.facility, d.ifStarted, d.origin.line])).toEqual([['after', EVERY_SERVICE, false, undefined, 3]]);
      expect(meaning.findings).toEqual([]);
    }
  });

  it('unknown $facility keeps its name without $, facility true, and a note', () => {
    const { meaning, diagnostics } = read(['# Should-Start: $mystery']);
    expect(meaning.deps[0]).toMatchObject({ kind: 'wants', target: 'mystery', facility: true });
    expect(diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([['lsb-unknown-facility', 'note', 3]]);
  });

  it('unknown X- fields are ignored silently', () => {
    const { diagnostics, header } = read(['# X-Something-New: yes', '# Provides: demo']);
    expect(diagnostics).toEqual([]);
    expect(header.fields.map((f) => f.name)).toEqual(['Provides']);
  });
});

describe('malformed headers', () => {
  const codes = (lines: string[], end = true) => read(lines, end).diagnostics.map((d) => [d.code, d.line]);

  it('unknown non-X field: warning on its line', () => {
    expect(codes(['# Provides: demo', '# Requires-Start: foo'])).toEqual([['lsb-unknown-field', 4]]);
  });

  it('line without a colon', () => {
    expect(codes(['# Provides: demo', '# Default-Start 2 3'])).toEqual([['lsb-no-colon', 4]]);
  });

  it('duplicate field: the first is kept', () => {
    const r = read(['# Provides: demo', '# Default-Start: 2', '# Default-Start: 3']);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['lsb-duplicate-field', 5]]);
    expect(r.meaning.defaultStart?.levels).toEqual(['2']);
  });

  it('bad runlevel tokens are dropped, good ones kept', () => {
    const r = read(['# Default-Start: 2 3 x 7']);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['lsb-bad-runlevel', 3], ['lsb-bad-runlevel', 3]]);
    expect(r.meaning.defaultStart?.levels).toEqual(['2', '3']);
  });

  it('missing END: diagnostic on the BEGIN line, fields before the code still read', () => {
    const r = read(['# Provides: demo', '# Required-Start: $network'], false);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['lsb-missing-end', 2]]);
    expect(deps(r.meaning)).toEqual(['requires:$network']);
  });

  it('a non-comment line inside the header', () => {
    expect(codes(['# Provides: demo', 'FOO=bar', '# Default-Start: 2'])).toEqual([['lsb-not-comment', 4]]);
  });

  it('a continuation line after a field other than Description', () => {
    expect(codes(['# Required-Start: $network', '#     $syslog'])).toEqual([['lsb-bad-continuation', 4]]);
  });

  it('comma-separated lists are read and warned about', () => {
    const r = read(['# Required-Start: $network, $syslog']);
    expect(deps(r.meaning)).toEqual(['requires:$network', 'requires:$syslog']);
    expect(r.diagnostics.map((d) => [d.code, d.line])).toEqual([['lsb-comma-list', 3]]);
  });

  it('a bad X-Interactive value', () => {
    expect(codes(['# X-Interactive: maybe'])).toEqual([['lsb-bad-boolean', 3]]);
  });

  it('no header at all: nothing parsed, no throw', () => {
    expect(parseLsbHeader('#!/bin/sh\necho hi\n', F)).toEqual({ diagnostics: [] });
  });
});
