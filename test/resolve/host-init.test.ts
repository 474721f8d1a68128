/**
 * Host init detection (issue 11): which init system a root runs, from its files, and `--init`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { detectInit } from '../../src/host-init.js';

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

type Entry = string | { link: string } | { dir: true };
function host(files: Record<string, Entry>): string {
  const root = mkdtempSync(join(tmpdir(), 's6m-init-'));
  roots.push(root);
  for (const [p, e] of Object.entries(files)) {
    const at = join(root, p);
    mkdirSync(dirname(at), { recursive: true });
    if (typeof e === 'string') writeFileSync(at, e);
    else if ('link' in e) symlinkSync(e.link, at);
    else mkdirSync(at, { recursive: true });
  }
  return root;
}
const none = { sysv: 0, openrc: 0, systemd: 0 };

describe('detectInit', () => {
  it('Debian with systemd: /sbin/init -> /lib/systemd/systemd', () => {
    const d = detectInit(host({ 'sbin/init': { link: '/lib/systemd/systemd' }, 'etc/init.d/ssh': '#!/bin/sh\n' }), { sysv: 1, openrc: 0, systemd: 5 });
    expect(d.init).toBe('systemd');
    expect(d.how).toBe('detected');
    expect(d.evidence[0]!.says).toBe('is a symlink to systemd');
  });

  it('a running systemd (/run/systemd/system) wins over everything else', () => {
    expect(detectInit(host({ 'run/systemd/system': { dir: true }, 'etc/inittab': 'id:2:initdefault:\n' }), none).init).toBe('systemd');
  });

  it('Debian with sysvinit-core: a real /sbin/init and an inittab', () => {
    const d = detectInit(host({ 'sbin/init': '\x7fELF', 'etc/inittab': 'id:2:initdefault:\nl2:2:wait:/etc/init.d/rc 2\n', 'lib/systemd/system/default.target': '' }), none);
    expect(d.init).toBe('sysv');
  });

  it("Debian with OpenRC: inittab runs /etc/init.d/rc, which is openrc's wrapper", () => {
    const d = detectInit(host({
      'sbin/init': '\x7fELF',
      'etc/inittab': 'l2:2:wait:/etc/init.d/rc 2\n',
      'etc/init.d/rc': '#!/bin/sh\n# Wrapper of OpenRC called from inittab\nexec /sbin/openrc default\n',
      'etc/runlevels/default': { dir: true },
    }), none);
    expect(d.init).toBe('openrc');
    expect(d.evidence.map((e) => e.says)).toContain("runs /sbin/openrc (Debian's openrc package)");
  });

  it('Alpine: busybox init with ::sysinit:/sbin/openrc sysinit', () => {
    const d = detectInit(host({ 'sbin/init': { link: '/bin/busybox' }, 'etc/inittab': '::sysinit:/sbin/openrc sysinit\n::wait:/sbin/openrc default\n' }), none);
    expect(d.init).toBe('openrc');
  });

  it('openrc-init as /sbin/init', () => {
    expect(detectInit(host({ 'sbin/init': { link: 'openrc-init' } }), none).init).toBe('openrc');
  });

  it('an image without /sbin/init: /etc/runlevels with /sbin/openrc, else inittab, else default.target', () => {
    expect(detectInit(host({ 'etc/runlevels/boot': { dir: true }, 'sbin/openrc': '' }), none).init).toBe('openrc');
    expect(detectInit(host({ 'etc/inittab': 'id:3:initdefault:\n' }), none).init).toBe('sysv');
    expect(detectInit(host({ 'lib/systemd/system/default.target': '[Unit]\n' }), none).init).toBe('systemd');
  });

  it('nothing decisive: guessed from the formats found, and said so', () => {
    const root = host({ 'etc/init.d/x': '#!/sbin/openrc-run\n' });
    expect(detectInit(root, { sysv: 2, openrc: 1, systemd: 3 })).toMatchObject({ init: 'openrc', how: 'guessed' });
    expect(detectInit(root, { sysv: 2, openrc: 0, systemd: 3 })).toMatchObject({ init: 'sysv', how: 'guessed' });
    expect(detectInit(root, { sysv: 0, openrc: 0, systemd: 3 })).toMatchObject({ init: 'systemd', how: 'guessed' });
  });

  it('--init overrides whatever the files say', () => {
    const d = detectInit(host({ 'sbin/init': { link: '/lib/systemd/systemd' } }), none, 'sysv');
    expect(d).toEqual({ init: 'sysv', how: 'override', evidence: [{ file: '--init', says: 'sysv as given on the command line' }] });
  });

  it('malformed input: a dangling /sbin/init link, an inittab that is a directory, a binary inittab', () => {
    expect(detectInit(host({ 'sbin/init': { link: '/nowhere/systemd' } }), none).init).toBe('systemd');
    expect(detectInit(host({ 'etc/inittab': { dir: true } }), { sysv: 1, openrc: 0, systemd: 0 })).toMatchObject({ init: 'sysv', how: 'guessed' });
    expect(detectInit(host({ 'etc/inittab': '\0\0\0binary' }), { sysv: 0, openrc: 0, systemd: 1 })).toMatchObject({ init: 'systemd', how: 'guessed' });
  });
});
