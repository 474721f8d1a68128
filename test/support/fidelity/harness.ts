/**
 * The differential execution harness (docs/fidelity.md): for each upgradable service of a corpus
 * package, the host's start path and the generated run script are both executed with the daemon
 * replaced by the recorder, in the same throwaway root, and their process states compared.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importOpenrc } from '../../../importers/openrc/index.js';
import { importSystemd } from '../../../importers/systemd/index.js';
import { importSysv } from '../../../importers/sysv/index.js';
import type { InitSystem } from '../../../src/host-init.js';
import type { Service } from '../../../src/model/service.js';
import { planConversion } from '../../../src/passes/index.js';
import { emptyState } from '../../../src/state/state.js';
import { applyEntry, daemonEntry, dropSystemdOnly } from '../../../src/upgrade/daemon-table.js';
import { firstConversionKind, upgrade, type Workspace } from '../../../src/upgrade/upgrade.js';
import { firstDifference, normalize, OPENRC_ENV_IGNORED } from './compare.js';
import { OPENRC_STATE_DIRS, OPENRC_SVCDIR } from '../../../src/passes/openrc-state.js';
import { openrcLayer, openrcUnpacked, runSandbox, unpackPackage, type RecordState, type SandboxRun } from './sandbox.js';
import { readAccounts, unitStartScript } from './systemd-judge.js';

export type Outcome = 'equal' | 'different' | 'not-comparable';

export interface CaseResult {
  pkg: string;
  service: string;
  judge: 'lsb' | 'systemd' | 'openrc';
  stack: string;
  confidence: string;
  evidence: string;
  outcome: Outcome;
  detail: string;
}

export interface Stack {
  version: string;
  /** Directory of s6-supervise and execlineb; the run script's interpreter is this execlineb. */
  bin: string;
}

/** The environment both sides start from: what init hands to the service manager. */
export const BASE_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const SHELLS = new Set(['/bin/sh', '/bin/bash', '/bin/dash', '/usr/bin/sh', '/usr/bin/bash', '/usr/bin/env']);
const ACCOUNT_WORD = /^[A-Za-z_][A-Za-z0-9_-]*[$]?$/;

function files(dir: string, keep: (n: string) => boolean = () => true): string[] {
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => !e.isDirectory() && keep(e.name)).map((e) => join(dir, e.name)).sort() : [];
}

function isOpenrc(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').startsWith('#!/sbin/openrc-run');
  } catch {
    return false;
  }
}

/**
 * System accounts the start paths may name. Packages create theirs in postinst, which is not run:
 * every account word the sources mention gets a system user and group of that name, each user also a
 * member of `s6m-extra` so that a missing initgroups() shows as a difference in supplementary groups.
 */
export function accountsFor(services: Service[], texts: string[]): { passwd: string[]; group: string[] } {
  const names = new Set<string>();
  const add = (v: string | undefined): void => {
    for (const part of (v ?? '').split(/[:.]/)) if (ACCOUNT_WORD.test(part) && part !== 'root') names.add(part);
  };
  for (const s of services) {
    add(s.run.user?.name);
    add(s.run.group?.name);
    for (const ev of s.sources) {
      if (ev.format === 'sysv') for (const c of ev.ssdStarts) (add(c.chuid), add(c.group));
      if (ev.format === 'openrc') (add(ev.vars['command_user']?.value), add(ev.vars['command_group']?.value));
      if (ev.format === 'systemd') {
        for (const k of ['User', 'Group', 'SupplementaryGroups']) for (const v of ev.directives['Service']?.[k]?.values ?? []) v.split(/\s+/).forEach(add);
      }
    }
  }
  for (const t of texts) {
    for (const m of t.matchAll(/(?:--chuid|-c|--user|-u|--group|-g|--owner|-o)[ =]?["']?([A-Za-z_][A-Za-z0-9_-]*(?::[A-Za-z_][A-Za-z0-9_-]*)?)/g)) add(m[1]);
    for (const m of t.matchAll(/\bch(?:own|grp)\s+(?:-[A-Za-z]+\s+)*["']?([A-Za-z_][A-Za-z0-9_-]*(?::[A-Za-z_][A-Za-z0-9_-]*)?)/g)) add(m[1]);
    for (const m of t.matchAll(/^\s*(?:export\s+)?[A-Z_]*(?:USER|GROUP|UID|GID)=["']?([a-z_][a-z0-9_-]*)["']?\s*$/gm)) add(m[1]);
    for (const m of t.matchAll(/^\s*(?:User|Group|SupplementaryGroups)=(.+)$/gm)) m[1]!.split(/\s+/).forEach(add);
  }
  // Accounts this machine already has keep their ids.
  const existing = new Set(readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')[0]));
  const existingGroups = new Set(readFileSync('/etc/group', 'utf8').split('\n').map((l) => l.split(':')[0]));
  const sorted = [...names].sort();
  const passwd: string[] = [];
  const group: string[] = [];
  sorted.forEach((n, i) => {
    const id = 900 + i;
    if (!existingGroups.has(n)) group.push(`${n}:x:${id}:`);
    if (!existing.has(n)) passwd.push(`${n}:x:${id}:${existingGroups.has(n) ? gidOf(n) : id}::/nonexistent:/usr/sbin/nologin`);
  });
  group.push(`s6m-extra:x:4999:${sorted.join(',')}`);
  return { passwd, group };
}

function gidOf(name: string): string {
  return readFileSync('/etc/group', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`))?.split(':')[2] ?? '65534';
}

export interface PackageInput {
  pkg: string;
  /** The corpus directory of the package (its init scripts, defaults, units). */
  root: string;
  /** Its .deb, unpacked as the installed layer; without one, `root` itself is the layer (fixtures). */
  deb?: string;
  /** More paths where the recorder stands (a fixture's daemon). */
  programs?: string[];
}

export interface Upgraded {
  service: Service;
  /** The proposal's foreground argv. */
  argv: string[];
  /** Directories the run script makes in place of a socket unit whose option it dropped (dbus's /run/dbus). */
  socketDirs: string[];
  runScript: string;
  /** The servicedir's other files as s6-rc-compile copies them (env/, notification-fd, ...). */
  files: Record<string, { content: string; mode?: number }>;
  confidence: string;
  evidence: string;
}

/** Converts the package and upgrades every oneshot it can (`--yes`: every confidence). */
/** `init`: the host's init system the package is read for (which definition the merge keeps). */
export function upgradedServices(input: PackageInput, init: InitSystem = 'sysv'): { upgraded: Upgraded[]; services: Service[] } {
  const { root } = input;
  const initd = files(join(root, 'etc/init.d'));
  const units = [...files(join(root, 'lib/systemd/system'), (n) => n.endsWith('.service')), ...files(join(root, 'usr/lib/systemd/system'), (n) => n.endsWith('.service'))];
  const plan = planConversion([
    importSysv({ root, files: initd.filter((f) => !isOpenrc(f)) }),
    importOpenrc({ root, files: initd.filter(isOpenrc) }),
    importSystemd({ root, files: units }),
  ], { init, how: 'override', evidence: [] });
  let ws: Workspace = { tree: plan.tree, model: { version: 1, services: plan.services, host: plan.host }, state: emptyState() };
  const upgraded: Upgraded[] = [];
  for (const s of plan.services) {
    // A oneshot wrapper, or the plain longrun the first conversion makes of a foreground unit.
    if (firstConversionKind(plan.tree.definitions.get(s.name)) === undefined) continue;
    const r = upgrade(ws, s.name, { log: true }, true);
    if (!r.ok) continue;
    ws = r.ws;
    const srv = ws.tree.definitions.get(`${s.name}-srv`);
    const run = srv?.files['run']?.content;
    if (run === undefined) continue;
    const other = Object.entries(srv!.files).filter(([p]) => !['run', 'producer-for', 'consumer-for', 'pipeline-name'].includes(p));
    upgraded.push({ service: s, argv: r.proposal.fg.argv, socketDirs: r.proposal.fg.socketDirs ?? [], runScript: run, files: Object.fromEntries(other), confidence: r.proposal.fg.confidence, evidence: r.proposal.fg.evidence });
  }
  return { upgraded, services: plan.services };
}

interface Picked {
  daemon?: RecordState;
  /** The package's other programs the start path ran (checks, set-up, post-start): start-time work. */
  others: RecordState[];
}

/**
 * The daemon's record: on the s6 side the one s6-supervise started; on the host's side the last start of
 * the same program (a script may run it before, e.g. `sshd -t`, or other programs after, e.g. auditctl),
 * else the last record of all.
 */
function pick(run: SandboxRun, supervised: boolean, layer: string, exe?: string): Picked {
  const lower = (path: string): string | undefined => {
    for (const p of [join(layer, path), path]) {
      try {
        const st = lstatSync(p);
        const type = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'link' : 'other';
        return `${type} ${st.uid}:${st.gid} ${(st.mode & 0o7777).toString(8).padStart(4, '0')}`;
      } catch {
        // not in this layer
      }
    }
    return undefined;
  };
  const recs = run.records.map((r) => normalize(r, lower));
  let i = supervised ? recs.findIndex((r) => r.parent === 's6-supervise') : -1;
  if (i < 0 && exe !== undefined) i = recs.map((r) => r.exe).lastIndexOf(exe);
  if (i < 0) i = recs.length - 1;
  return i < 0 ? { others: [] } : { daemon: recs[i], others: recs.filter((_, k) => k !== i) };
}

/**
 * The argv the s6 side should run: the host's, with the foreground edit of daemon-table.ts when that is
 * the evidence, the table's readiness option and without the systemd-only options (the differences in
 * argv the upgrade makes on purpose;
 * whether the flag keeps the daemon in the foreground is for the supervision tests, not the recorder).
 */
function expectedArgv(orig: readonly string[], evidence: string, s6: readonly string[]): string[] {
  const entry = daemonEntry(orig[0] ?? '');
  // Options that only work under systemd (dbus's --address=systemd:) are dropped on purpose, said in the
  // proposal (daemon-table.ts `systemdOnly`).
  const base = dropSystemdOnly(orig).argv;
  let argv = entry && evidence === 'table' ? applyEntry(entry, base) : base;
  // The readiness option of the table (dbus-daemon --print-address=3) writes to s6's notification-fd.
  const extra = entry?.readiness?.args(3) ?? [];
  if (extra.length > 0 && extra.every((w) => s6.includes(w)) && !extra.some((w) => argv.includes(w))) argv = [argv[0]!, ...extra, ...argv.slice(1)];
  return argv;
}

const why = (run: SandboxRun): string => `${run.status}; ${run.log.trim().split('\n').slice(-2).join(' | ').slice(0, 160)}`;

export interface PackageContext {
  input: PackageInput;
  recorder: string;
  stacks: Stack[];
  work: string;
  layer: { root: string; programs: string[] };
  accounts: { passwd: string[]; group: string[] };
}

/** Unpacks the package (or takes the fixture directory as the installed layer) and its accounts. */
export function packageContext(input: PackageInput, services: Service[], recorder: string, stacks: Stack[], work: string): PackageContext {
  const layer = input.deb ? unpackPackage(input.deb, input.pkg, recorder) : { root: input.root, programs: [] };
  const texts = [...files(join(input.root, 'etc/init.d')), ...files(join(input.root, 'etc/default')), ...files(join(input.root, 'lib/systemd/system'))].map((f) => readFileSync(f, 'utf8'));
  return { input, recorder, stacks, work, layer, accounts: accountsFor(services, texts) };
}

/**
 * Runs every upgradable service of one package on every stack, read once for each init system the
 * package has definitions for: as on a sysvinit host (its init scripts are the truth) and as on a
 * systemd host (its units are).
 */
export function runPackage(input: PackageInput, recorder: string, stacks: Stack[], work: string): CaseResult[] {
  const initd = files(join(input.root, 'etc/init.d'));
  const inits: InitSystem[] = [];
  if (initd.some((f) => !isOpenrc(f))) inits.push('sysv');
  if (initd.some(isOpenrc)) inits.push('openrc');
  if (['lib/systemd/system', 'usr/lib/systemd/system'].some((d) => files(join(input.root, d), (n) => n.endsWith('.service')).length > 0)) inits.push('systemd');
  const out: CaseResult[] = [];
  for (const init of inits) {
    const { upgraded, services } = upgradedServices(input, init);
    if (upgraded.length === 0) continue;
    const ctx = packageContext(input, services, recorder, stacks, join(work, init));
    out.push(...upgraded.flatMap((u) => judgeService(ctx, u)));
  }
  return out;
}

/** One service: the host's start path, then the run script on each stack, compared. */
export function judgeService(ctx: PackageContext, u: Upgraded): CaseResult[] {
  const { input, recorder, stacks, work, layer, accounts } = ctx;
  const results: CaseResult[] = [];
  const defining = u.service.sources[0];
  const judge: CaseResult['judge'] = defining?.format === 'systemd' ? 'systemd' : defining?.format === 'openrc' ? 'openrc' : 'lsb';
  const base = { pkg: input.pkg, service: u.service.name, judge, confidence: u.confidence, evidence: u.evidence };
  const notComparable = (detail: string, stack = '-'): CaseResult[] => [...results, { ...base, stack, outcome: 'not-comparable', detail }];
  // The daemon may come from another package (dbus's dbus-daemon): the recorder stands at the paths the
  // source starts and the run script runs too, and at programs a script only tests for
  // (`test -x /usr/sbin/rndc || exit 0`).
  let sourcePrograms: (string | undefined)[] = [];
  let hostCommand: { cmd: string; files?: Record<string, { content: string; mode?: number }>; layers?: string[] };
  let pidfiles: string[] = [];
  if (defining?.format === 'sysv') {
    const sysv = defining;
    const script = readFileSync(sysv.file, 'utf8');
    const tested = [...script.matchAll(/(?:test|\[)\s+-x\s+["']?(\/[\w./+-]+)["']?/g)].map((m) => m[1]!).filter((p) => !existsSync(join(layer.root, p)) && !existsSync(p));
    sourcePrograms = [...sysv.ssdStarts.flatMap((c) => [c.exec, c.startas]), ...tested];
    hostCommand = { cmd: `${sysv.systemPath} start` };
    // start-stop-daemon --make-pidfile writes the pid file, not the daemon (init-d-script's default path
    // when the script names none): a supervisor's artefact, left out of the comparison.
    const scriptName = sysv.systemPath.slice(sysv.systemPath.lastIndexOf('/') + 1);
    pidfiles = sysv.ssdStarts.filter((c) => c.makePidfile).map((c) => c.pidfile ?? `/run/${scriptName}.pid`);
  } else if (defining?.format === 'systemd') {
    const text = [defining.file, ...defining.dropIns].map((f) => readFileSync(f, 'utf8')).join('\n');
    const socket = defining.file.replace(/\.service$/, '.socket');
    const started = unitStartScript(defining.unit, text, layer.root, readAccounts(accounts.passwd, accounts.group), existsSync(socket) ? readFileSync(socket, 'utf8') : undefined);
    if ('why' in started) return notComparable(started.why);
    sourcePrograms = [...defining.execStartPre, ...defining.execStart].map((l) => l.argv[0]);
    hostCommand = { cmd: '/bin/sh /.s6m-svc/systemd-start', files: { '.s6m-svc/systemd-start': { content: started.script } } };
  } else if (defining?.format === 'openrc') {
    // Debian's real openrc-run (the openrc package unpacked, test/support/openrc.ts), on a host whose
    // state OpenRC made at boot (the openrc-state oneshot's work, src/passes/openrc-state.ts).
    const unpacked = openrcUnpacked();
    if (!unpacked) return notComparable("Debian's openrc package could not be unpacked (scripts/openrc-unpacked.sh)");
    const state = `mkdir -p -m 0755 ${OPENRC_SVCDIR} ${OPENRC_STATE_DIRS.map((d) => `${OPENRC_SVCDIR}/${d}`).join(' ')} && echo default > ${OPENRC_SVCDIR}/softlevel`;
    sourcePrograms = [defining.vars['command']?.value];
    // command_background=yes: openrc-run has start-stop-daemon make the pid file (openrc-run(8)).
    const pidfile = defining.vars['pidfile']?.value;
    if (pidfile && /^(yes|true|1)$/i.test(defining.vars['command_background']?.value ?? '')) pidfiles = [pidfile];
    // OpenRC's own state, made at boot (the openrc-state oneshot on the s6 side only for wrappers).
    pidfiles.push(OPENRC_SVCDIR);
    hostCommand = { cmd: `${state} && /sbin/openrc-run ${defining.systemPath} --nodeps start`, layers: [openrcLayer(unpacked)] };
  } else {
    return notComparable('no init script or unit');
  }
  const daemons = [...sourcePrograms, u.argv[0]].filter((p): p is string => p !== undefined && p.startsWith('/') && !SHELLS.has(p));
  const programs = [...new Set([...(input.programs ?? []), ...daemons])].filter((p) => !layer.programs.includes(p)).sort();
  const common = { pkgroot: layer.root, passwd: accounts.passwd, group: accounts.group, recorder, programs, ...(hostCommand.layers ? { layers: hostCommand.layers } : {}) };
  const orig = runSandbox({ ...common, mode: 'exit', kind: 'script', env: [`PATH=${BASE_PATH}`], ...hostCommand }, join(work, 'orig'));
  if (orig.records.length === 0) return notComparable(`the ${judge === 'lsb' ? 'init script' : judge === 'openrc' ? 'OpenRC script' : 'unit'} started nothing (${why(orig)})`);
  for (const stack of stacks) {
    const run = u.runScript.replace(/^#!\/usr\/bin\/execlineb/, `#!${stack.bin}/execlineb`);
    const s6 = runSandbox(
      { ...common, mode: 'supervised', kind: 'supervise', cmd: '/.s6m-svc/srv', env: [`PATH=${stack.bin}:${BASE_PATH}`], files: { ...Object.fromEntries(Object.entries(u.files).map(([p, f]) => [`.s6m-svc/srv/${p}`, f])), '.s6m-svc/srv/run': { content: run, mode: 0o755 } } },
      join(work, `s6-${stack.version}`),
    );
    const s = pick(s6, true, layer.root);
    const o = pick(orig, false, layer.root, s.daemon?.exe);
    if (!s.daemon || !o.daemon) {
      results.push({ ...base, stack: stack.version, outcome: 'different', detail: `the run script started nothing (${why(s6)})` });
      continue;
    }
    let diff: string | undefined;
    if (s.daemon.parent !== 's6-supervise') diff = `not supervised: the daemon's parent is ${s.daemon.parent || 'gone'} (it forked)`;
    diff ??= firstDifference({ ...o.daemon, argv: expectedArgv(o.daemon.argv, u.evidence, s.daemon.argv) }, s.daemon, [...pidfiles, ...u.socketDirs], judge === 'openrc' ? OPENRC_ENV_IGNORED : undefined);
    // The package's other programs the start path ran, before or after the daemon (a background daemon
    // may record after them): configuration tests, state changes such as tgtadm or auditctl -R.
    const ob = o.others.map((r) => r.argv.join(' '));
    const sb = s.others.map((r) => r.argv.join(' '));
    if (!diff && JSON.stringify(ob) !== JSON.stringify(sb)) diff = `start-time work: ${JSON.stringify(ob)} vs ${JSON.stringify(sb)}`;
    results.push({ ...base, stack: stack.version, outcome: diff ? 'different' : 'equal', detail: diff ?? '' });
  }
  return results;
}
