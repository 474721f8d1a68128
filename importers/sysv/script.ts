/**
 * One `/etc/init.d` file to one `Service` (or a diagnostic saying why not): header, variables, defaults
 * file, daemon calls, rc links. Never runs the script.
 */
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { isBackupName } from '../../src/model/backup-names.js';
import { diag, type Diagnostic } from '../../src/model/diagnostic.js';
import { runlevelBundle, SYSV_START_LEVELS } from '../../src/model/naming.js';
import type { EnvFile, Service, SysvEvidence } from '../../src/model/service.js';
import { emptyRunFacts } from '../../src/model/service.js';
import { onSystem } from '../../src/util/host-path.js';
import { readSourceFile } from '../../src/util/source-file.js';
import { findCompanion, RC_LEVELS, type RcLinkIndex } from './companions.js';
import { collectDaemonFacts } from './daemon-facts.js';
import { parseLsbHeader } from './lsb-header.js';
import { interpretLsb, type LsbMeaning } from './lsb-fields.js';
import { findStartWork, startFunctionExports } from './start-work.js';
import { liveArgsFor, namesRead, type DefaultsSourcing } from './live-args.js';
import { evalAssignments, ShellEnv } from './shell-vars.js';
import type { ArgWord } from './start-stop-daemon.js';

/** Files that live in /etc/init.d but are not services (sysv-rc, initscripts and dpkg conventions). */
const NOT_SERVICES: { test: (name: string) => boolean; why: string }[] = [
  // sysvinit's README and the Debian template script.
  { test: (n) => n === 'README' || n === 'skeleton', why: 'documentation or template, not a service' },
  // sysv-rc's runlevel drivers /etc/init.d/rc and rcS run the other scripts.
  { test: (n) => n === 'rc' || n === 'rcS', why: "sysv-rc's runlevel driver, not a service" },
  // insserv/startpar dependency caches (.depend.boot, .depend.start, .depend.stop), .legacy-bootordering.
  { test: (n) => n.startsWith('.'), why: 'hidden file (insserv cache or similar), not a service' },
  // Package manager and editor leftovers, as systemd-sysv-generator skips them (hidden_or_backup_file()).
  { test: isBackupName, why: 'package manager or editor backup, not a service' },
];

// Interpreters whose scripts this importer can read as shell (init-d-script scripts are shell too).
const SHELL_RE = /\b(sh|bash|dash|ksh|mksh|zsh|busybox|init-d-script)\b/;

export function importScript(file: string, root: string, rc: RcLinkIndex): { service?: Service; diagnostics: Diagnostic[] } {
  const name = basename(file);
  const diagnostics: Diagnostic[] = [];
  const skip = NOT_SERVICES.find((s) => s.test(name));
  if (skip) return { diagnostics: [diag('note', 'sysv-not-a-service', file, undefined, `skipped: ${skip.why}`)] };
  const read = readSourceFile(file, { latin1Fallback: true });
  if (!read.ok) return { diagnostics: [read.diagnostic] };
  if (read.warning) diagnostics.push(read.warning);
  // Most scripts have no CR at all: a native search first spares a regex pass over every script.
  const text = read.text.includes('\r') ? read.text.replace(/\r\n/g, '\n') : read.text;
  const nl = text.indexOf('\n');
  const firstLine = nl === -1 ? text : text.slice(0, nl);
  const shebang = firstLine.startsWith('#!') ? firstLine.slice(2).trim() : undefined;
  if (shebang?.includes('openrc-run')) {
    return { diagnostics: [diag('note', 'sysv-openrc-script', file, 1, 'an OpenRC openrc-run script, not a sysvinit script; left to the OpenRC importer')] };
  }
  const { header, diagnostics: hd } = parseLsbHeader(text, file);
  diagnostics.push(...hd);
  if (shebang === undefined && !header) {
    return { diagnostics: [diag('note', 'sysv-not-a-script', file, 1, 'no "#!" line and no LSB header: not an init script; skipped')] };
  }
  const isShell = shebang === undefined || SHELL_RE.test(shebang);

  const systemPath = onSystem(root, file);
  const run = emptyRunFacts();
  const service: Service = {
    name, format: 'sysv', provides: [], deps: [], startIn: [], run, sources: [], findings: [],
    wrapper: { kind: 'oneshot', up: [[systemPath, 'start']], down: [[systemPath, 'stop']] },
  };
  const evidence: SysvEvidence = { format: 'sysv', file, systemPath, hasLsbHeader: header !== undefined, interactive: false, ssdStarts: [] };

  let meaning: LsbMeaning | undefined;
  if (header) {
    const r = interpretLsb(header, file, name);
    meaning = r.meaning;
    diagnostics.push(...r.diagnostics);
    service.provides = meaning.provides;
    service.deps = meaning.deps;
    if (meaning.description !== undefined) service.description = meaning.description;
    evidence.interactive = meaning.interactive;
    service.findings.push(...meaning.findings);
  } else {
    diagnostics.push(diag('warning', 'lsb-no-header', file, 1, 'no LSB header (### BEGIN INIT INFO): no dependencies known; runlevels only from /etc/rc?.d links'));
  }

  if (isShell) {
    readShell(text, file, root, name, systemPath, shebang, service, evidence, diagnostics);
    keepRunExecutable(text, file, service, diagnostics);
  } else diagnostics.push(diag('note', 'sysv-not-shell', file, 1, `interpreter "${shebang}" is not a shell; variables and daemon calls not read`));

  const start = startLevels(file, name, meaning, rc, evidence, diagnostics);
  service.startIn = start.levels.filter(isStartLevel).map(runlevelBundle);
  service.enabled = { value: service.startIn.length > 0, why: start.why };
  if (!isExecutable(file)) {
    // Debian's /etc/init.d/rc and systemd-sysv-generator both skip a script that is not executable; the
    // user hears of it when that undoes its links.
    if (service.startIn.length > 0) {
      diagnostics.push(diag('warning', 'sysv-not-executable', file, undefined, `not executable: the host never starts it, whatever its links (${start.why}); converted but in no runlevel bundle`, name));
    }
    service.startIn = [];
    service.enabled = { value: false, why: 'not executable: the rc scripts skip it' };
  }
  service.sources = [evidence];
  return { service, diagnostics };
}

/**
 * Debian's initscripts mount /run `noexec` (mount_run in /lib/init/mount-functions.sh, whenever /run/shm is
 * mounted apart, as on every bookworm host). s6-rc runs every longrun from its live directory, /run/s6-rc:
 * after that script, s6-supervise could no longer start any (seen on a booted Debian sysvinit host). The
 * wrapper remounts /run `exec` right after the script, as s6-linux-init mounts it; said to the user.
 */
const MOUNTS_RUN_RE = /^[ \t]*mount_run\b/m;
export const REMOUNT_RUN_EXEC = ['/bin/mount', '-o', 'remount,exec', '/run'];

function keepRunExecutable(text: string, file: string, service: Service, diagnostics: Diagnostic[]): void {
  const match = MOUNTS_RUN_RE.exec(text);
  if (!match || service.wrapper?.kind !== 'oneshot') return;
  service.wrapper.up.push(REMOUNT_RUN_EXEC);
  const line = text.slice(0, match.index).split('\n').length;
  diagnostics.push(diag('note', 'sysv-run-noexec', file, line,
    `${service.name}: mounts /run noexec, where s6-rc runs its services (/run/s6-rc): the wrapper remounts /run exec after it`, service.name));
}

function readShell(
  text: string, file: string, root: string, name: string, systemPath: string, shebang: string | undefined,
  service: Service, evidence: SysvEvidence, diagnostics: Diagnostic[],
): void {
  const env = new ShellEnv({ '0': systemPath });
  const applied: string[] = [];
  let sourcing: DefaultsSourcing | undefined;
  const envFiles: EnvFile[] = [];
  const applyDefaults = (sysPath: string, line: number | undefined) => {
    if (!envFiles.some((e) => e.path === sysPath)) {
      // The script's shell exports what the file sets only with `set -a` on (etcd's script).
      const exportAll = env.allexport;
      envFiles.push({ path: sysPath, optional: true, syntax: 'shell', ...(exportAll ? { exportAll } : {}), origin: line !== undefined ? { file, line } : { file } });
    }
    const disk = findCompanion(root, file, sysPath);
    if (!disk) return;
    const r = readSourceFile(disk);
    if (!r.ok) { diagnostics.push(r.diagnostic); return; }
    env.noteDynamicNames(r.text);
    const before = sourcing ? undefined : new Map(env.vars);
    for (const p of evalAssignments(r.text, disk, env)) diagnostics.push(diag('warning', 'shell-syntax', disk, p.line, p.message));
    if (before) {
      const assigned = new Set<string>();
      env.vars.forEach((v, k) => { if (v.origin.file === disk) assigned.add(k); });
      sourcing = { file: sysPath, disk, before, assigned, reads: namesRead(r.text) };
    }
    if (!applied.includes(disk)) applied.push(disk);
  };
  env.noteDynamicNames(text);
  const problems = evalAssignments(text, file, env, {
    onSource: (src) => {
      if (src.unresolved) {
        if (/default/.test(src.path)) {
          diagnostics.push(diag('note', 'sysv-source-unresolved', file, src.line, `sources "${src.path}", a path not known statically; not applied`));
        }
        return;
      }
      if (src.path.startsWith('/etc/default/')) applyDefaults(src.path, src.line);
    },
  });
  for (const p of problems) diagnostics.push(diag('warning', 'shell-syntax', file, p.line, p.message));
  // Debian scripts source /etc/default/NAME; when the script does it in a way not seen above, apply it last.
  if (envFiles.length === 0) {
    const sys = `/etc/default/${name}`;
    if (findCompanion(root, file, sys)) applyDefaults(sys, undefined);
  }
  service.run.envFiles = envFiles;
  if (applied[0] !== undefined) evidence.defaultsFile = applied[0];
  env.vars.forEach((v, k) => {
    // Exported variables reach the daemon's environment; plain ones stay inside the script.
    if (v.exported && !v.unresolved && v.origin.file === file) service.run.env[k] = { value: v.value, origin: v.origin };
    // Known only when the script runs (`$(hostname)`): not carried, and said (the upgrade is then not sure).
    if (v.exported && v.unresolved && v.origin.file === file) {
      service.findings.push({ code: 'sysv-unresolved-env', message: `${k} is exported with a value known only when the script runs; not carried into the daemon's environment`, origin: v.origin });
    }
  });
  const live = sourcing && ((words: ArgWord[]) => liveArgsFor(words, sourcing!, env));
  const facts = collectDaemonFacts(text, file, env, service.run, shebang?.includes('init-d-script') ?? false, live);
  evidence.ssdStarts = facts.ssdStarts;
  service.findings.push(...facts.findings);
  const daemons = facts.ssdStarts.flatMap((c) => [c.exec, c.startas]).filter((p): p is string => p !== undefined);
  const work = findStartWork(text, file, env, daemons);
  const exports = startFunctionExports(text, file);
  for (const e of exports.known) service.run.env[e.name] = { value: e.value, origin: e.origin };
  for (const e of exports.unknown) {
    service.findings.push({ code: 'sysv-unresolved-env', message: `${e.name} is exported with a value known only when the script runs; not carried into the daemon's environment`, origin: e.origin });
  }
  if (work.length > 0) evidence.startWork = work;
}

const isStartLevel = (l: string) => (SYSV_START_LEVELS as readonly string[]).includes(l);

function isExecutable(file: string): boolean {
  try {
    return (statSync(file).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * The host's rc links decide (they are what sysv-rc runs); Default-Start only when the host has no
 * /etc/rc?.d at all (a directory of scripts never installed: read as insserv would link them).
 */
function startLevels(file: string, name: string, meaning: LsbMeaning | undefined, rc: RcLinkIndex, evidence: SysvEvidence, diagnostics: Diagnostic[]): { levels: string[]; why: string } {
  const links = rc.linksFor(file, name);
  const declared = meaning?.defaultStart?.levels ?? [];
  if (links.length === 0) {
    if (rc.hasRcDirs(file)) return { levels: [], why: 'no S link in /etc/rc?.d' };
    if (declared.length === 0) return { levels: [], why: 'no /etc/rc?.d on this host and no Default-Start' };
    diagnostics.push(diag('note', 'sysv-no-rc-dirs', file, meaning?.defaultStart?.origin.line,
      `no /etc/rc?.d on this host: started in the runlevels of Default-Start [${declared.join(' ')}], as insserv would link it`, name));
    return { levels: declared, why: `Default-Start ${declared.join(' ')} (no /etc/rc?.d on this host)` };
  }
  const order = (ls: string[]) => RC_LEVELS.filter((l) => ls.includes(l));
  const startLinks = links.filter((l) => l.kind === 'S');
  const start = order(startLinks.map((l) => l.level));
  const stop = order(links.filter((l) => l.kind === 'K').map((l) => l.level));
  evidence.rcLinks = { start, stop };
  // The runlevel's own S number; rcS.d's only for a script started in rcS.d alone (rcS.d runs first).
  const ranked = startLinks.some((l) => l.level !== 'S') ? startLinks.filter((l) => l.level !== 'S') : startLinks;
  if (ranked.length > 0) evidence.startPriority = Math.max(...ranked.map((l) => l.priority));
  const a = order(declared).filter(isStartLevel).join(' ');
  const b = start.filter(isStartLevel).join(' ');
  if (meaning?.defaultStart && a !== b) {
    diagnostics.push(diag('note', 'sysv-rc-links-override', file, meaning.defaultStart.origin.line,
      `/etc/rc?.d links start it in runlevels [${b}], Default-Start says [${a}]; the links are used`));
  }
  const why = startLinks.length > 0
    ? `S links: ${startLinks.map((l) => `rc${l.level}.d/${basename(l.path)}`).join(', ')}`
    : 'only K links in /etc/rc?.d';
  return { levels: start, why };
}

