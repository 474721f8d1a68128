/**
 * Which init system the host runs. It decides which definitions are the truth when a service has
 * several (a Debian host running sysvinit never reads its units; one running systemd ignores the scripts
 * its units shadow) and which enablement starts what. Read from files under the root, never by running
 * anything; `--init` overrides.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { onDisk } from './util/host-path.js';
import { readSourceFile } from './util/source-file.js';
import { isDirectory, pathExists } from './util/fs-probe.js';

export const INIT_SYSTEMS = ['sysv', 'openrc', 'systemd'] as const;
export type InitSystem = (typeof INIT_SYSTEMS)[number];

export interface InitDetection {
  init: InitSystem;
  /** `detected` from host files, `override` from `--init`, `guessed` from the formats found alone. */
  how: 'detected' | 'override' | 'guessed';
  /** The facts read, in the order they were weighed (a path on disk and what it says). */
  evidence: { file: string; says: string }[];
}

/** What `/sbin/init` is: the program a symlink leads to, or `file` for a real binary. */
function initProgram(path: string): string | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isSymbolicLink()) return st.isFile() ? 'file' : undefined;
    return basename(readlinkSync(path));
  } catch {
    return undefined;
  }
}

/** inittab(5) lines that hand the runlevels to OpenRC (Alpine: `::sysinit:/sbin/openrc sysinit`). */
function inittabRunsOpenrc(text: string): boolean {
  return text.split('\n').some((l) => !l.trimStart().startsWith('#') && /(^|[\s:/])openrc(\s|$)/.test(l));
}

/** Debian's openrc package replaces /etc/init.d/rc (called by inittab) with a wrapper that runs openrc. */
function rcScriptRunsOpenrc(path: string): boolean {
  const r = readSourceFile(path);
  return r.ok && /\/sbin\/openrc\b/.test(r.text);
}

const UNIT_DIRS = ['/etc/systemd/system', '/run/systemd/system', '/lib/systemd/system', '/usr/lib/systemd/system'];

/**
 * Reads, in this order (first decisive fact wins): `/run/systemd/system` (sd_booted(3): present only while
 * systemd runs), the `/sbin/init` symlink (systemd, openrc-init), `/etc/inittab` (sysvinit or busybox
 * init; it runs OpenRC when it calls `openrc` or Debian's OpenRC `/etc/init.d/rc`), `/etc/runlevels` with
 * `/sbin/openrc`, then `default.target` in a unit directory. Nothing decisive: the format of the scripts
 * and units found, OpenRC scripts first, then init scripts, then units.
 */
export function detectInit(root: string, found: { sysv: number; openrc: number; systemd: number }, override?: InitSystem): InitDetection {
  const evidence: InitDetection['evidence'] = [];
  const say = (system: string, says: string) => evidence.push({ file: onDisk(root, system), says });
  if (override) {
    return { init: override, how: 'override', evidence: [{ file: '--init', says: `${override} as given on the command line` }] };
  }
  const done = (init: InitSystem): InitDetection => ({ init, how: 'detected', evidence });

  if (isDirectory(onDisk(root, '/run/systemd/system'))) {
    say('/run/systemd/system', 'exists: systemd is running (sd_booted(3))');
    return done('systemd');
  }
  const prog = initProgram(onDisk(root, '/sbin/init'));
  if (prog !== undefined && prog !== 'file') say('/sbin/init', `is a symlink to ${prog}`);
  if (prog === 'systemd') return done('systemd');
  if (prog === 'openrc-init') return done('openrc');

  const inittab = onDisk(root, '/etc/inittab');
  const tab = pathExists(inittab) ? readSourceFile(inittab) : undefined;
  if (tab?.ok) {
    if (inittabRunsOpenrc(tab.text)) {
      say('/etc/inittab', 'runs openrc');
      return done('openrc');
    }
    if (pathExists(onDisk(root, '/etc/init.d/rc')) && rcScriptRunsOpenrc(onDisk(root, '/etc/init.d/rc'))) {
      say('/etc/inittab', 'runs /etc/init.d/rc');
      say('/etc/init.d/rc', 'runs /sbin/openrc (Debian\'s openrc package)');
      return done('openrc');
    }
    // A /sbin/init that is a real file (sysvinit-core, busybox) or a link to something else reads inittab.
    if (prog !== undefined) {
      say('/etc/inittab', 'exists and /sbin/init is not systemd: sysvinit reads it');
      return done('sysv');
    }
  }
  if (isDirectory(onDisk(root, '/etc/runlevels')) && pathExists(onDisk(root, '/sbin/openrc'))) {
    say('/etc/runlevels', 'exists, with /sbin/openrc');
    return done('openrc');
  }
  if (tab?.ok) {
    say('/etc/inittab', 'exists (no /sbin/init to confirm): sysvinit reads it');
    return done('sysv');
  }
  const target = UNIT_DIRS.map((d) => `${d}/default.target`).find((p) => pathExists(onDisk(root, p)));
  if (target !== undefined) {
    say(target, 'exists, and there is no /etc/inittab');
    return done('systemd');
  }
  const init: InitSystem = found.openrc > 0 ? 'openrc' : found.sysv > 0 ? 'sysv' : 'systemd';
  if (isDirectory(onDisk(root, '/etc/runlevels'))) say('/etc/runlevels', 'exists, without /sbin/openrc');
  evidence.push({ file: onDisk(root, '/'), says: `no init program, inittab or default.target found: ${init}, from the ${init === 'openrc' ? 'OpenRC scripts' : init === 'sysv' ? 'init scripts' : 'units'} found` });
  return { init, how: 'guessed', evidence };
}

/** One line for people: `sysv (detected: /etc/inittab exists ...)`. */
export function describeInit(d: InitDetection): string {
  return `${d.init} (${d.how}: ${d.evidence.map((e) => (e.file === '--init' ? e.says : `${e.file} ${e.says}`)).join('; ')})`;
}
