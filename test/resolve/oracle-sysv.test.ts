/**
 * sysvinit oracle (issue 11): what sysv-rc starts is the executable scripts its /etc/rcS.d and
 * /etc/rc2.d S links name (Debian's /etc/init.d/rc runs each `S*` link whose script is executable);
 * the conversion's compiled `default` (s6-rc-db on the real database, both stacks) must start that set,
 * nothing more, or say why. Layouts: every init script of the corpus linked as insserv would from its
 * Default-Start, and the same host as an admin leaves it (some disabled with update-rc.d's K links,
 * one not executable, backup copies, a script without an LSB header).
 */
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertHost } from '../../src/pipeline.js';
import { CORPUS, CORPUS_PACKAGES, CORPUS_SKIP } from '../support/corpus.js';
import { compare, compiledDefault, report } from '../support/oracle.js';
import { STACKS } from '../support/stacks.js';

/**
 * The corpus's sysvinit scripts, by name. The openrc package is the OpenRC oracle's: its /etc/init.d/rc
 * is OpenRC's own runlevel driver, which makes a host an OpenRC one.
 */
function corpusScripts(): Map<string, string> {
  const out = new Map<string, string>();
  for (const pkg of CORPUS_PACKAGES.filter((p) => p !== 'openrc')) {
    const dir = join(CORPUS, pkg, 'etc/init.d');
    if (!existsSync(dir)) continue;
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (!statSync(p).isFile() || out.has(n)) continue;
      if (/^#!.*openrc-run/.test(readFileSync(p, 'latin1').split('\n', 1)[0]!)) continue;
      out.set(n, p);
    }
  }
  return out;
}

/** Default-Start of an LSB header, read the simple way insserv's users see it. */
function defaultStart(text: string): string[] {
  const m = /^#\s*Default-Start:[ \t]*(.*)$/m.exec(text);
  return m ? m[1]!.trim().split(/\s+/).filter((l) => /^[sS1-5]$/.test(l)).map((l) => l.toUpperCase()) : [];
}

/** What sysv-rc runs for boot to runlevel 2: rcS.d then rc2.d, each `S*` link to an executable script. */
function sysvRcStarts(root: string): string[] {
  const out = new Set<string>();
  for (const level of ['S', '2']) {
    const dir = join(root, `etc/rc${level}.d`);
    if (!existsSync(dir)) continue;
    for (const link of readdirSync(dir).filter((n) => n.startsWith('S'))) {
      const script = resolve(dir, readlinkTarget(join(dir, link)));
      try {
        if (statSync(script).isFile() && (statSync(script).mode & 0o111) !== 0) out.add(basename(script));
      } catch {
        /* dangling: rc skips it */
      }
    }
  }
  return [...out].sort();
}

function readlinkTarget(p: string): string {
  return lstatSync(p).isSymbolicLink() ? readlinkSync(p) : p;
}

function buildHost(work: string, variant: 'insserv' | 'admin'): string {
  const root = join(work, variant);
  mkdirSync(join(root, 'etc/init.d'), { recursive: true });
  writeFileSync(join(root, 'etc/inittab'), 'id:2:initdefault:\nsi::sysinit:/etc/init.d/rcS\nl2:2:wait:/etc/init.d/rc 2\n');
  // Debian's insserv.conf facilities, as bookworm ships them.
  writeFileSync(join(root, 'etc/insserv.conf'), '$local_fs +mountall +mountall-bootclean +mountoverflowtmp +umountfs\n$network +networking +ifupdown\n$named +named +dnsmasq +lwresd +bind9 +unbound +pdns-recursor $network\n$remote_fs $local_fs +mountnfs +mountnfs-bootclean +umountnfs +sendsigs\n$syslog +rsyslog +sysklogd +syslog-ng +dsyslog +inetutils-syslogd\n$portmap portmap\n$time +hwclock\n<interactive> glibc udev console-screen keymap keyboard-setup console-setup cryptdisks cryptdisks-early checkfs-loop\n');
  for (const l of ['S', '0', '1', '2', '3', '4', '5', '6']) mkdirSync(join(root, `etc/rc${l}.d`));
  let i = 0;
  for (const [name, path] of corpusScripts()) {
    const dest = join(root, 'etc/init.d', name);
    copyFileSync(path, dest);
    chmodSync(dest, 0o755);
    const levels = defaultStart(readFileSync(path, 'latin1'));
    // The admin's host: every third linked script disabled (update-rc.d disable turns S links into K).
    const disabled = variant === 'admin' && levels.length > 0 && i++ % 3 === 1;
    for (const l of levels) symlinkSync(`../init.d/${name}`, join(root, `etc/rc${l}.d`, `${disabled ? 'K' : 'S'}02${name}`));
  }
  if (variant === 'admin') {
    // Not executable: linked, but rc skips it.
    chmodSync(join(root, 'etc/init.d/cron'), 0o644);
    // Backup copies are never services, and nothing links them.
    copyFileSync(join(root, 'etc/init.d/cron'), join(root, 'etc/init.d/cron.dpkg-old'));
    copyFileSync(join(root, 'etc/init.d/anacron'), join(root, 'etc/init.d/anacron~'));
    // A local script without an LSB header, ordered only by its S number.
    writeFileSync(join(root, 'etc/init.d/legacy-local'), '#!/bin/sh\ncase "$1" in start) : ;; stop) : ;; esac\n', { mode: 0o755 });
    symlinkSync('../init.d/legacy-local', join(root, 'etc/rc2.d/S99legacy-local'));
  }
  return root;
}

describe.skipIf(CORPUS_SKIP !== '')(`sysvinit oracle: rc links vs the compiled default${CORPUS_SKIP}`, () => {
  const work = mkdtempSync(join(tmpdir(), 's6m-oracle-sysv-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  for (const variant of ['insserv', 'admin'] as const) {
    it(`corpus linked ${variant === 'insserv' ? 'as insserv would from Default-Start' : 'as an admin left it (disabled, not executable, backups, no header)'}`, () => {
      const root = buildHost(work, variant);
      const out = join(work, `${variant}-source`);
      const r = convertHost({ paths: [], root, out, force: false });
      expect(r.write.ok, JSON.stringify(r.diagnostics.filter((d) => d.severity === 'error'))).toBe(true);
      expect(r.host.init?.init).toBe('sysv');
      const original = sysvRcStarts(root);
      expect(original.length).toBeGreaterThan(20);
      for (const stack of STACKS) {
        const c = compare(original, compiledDefault(stack, out), r.diagnostics);
        console.log(report(`sysvinit, corpus (${variant}), s6-rc ${stack.version}`, c));
        expect([...c.onlyOriginal, ...c.onlyOurs].filter((d) => !d.why).map((d) => d.name)).toEqual([]);
      }
      if (variant === 'admin') {
        expect(original).not.toContain('cron');
        expect(r.services.map((s) => s.name)).not.toContain('cron.dpkg-old');
        expect(original).toContain('legacy-local');
      }
    });
  }
});
