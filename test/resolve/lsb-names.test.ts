/**
 * LSB names are `Provides:` names (LSB 3.1, 20.6). On a booted Debian sysvinit host, initscripts ships
 * masked units (checkroot.service -> /dev/null) beside the scripts; when those unit names won, every rcS
 * script lost its order and the bootclean scripts wiped /run (and s6-rc's live state) before
 * mountkernfs.sh had marked it (test/host/boot.test.ts saw it). Also: a script that mounts /run noexec.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { scanHost } from '../../src/pipeline.js';
import { REMOUNT_RUN_EXEC } from '../../importers/sysv/script.js';

let roots: string[] = [];
afterEach(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
  roots = [];
});

const script = (provides: string, requires = '', body = 'true') =>
  `#!/bin/sh\n### BEGIN INIT INFO\n# Provides: ${provides}\n# Required-Start: ${requires}\n# Required-Stop:\n# Default-Start: S\n# Default-Stop:\n### END INIT INFO\n${body}\n`;

function sysvHost(scripts: Record<string, string>, files: Record<string, string> = {}, masked: string[] = []): string {
  const root = mkdtempSync(join(tmpdir(), 's6m-lsb-names-'));
  roots.push(root);
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  mkdirSync(join(root, 'etc/rcS.d'), { recursive: true });
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  let n = 1;
  for (const [name, text] of Object.entries(scripts)) {
    writeFileSync(join(root, 'etc/init.d', name), text);
    chmodSync(join(root, 'etc/init.d', name), 0o755);
    symlinkSync(`../init.d/${name}`, join(root, 'etc/rcS.d', `S0${n++}${name}`));
  }
  for (const unit of masked) symlinkSync('/dev/null', join(root, 'etc/systemd/system', unit));
  for (const [p, text] of Object.entries({ 'etc/inittab': 'id:2:initdefault:\nsi::sysinit:/etc/init.d/rcS\n', ...files })) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

/** Every service a service's dependencies reach, through bundles (the tree s6-rc would compile). */
function reaches(r: ReturnType<typeof scanHost>, from: string): Set<string> {
  const defs = r.tree.definitions;
  const out = new Set<string>();
  const walk = (name: string) => {
    const d = defs.get(name);
    if (!d) return;
    for (const next of [...(d.dependencies ?? []), ...(d.contents ?? [])]) {
      if (out.has(next)) continue;
      out.add(next);
      walk(next);
    }
  };
  walk(from);
  return out;
}

describe('LSB names on a sysvinit host with masked units of the same names', () => {
  it('a Required-Start name finds the script providing it, not the masked unit', () => {
    const r = scanHost({ paths: [], root: sysvHost(
      { 'checkroot.sh': script('checkroot'), 'checkroot-bootclean.sh': script('checkroot-bootclean', 'checkroot') },
      {}, ['checkroot.service', 'checkroot-bootclean.service'],
    ) });
    expect(reaches(r, 'checkroot-bootclean.sh').has('checkroot.sh')).toBe(true);
  });

  it('an insserv.conf facility member finds the script providing it, not the masked unit', () => {
    const r = scanHost({ paths: [], root: sysvHost(
      { 'mountall.sh': script('mountall'), 'mountnfs.sh': script('mountnfs', '$local_fs') },
      { 'etc/insserv.conf': '$local_fs +mountall +umountfs\n' }, ['mountall.service'],
    ) });
    expect(reaches(r, 'mountnfs.sh').has('mountall.sh')).toBe(true);
  });

  it('without the masked unit the same names resolve the same way', () => {
    const r = scanHost({ paths: [], root: sysvHost({ 'checkroot.sh': script('checkroot'), 'cleaner': script('cleaner', 'checkroot') }) });
    expect(reaches(r, 'cleaner').has('checkroot.sh')).toBe(true);
  });
});

describe('a script that mounts /run noexec (Debian initscripts: mount_run)', () => {
  const body = '. /lib/init/mount-functions.sh\ncase "$1" in\n  start)\n\tmount_run "$MNTMODE"\n\t;;\nesac';
  it('its wrapper remounts /run exec after it, and says so at the line', () => {
    const r = scanHost({ paths: [], root: sysvHost({ 'mountkernfs.sh': script('mountkernfs', '', body), 'other': script('other') }) });
    const up = (name: string) => r.services.find((s) => s.name === name)?.wrapper;
    expect(up('mountkernfs.sh')).toMatchObject({ kind: 'oneshot', up: [['/etc/init.d/mountkernfs.sh', 'start'], REMOUNT_RUN_EXEC] });
    expect(up('other')).toMatchObject({ kind: 'oneshot', up: [['/etc/init.d/other', 'start']] });
    const note = r.diagnostics.find((d) => d.code === 'sysv-run-noexec');
    expect(note?.file).toMatch(/mountkernfs\.sh$/);
    expect(note?.line).toBe(12);
  });
});
