/**
 * sysvinit enablement (issue 11), systemd-sysv-generator's own test cases restated for s6-rc: what the
 * host starts is its executable scripts' S links; backup files are never services; scripts without an
 * LSB header keep the order their S numbers give; the same rules on a systemd host go through the
 * generator's runlevel table.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scanHost } from '../../src/pipeline.js';

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

const lsb = (name: string, extra = '') =>
  `#!/bin/sh\n### BEGIN INIT INFO\n# Provides: ${name}\n# Required-Start:${extra}\n# Required-Stop:\n# Default-Start: 2 3 4 5\n# Default-Stop: 0 1 6\n### END INIT INFO\necho ${name}\n`;
const bare = (name: string) => `#!/bin/sh\necho ${name}\n`;

/** Scripts (mode 0755 unless `mode`), rc links `rcN.d/SNNname -> ../init.d/name`, other files. */
function host(scripts: Record<string, { text: string; mode?: number }>, links: string[], files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 's6m-sysv-en-'));
  roots.push(root);
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  for (const [name, s] of Object.entries(scripts)) {
    writeFileSync(join(root, 'etc/init.d', name), s.text);
    chmodSync(join(root, 'etc/init.d', name), s.mode ?? 0o755);
  }
  for (const l of links) {
    const [dir, link] = l.split('/') as [string, string];
    mkdirSync(join(root, 'etc', dir), { recursive: true });
    symlinkSync(`../init.d/${link.slice(3)}`, join(root, 'etc', dir, link));
  }
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const bundle = (r: ReturnType<typeof scanHost>, name: string) => r.host.bundles!.find((b) => b.name === name)?.contents;
const svc = (r: ReturnType<typeof scanHost>, name: string) => r.services.find((s) => s.name === name);

describe('sysvinit enablement', () => {
  it('only scripts with S links start; a script without a link is converted but enabled nowhere', () => {
    const r = scanHost({ paths: [], root: host({ on: { text: lsb('on') }, off: { text: lsb('off') } }, ['rc2.d/S01on'], { 'etc/inittab': 'id:2:initdefault:\n' }) });
    expect(bundle(r, 'runlevel-2')).toEqual(['on']);
    expect(svc(r, 'off')!.enabled).toEqual({ value: false, why: 'no S link in /etc/rc?.d' });
    expect(svc(r, 'on')!.enabled).toEqual({ value: true, why: 'S links: rc2.d/S01on' });
  });

  it('a script that is not executable is disabled, with a warning naming it, even with S links', () => {
    const r = scanHost({ paths: [], root: host({ on: { text: lsb('on') }, noexec: { text: lsb('noexec'), mode: 0o644 } }, ['rc2.d/S01on', 'rc2.d/S01noexec'], { 'etc/inittab': 'id:2:initdefault:\n' }) });
    expect(bundle(r, 'runlevel-2')).toEqual(['on']);
    expect(svc(r, 'noexec')!.enabled!.value).toBe(false);
    expect(r.diagnostics.filter((d) => d.code === 'sysv-not-executable').map((d) => [d.severity, d.service])).toEqual([['warning', 'noexec']]);
  });

  it('backup files are never services: .rpmnew .rpmsave .rpmorig .swp .bak .old .new .orig .ucf-* .dpkg-* ~ and dot files', () => {
    const names = ['foo.rpmnew', 'foo.rpmsave', 'foo.rpmorig', 'foo.swp', 'foo.bak', 'foo.old', 'foo.new', 'foo.orig', 'foo.ucf-dist', 'foo.ucf-old', 'foo.dpkg-old', 'foo.dpkg-dist', 'foo.dpkg-new', 'foo~', '.foo'];
    const scripts: Record<string, { text: string }> = { foo: { text: lsb('foo') } };
    for (const n of names) scripts[n] = { text: lsb('foo') };
    // An OpenRC script's backup is skipped too (discovery, not the sysv importer).
    scripts['bar.dpkg-old'] = { text: '#!/sbin/openrc-run\ncommand=/bin/bar\n' };
    const r = scanHost({ paths: [], root: host(scripts, ['rc2.d/S01foo']) });
    expect(r.services.map((s) => s.name)).toEqual(['foo']);
    // Dot files are skipped silently; every other leftover gets one note.
    expect(r.diagnostics.filter((d) => d.code === 'backup-file-ignored')).toHaveLength(names.length);
  });

  it('scripts without an LSB header are ordered by their S numbers (at least one of each pair header-less)', () => {
    const r = scanHost({ paths: [], root: host({
      first: { text: bare('first') }, second: { text: lsb('second') }, third: { text: bare('third') }, lsbonly: { text: lsb('lsbonly') },
    }, ['rc2.d/S10first', 'rc2.d/S20second', 'rc2.d/S30third', 'rc2.d/S05lsbonly'], { 'etc/inittab': 'id:2:initdefault:\n' }) });
    expect(svc(r, 'third')!.s6Dependencies).toEqual(['first', 'lsbonly', 'second']);
    expect(svc(r, 'second')!.s6Dependencies).toEqual(['first']); // lsbonly and second both have headers: no order
    expect(svc(r, 'first')!.s6Dependencies).toEqual(['lsbonly']);
  });

  it('rcS.d scripts rank before every runlevel script whatever their numbers', () => {
    const r = scanHost({ paths: [], root: host({ early: { text: bare('early') }, late: { text: bare('late') } }, ['rcS.d/S40early', 'rc2.d/S01late'], { 'etc/inittab': 'id:2:initdefault:\n' }) });
    expect(svc(r, 'late')!.s6Dependencies).toEqual(['early']);
    expect(svc(r, 'early')!.s6Dependencies).toEqual([]);
  });

  it('a host without any /etc/rc?.d: Default-Start, with a note per script', () => {
    const r = scanHost({ paths: [], root: host({ a: { text: lsb('a') } }, []) });
    expect(svc(r, 'a')!.startIn).toEqual(['runlevel-2', 'runlevel-3', 'runlevel-4', 'runlevel-5']);
    expect(r.diagnostics.filter((d) => d.code === 'sysv-no-rc-dirs').map((d) => d.service)).toEqual(['a']);
  });

  it('malformed rc links (no number, a K link only, a link to a missing script) change nothing else', () => {
    const root = host({ a: { text: lsb('a') }, b: { text: lsb('b') } }, ['rc2.d/S01a', 'rc2.d/K01b']);
    symlinkSync('../init.d/a', join(root, 'etc/rc2.d/Sxxa'));
    symlinkSync('../init.d/gone', join(root, 'etc/rc2.d/S02gone'));
    const r = scanHost({ paths: [], root });
    expect(bundle(r, 'runlevel-2')).toEqual(['a']);
    expect(svc(r, 'b')!.enabled).toEqual({ value: false, why: 'only K links in /etc/rc?.d' });
  });

  it('on a systemd host the generator runs them: a unit shadows the script of its name, whose facts are evidence only', () => {
    const root = host({ web: { text: lsb('web') }, cron: { text: lsb('cron') } }, ['rc2.d/S01web', 'rc2.d/S01cron', 'rc5.d/S01cron'], {
      'lib/systemd/system/web.service': '[Service]\nExecStart=/usr/bin/web --fg\nUser=www\n[Install]\nWantedBy=multi-user.target\n',
      'lib/systemd/system/multi-user.target': '[Unit]\nDescription=Multi-User\n',
      'lib/systemd/system/graphical.target': '[Unit]\nRequires=multi-user.target\n',
      'etc/systemd/system/default.target': '[Unit]\nRequires=multi-user.target\n',
    });
    symlinkSync('/lib/systemd/systemd', join(mkdirSync(join(root, 'sbin'), { recursive: true }) ?? join(root, 'sbin'), 'init'));
    const r = scanHost({ paths: [], root });
    expect(r.host.init?.init).toBe('systemd');
    const web = svc(r, 'web')!;
    expect(web.format).toBe('systemd');
    expect(web.run.user?.name).toBe('www');
    expect(web.enabled!.value).toBe(false); // the unit has no .wants/ link; the script's S link does not count
    expect(web.sources.map((s) => [s.format, s.lost !== undefined])).toEqual([['systemd', false], ['sysv', true]]);
    expect(svc(r, 'cron')!.startIn).toEqual(['graphical', 'multi-user']);
  });
});
