import { afterEach, describe, expect, it } from 'vitest';
import { importSystemd } from '../../../importers/systemd/index.js';
import type { ImportResult, Service } from '../../../src/model/service.js';
import { makeRoot, type Entry } from './helpers.js';

const LIB = 'lib/systemd/system';
const ETC = 'etc/systemd/system';
const UNIT = `/${LIB}/d.service`;

let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups) c();
  cleanups = [];
});

function imp(entries: Record<string, Entry>, files: string[]): ImportResult {
  const t = makeRoot(entries);
  cleanups.push(t.cleanup);
  return importSystemd({ root: t.root, files: files.map(t.path) });
}
function one(service: string): { s: Service; r: ImportResult } {
  const r = imp({ [`${LIB}/d.service`]: `[Service]\nExecStart=/usr/sbin/d\n${service}` }, [`${LIB}/d.service`]);
  const s = r.services.find((x) => x.name === 'd');
  if (!s) throw new Error('no service d');
  return { s, r };
}
const dirs = (s: Service) => (s.run.directories ?? []).map((d) => [d.path, d.mode, d.origin.line]);
const codes = (s: Service) => s.findings.map((f) => f.code);

describe('RuntimeDirectory= and friends -> RunFacts.directories', () => {
  it('maps every kind to its base, several names per line, with each kind\'s mode', () => {
    const { s } = one([
      'RuntimeDirectory=d d/sock',
      'RuntimeDirectoryMode=0750',
      'StateDirectory=d',
      'StateDirectoryMode=700',
      'CacheDirectory=d',
      'LogsDirectory=d',
      'LogsDirectoryMode=2750',
      'ConfigurationDirectory=d',
      'ConfigurationDirectoryMode=0755',
      '',
    ].join('\n'));
    expect(dirs(s)).toEqual([
      ['/run/d', '0750', 3], ['/run/d/sock', '0750', 3],
      ['/var/lib/d', '0700', 5],
      ['/var/cache/d', '0755', 7],
      ['/var/log/d', '2750', 8],
      ['/etc/d', '0755', 10],
    ]);
    // Carried, so no longer reported as lost.
    expect(codes(s)).not.toContain('unit-directive-not-carried');
    expect(s.findings.find((f) => f.code === 'unit-runtime-directory-kept')?.message).toMatch(/\/run\/d, \/run\/d\/sock is made at each start and not removed at stop/);
  });

  it('adds lines up, an empty assignment resets, duplicates are made once', () => {
    const { s } = one('StateDirectory=old\nStateDirectory=\nStateDirectory=a\nStateDirectory=b a\n');
    expect(dirs(s)).toEqual([['/var/lib/a', '0755', 5], ['/var/lib/b', '0755', 6]]);
    expect(codes(s)).not.toContain('unit-runtime-directory-kept');
  });

  it('uses the directories of a drop-in and expands specifiers of an instance', () => {
    const r = imp({
      [`${LIB}/w@.service`]: '[Service]\nExecStart=/usr/sbin/w %i\nRuntimeDirectory=w-%i %p/%I\n',
      [`${ETC}/w@.service.d/x.conf`]: '[Service]\nCacheDirectory=%N\n',
      [`${ETC}/multi-user.target.wants/w@one.service`]: { link: `/${LIB}/w@.service` },
    }, [`${LIB}/w@.service`]);
    const s = r.services.find((x) => x.name === 'w@one')!;
    expect(s.run.directories?.map((d) => d.path)).toEqual(['/run/w-one', '/run/w/one', '/var/cache/w@one']);
  });

  it('refuses absolute and dot-dot names and a bad mode, with the line', () => {
    const { s, r } = one('RuntimeDirectory=/abs ok ../up a/./b\nRuntimeDirectoryMode=rwx\n');
    expect(dirs(s)).toEqual([['/run/ok', '0755', 3]]);
    const w = r.diagnostics.filter((d) => d.code === 'unit-bad-directory' || d.code === 'unit-bad-directory-mode').map((d) => [d.code, d.line, d.message.split(':')[0]]);
    // The importer sorts its diagnostics (file, line, then message).
    expect(w).toEqual([
      ['unit-bad-directory', 3, 'RuntimeDirectory=../up'],
      ['unit-bad-directory', 3, 'RuntimeDirectory=/abs'],
      ['unit-bad-directory', 3, 'RuntimeDirectory=a/./b'],
      ['unit-bad-directory-mode', 4, 'RuntimeDirectoryMode=rwx is not an octal mode; using 0755'],
    ]);
  });

  it('NAME:LINK makes the directory and reports the symlink', () => {
    const { s } = one('StateDirectory=real:alias\n');
    expect(dirs(s)).toEqual([['/var/lib/real', '0755', 3]]);
    expect(s.findings.find((f) => f.code === 'unit-directory-symlink')?.message).toMatch(/\/var\/lib\/alias is not/);
  });

  it('RuntimeDirectoryPreserve= is reported: made at each start, never removed at stop', () => {
    const { s } = one('RuntimeDirectory=d\nRuntimeDirectoryPreserve=restart\n');
    const f = s.findings.filter((x) => x.message.startsWith('RuntimeDirectoryPreserve='));
    expect(f.map((x) => [x.code, x.origin.file.endsWith(UNIT), x.origin.line])).toEqual([['unit-directive-approximated', true, 4]]);
    expect(f[0]!.message).toMatch(/made \(mkdir -p\) at each start and never removed at stop/);
    expect(codes(s)).not.toContain('unit-runtime-directory-kept');
  });
});
