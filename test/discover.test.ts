/**
 * Discovery: classification by unit suffix and first line, standard locations under --root, odd entries
 * (symlink loops, dangling links, FIFOs, unreadable files) as one diagnostic each, sorted output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discover } from '../src/discover.js';

let root: string;
const put = (rel: string, text: string, mode = 0o755) => {
  const p = join(root, rel);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text, { mode });
  return p;
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 's6m-discover-'));
  put('etc/init.d/ssh', '#!/bin/sh\n### BEGIN INIT INFO\n');
  put('etc/init.d/apache2', '#!/bin/sh -e\n');
  put('etc/init.d/sshd', '#!/sbin/openrc-run\ncommand=/usr/sbin/sshd\n');
  put('etc/init.d/oldstyle', '#!/sbin/runscript\n');
  put('etc/init.d/.depend.boot', 'TARGETS = x\n');
  put('etc/init.d/README', 'plain text\n', 0o644);
  symlinkSync('loop-b', join(root, 'etc/init.d/loop-a'));
  symlinkSync('loop-a', join(root, 'etc/init.d/loop-b'));
  symlinkSync('/nonexistent/target', join(root, 'etc/init.d/dangling'));
  execFileSync('mkfifo', [join(root, 'etc/init.d/fifo')]);
  put('etc/systemd/system/foo.service', '[Service]\nExecStart=/bin/foo\n', 0o644);
  put('etc/systemd/system/foo.socket', '[Socket]\n', 0o644);
  put('etc/systemd/system/user.slice', '[Slice]\n', 0o644);
  put('etc/systemd/system/notes.txt', 'not a unit\n', 0o644);
  put('etc/systemd/system/multi-user.target.wants/.keep', '', 0o644);
  put('etc/systemd/system/foo.service.d/override.conf', '[Service]\n', 0o644);
  put('lib/systemd/system/bar.timer', '[Timer]\n', 0o644);
  put('usr/lib/systemd/system/baz.target', '[Unit]\n', 0o644);
  put('scripts/custom', '#!/bin/bash\n');
  put('scripts/unit.mount', '[Mount]\n', 0o644);
  put('scripts/dev.device', '', 0o644);
  mkdirSync(join(root, 'scripts/sub'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('discover', () => {
  it('reads the standard locations under --root and classifies each file', () => {
    const r = discover({ paths: [], root });
    const d = join(root, 'etc/init.d');
    expect(r.sysv).toEqual([join(d, 'README'), join(d, 'apache2'), join(d, 'ssh')]);
    expect(r.openrc).toEqual([join(d, 'oldstyle'), join(d, 'sshd')]);
    expect(r.systemd).toEqual([
      join(root, 'etc/systemd/system/foo.service'),
      join(root, 'etc/systemd/system/foo.socket'),
      join(root, 'lib/systemd/system/bar.timer'),
      join(root, 'usr/lib/systemd/system/baz.target'),
    ]);
  });

  it('gives one diagnostic per odd entry and goes on', () => {
    const r = discover({ paths: [], root });
    const d = join(root, 'etc/init.d');
    const byFile = Object.fromEntries(r.diagnostics.map((x) => [x.file, x.code]));
    expect(byFile[join(d, 'loop-a')]).toBe('symlink-loop');
    expect(byFile[join(d, 'loop-b')]).toBe('symlink-loop');
    expect(byFile[join(d, 'dangling')]).toBe('unreadable-file');
    expect(byFile[join(d, 'fifo')]).toBe('not-a-file');
    // Unit subdirectories (.wants, drop-ins) and ignored unit types in unit dirs say nothing.
    expect(r.diagnostics).toHaveLength(4);
  });

  it('skips an unreadable file with a diagnostic (unless running as root, which reads everything)', () => {
    const p = put('locked/secret', '#!/bin/sh\n', 0o000);
    chmodSync(p, 0o000);
    const r = discover({ paths: [p], root });
    if (process.getuid?.() === 0) expect(r.sysv).toEqual([p]);
    else expect(r.diagnostics.map((x) => x.code)).toEqual(['unreadable-file']);
  });

  it('classifies PATHs the user names: files and directories (not recursive)', () => {
    const r = discover({ paths: [join(root, 'scripts'), join(root, 'etc/init.d/sshd')], root: '/' });
    expect(r.sysv).toEqual([join(root, 'scripts/custom')]);
    expect(r.openrc).toEqual([join(root, 'etc/init.d/sshd')]);
    expect(r.systemd).toEqual([join(root, 'scripts/unit.mount')]);
    const codes = r.diagnostics.map((x) => `${x.code} ${x.file}`);
    expect(codes).toContain(`unit-type-ignored ${join(root, 'scripts/dev.device')}`);
    expect(codes).toContain(`directory-not-read ${join(root, 'scripts/sub')}`);
  });

  it('keeps relative paths relative and reports a PATH that does not exist', () => {
    const r = discover({ paths: ['test/fixtures/sysv/host/etc/init.d/webd', 'no/such/file'], root: '/' });
    expect(r.sysv).toEqual(['test/fixtures/sysv/host/etc/init.d/webd']);
    expect(r.diagnostics).toMatchObject([{ code: 'path-not-found', file: 'no/such/file', severity: 'error' }]);
  });

  it('is fine with a root that has none of the standard locations', () => {
    const empty = mkdtempSync(join(tmpdir(), 's6m-discover-empty-'));
    try {
      expect(discover({ paths: [], root: empty })).toMatchObject({ sysv: [], openrc: [], systemd: [], diagnostics: [{ code: 'nothing-found', severity: 'note' }] });
      expect(discover({ paths: [], root: join(empty, 'typo') }).diagnostics).toMatchObject([{ code: 'path-not-found', severity: 'error' }]);
    } finally {
      rmSync(empty, { recursive: true });
    }
  });

  it('lists a merged-/usr unit directory once', () => {
    const merged = mkdtempSync(join(tmpdir(), 's6m-discover-usr-'));
    try {
      mkdirSync(join(merged, 'usr/lib/systemd/system'), { recursive: true });
      writeFileSync(join(merged, 'usr/lib/systemd/system/a.service'), '[Service]\n');
      symlinkSync('usr/lib', join(merged, 'lib'));
      expect(discover({ paths: [], root: merged }).systemd).toEqual([join(merged, 'lib/systemd/system/a.service')]);
    } finally {
      rmSync(merged, { recursive: true });
    }
  });
});
