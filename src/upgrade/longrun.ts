/**
 * Turning a oneshot wrapper into supervised longruns. With logging (the default) `NAME` becomes a
 * pipeline: `NAME-srv` (the daemon, stderr folded into stdout) feeding `NAME-log` (s6-log), whose
 * `pipeline-name` is `NAME`, so every dependency and bundle that named the oneshot names the pipeline
 * bundle instead and keeps working unchanged (reference §3). Without logging, one longrun keeps the name.
 *
 * Carried over the way OpenRC's own s6 backend maps its variables (sh/s6.sh): command_user -> setuidgid,
 * stopsig -> down-signal, notify=fd:N -> notification-fd, timeout_ready/timeout_down/timeout_kill (ms).
 */
import { definingSources, DYNAMIC_USER_ACCOUNT, type Service } from '../model/service.js';
import { accountChain } from '../s6rc/account.js';
import { directorySpecs, groupCleanupFinish, renderRunScript, type RunScriptSpec } from '../s6rc/run-script.js';
import { EXECLINE_SHEBANG, execlineLine } from '../s6rc/execline.js';
import { definition, type S6Definition, type S6Tree } from '../s6rc/tree.js';
import { envDirFiles } from '../s6rc/emit-env.js';
import type { ForegroundProposal } from './foreground.js';
import { planStartWork } from './start-work.js';

/** Where the run script leaves its process group for `finish` (in the live servicedir). */
export const RUN_PGID_FILE = 'run-pgid';
export const DEFAULT_LOG_ROOT = '/var/log/s6migrate';
/** Rotation: a TAI64N stamp on each line, rotate at 1 MiB, keep 10 archives (s6-log directives, §6.3). */
export const LOG_DIRECTIVES = ['t', 's1048576', 'n10'];

export interface UpgradeOptions {
  /** Pipeline with s6-log (default true). */
  log: boolean;
  /** The service's log directory; default `/var/log/s6migrate/NAME`. */
  logDir?: string;
  /** Run s6-log as this user (it owns the log directory); default root. */
  logUser?: string;
  /** Run the daemon as this user, overriding the source. */
  user?: string;
}

export interface LongrunPlan {
  /** Definitions to add. */
  definitions: S6Definition[];
  /** What the sources had that the longrun does not keep. */
  notCarried: string[];
  /** Facts carried over in a way worth pointing out (a nice level, numeric ids), shown with the proposal. */
  carried: string[];
  /** Start-time work of the source the longrun does not do: the proposal is low confidence. */
  dropped: string[];
  /** Start-time work the run script does before the daemon (also in `carried`). */
  startWork: string[];
  user?: string;
  logDir?: string;
}

export type PlanResult = { ok: true; plan: LongrunPlan } | { ok: false; code: string; reason: string };

function openrcVar(service: Service, key: string): string | undefined {
  for (const ev of definingSources(service)) if (ev.format === 'openrc' && ev.vars[key]) return ev.vars[key]!.value;
  return undefined;
}

function ssdField(service: Service, key: 'chuid' | 'chdir' | 'umask' | 'group' | 'nicelevel'): string | undefined {
  for (const ev of definingSources(service)) {
    if (ev.format !== 'sysv') continue;
    for (const c of ev.ssdStarts) if (c[key]) return c[key];
  }
  return undefined;
}

/** The account to run as, `user` or `user:group`, from the override, RunFacts, OpenRC or start-stop-daemon. */
export function serviceAccount(service: Service, override?: string): { user?: string; group?: string } {
  const raw = override ?? service.run.user?.name ?? openrcVar(service, 'command_user') ?? ssdField(service, 'chuid');
  if (!raw) return {};
  const [user, groupInName] = raw.split(':', 2) as [string, string | undefined];
  const group = groupInName ?? (override ? undefined : service.run.group?.name ?? ssdField(service, 'group'));
  const out: { user?: string; group?: string } = { user };
  if (group) out.group = group;
  return out;
}

const DECIMAL = /^\d+$/;
/** GNU coreutils' nice on Debian; execline has no nice of its own, and the supervision tree's PATH is minimal. */
export const NICE_PROGRAM = '/usr/bin/nice';

/**
 * The nice level the source starts the daemon with: start-stop-daemon `--nicelevel N` / `start_daemon -n N`,
 * or `-N N` / `--nicelevel N` in OpenRC's `start_stop_daemon_args` / `supervise_daemon_args` (OpenRC has no
 * variable of its own for it; supervise-daemon.sh falls back to start_stop_daemon_args).
 */
export function niceLevel(service: Service): { value: string; source: string } | undefined {
  const ssd = ssdField(service, 'nicelevel');
  if (ssd !== undefined) return { value: ssd, source: 'start-stop-daemon --nicelevel' };
  for (const key of ['supervise_daemon_args', 'start_stop_daemon_args']) {
    const words = openrcVar(service, key)?.trim().split(/\s+/) ?? [];
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (w.startsWith('--nicelevel=')) return { value: w.slice('--nicelevel='.length), source: `OpenRC ${key} --nicelevel` };
      if ((w === '-N' || w === '--nicelevel') && words[i + 1] !== undefined) return { value: words[i + 1]!, source: `OpenRC ${key} ${w}` };
    }
  }
  return undefined;
}

/**
 * Builds the definitions; `current` is the first-conversion definition being replaced (a oneshot wrapper or
 * an unlogged longrun); its dependencies are kept, everything else is rebuilt from the run facts.
 */
export function planLongrun(service: Service, fg: ForegroundProposal, current: S6Definition | undefined, tree: S6Tree, opts: UpgradeOptions): PlanResult {
  const name = service.name;
  const notCarried = [...fg.readiness.notCarried];
  const srvName = opts.log ? `${name}-srv` : name;
  const logName = `${name}-log`;
  if (opts.log) {
    for (const n of [srvName, logName]) {
      if (tree.definitions.has(n)) return { ok: false, code: 'name-taken', reason: `the tree already has a definition named ${n}` };
    }
  }
  const logDir = opts.logDir ?? `${DEFAULT_LOG_ROOT}/${name}`;
  if (opts.log && !logDir.startsWith('/')) return { ok: false, code: 'bad-log-dir', reason: `log directory ${logDir} must be an absolute path` };

  const carried: string[] = [];
  const srv = definition(srvName, 'longrun');
  srv.dependencies = [...(current?.dependencies ?? [])].sort();
  const spec: RunScriptSpec = { argv: fg.argv, stderrToStdout: opts.log };

  // Same env/ rules as the emitter: a value s6-envdir would not hand over byte for byte is not written.
  const { files: envFiles, refused } = envDirFiles(service.run.env);
  for (const r of refused) notCarried.push(`environment variable ${JSON.stringify(r.name)}: ${r.reason}`);
  if (Object.keys(envFiles).length > 0) {
    Object.assign(srv.files, envFiles);
    spec.envDir = true;
  }
  if (service.run.envFiles.length > 0) {
    spec.envFiles = service.run.envFiles.map((f) => ({ path: f.path, optional: f.optional, syntax: f.syntax, ...(f.exportAll ? { exportAll: true } : {}) }));
  }
  const frozen = confdValuesInArgs(service, fg);
  if (frozen) notCarried.push(frozen);
  // Arguments the admin sets in /etc/default/NAME stay variables, expanded by the shell that reads the file.
  const live = fg.live;
  if (live && spec.envFiles?.some((f) => f.path === live.file && f.syntax === 'shell')) {
    spec.argv = fg.argv.slice(0, fg.argv.length - live.values.length);
    spec.liveArgs = { file: live.file, shellWords: live.shellWords, presets: live.presets };
    carried.push(`${live.liveWords.join(' ')}: expanded from ${live.file} at each start, as the init script does (today: ${live.liveValues.join(' ') || 'no words'})`);
  }
  const workdir = service.run.workdir?.path ?? openrcVar(service, 'directory') ?? ssdField(service, 'chdir');
  // Without one, `/`: what init, start-stop-daemon and systemd give; s6-supervise would leave the daemon
  // in its servicedir (found by the differential harness, docs/fidelity.md).
  spec.workdir = workdir || '/';
  const umask = service.run.umask?.value ?? openrcVar(service, 'umask') ?? ssdField(service, 'umask');
  if (umask) spec.umask = umask;
  if (service.run.discard) spec.discard = { stdout: service.run.discard.stdout, stderr: service.run.discard.stderr };
  if (service.run.limits && Object.keys(service.run.limits.value).length > 0) spec.limits = service.run.limits.value;
  const chroot = service.run.chroot?.path ?? openrcVar(service, 'chroot');
  if (chroot) notCarried.push(`chroot ${chroot}: s6 has no chroot step; add one to the run script by hand`);
  for (const k of ['output_log', 'error_log', 'output_logger', 'error_logger']) {
    const v = openrcVar(service, k);
    if (v) notCarried.push(`OpenRC ${k}=${v}: output goes to the s6-log pipeline instead`);
  }

  // A `+`/`!` ExecStart runs as root under systemd; an account named by the user still wins.
  const keepRoot = fg.privileged === true && !opts.user;
  const dynamic = dynamicUser(service, fg);
  // DynamicUser= without User=: no transient account in s6, never root either (as the importer maps it).
  const dynamicAccount = dynamic && !opts.user ? dynamic.user ?? DYNAMIC_USER_ACCOUNT : undefined;
  if (dynamic && !opts.user) {
    carried.push(dynamic.user
      ? `DynamicUser=yes with User=${dynamic.user}: runs as the account ${dynamic.user}, which must exist (systemd uses a static account of that name when there is one)`
      : `DynamicUser=yes: runs as ${DYNAMIC_USER_ACCOUNT} (systemd would make a transient unprivileged account; give --user to choose another)`);
  }
  const sourceAccount = serviceAccount(service, opts.user ?? dynamicAccount);
  const account = keepRoot ? {} : sourceAccount;
  if (keepRoot && sourceAccount.user) carried.push('the ExecStart prefix +/! keeps root, as systemd does: no privilege drop to User= (give --user to drop)');
  const uid = accountChain(account);
  if (!uid.ok) return uid;
  if (uid.carried) carried.push(uid.carried);
  // RuntimeDirectory= and friends, made while still root and handed to the account the daemon runs as.
  const dirs = directorySpecs(service.run.directories, account);
  if (dirs.length > 0) spec.directories = dirs;
  // nice runs while still root (a negative level needs it), right before privileges are dropped.
  const nice = niceLevel(service);
  let niceChain: string[] = [];
  if (nice && /^[+-]?\d+$/.test(nice.value) && Number(nice.value) >= -20 && Number(nice.value) <= 19) {
    niceChain = [NICE_PROGRAM, '-n', String(Number(nice.value))];
    carried.push(`nice level ${Number(nice.value)} (${nice.source}): ${NICE_PROGRAM} -n ${Number(nice.value)} before the daemon`);
  } else if (nice) {
    notCarried.push(`nice level ${JSON.stringify(nice.value)} (${nice.source}): not a number from -20 to 19`);
  }
  const work = planStartWork(service, fg);
  if (work.prelude.length > 0) spec.prelude = work.prelude.map((p) => ({ argv: p.asAccount ? [...uid.chain, ...p.argv] : p.argv, ignoreFailure: p.ignoreFailure }));
  carried.push(...work.carried);
  notCarried.push(...work.dropped);
  // What the source's manager set from the account (systemd: USER, LOGNAME, HOME, SHELL for User=;
  // start-stop-daemon --chuid: HOME), which the privilege drop alone does not (docs/fidelity.md).
  const defining = definingSources(service)[0];
  const style = defining?.format === 'systemd' && service.run.user ? 'systemd' : defining?.format === 'sysv' && ssdField(service, 'chuid') ? 'start-stop-daemon' : undefined;
  if (account.user && style && !/^\d+$/.test(account.user)) spec.accountEnv = { user: account.user, style };
  if (niceChain.length === 0 && uid.chain[0] === 's6-setuidgid') spec.user = uid.chain[1]!;
  else spec.argv = [...niceChain, ...uid.chain, ...spec.argv];
  for (const ev of definingSources(service)) {
    if (ev.format !== 'sysv' || !ev.ssdStarts.some((c) => c.notifyAwait)) continue;
    notCarried.push('start-stop-daemon --notify-await: the daemon signals readiness with sd_notify, which s6 does not read; the longrun counts as up once spawned');
    break;
  }
  spec.pgidFile = RUN_PGID_FILE;
  srv.files['run'] = { content: renderRunScript(spec), mode: 0o755 };
  srv.files['finish'] = { content: groupCleanupFinish(RUN_PGID_FILE), mode: 0o755 };

  const stopsig = service.run.stopSignal?.name ?? openrcVar(service, 'stopsig');
  if (stopsig) srv.files['down-signal'] = { content: stopsig.replace(/^SIG/i, '').toUpperCase() + '\n' };
  const killMs = service.run.timeoutStop?.ms ?? numberVar(service, 'timeout_kill');
  if (killMs !== undefined && killMs > 0) srv.files['timeout-kill'] = { content: `${killMs}\n` };
  const downMs = numberVar(service, 'timeout_down');
  if (downMs !== undefined) srv.files['timeout-down'] = { content: `${downMs}\n` };
  if (fg.readiness.notificationFd !== undefined) {
    srv.files['notification-fd'] = { content: `${fg.readiness.notificationFd}\n` };
    const upMs = numberVar(service, 'timeout_ready') ?? service.run.timeoutStart?.ms;
    if (upMs !== undefined) srv.files['timeout-up'] = { content: `${upMs}\n` };
  } else if (service.run.timeoutStart) {
    notCarried.push('start timeout: without readiness notification the longrun is up as soon as it is spawned');
  }

  const defs = [srv];
  if (opts.log) {
    srv.files['producer-for'] = { content: logName + '\n' };
    const log = definition(logName, 'longrun');
    log.files['consumer-for'] = { content: srvName + '\n' };
    log.files['pipeline-name'] = { content: name + '\n' };
    log.files['notification-fd'] = { content: '3\n' };
    log.files['run'] = { content: loggerRunScript(logDir, opts.logUser), mode: 0o755 };
    // /var/log may be its own file system: start the logger after local mounts when the tree has them.
    if (tree.definitions.get('local-fs')?.type === 'bundle') log.dependencies = ['local-fs'];
    defs.push(log);
  }
  const plan: LongrunPlan = { definitions: defs, notCarried, carried, dropped: work.dropped, startWork: work.carried };
  if (account.user) plan.user = account.group ? `${account.user}:${account.group}` : account.user;
  if (opts.log) plan.logDir = logDir;
  return { ok: true, plan };
}

/** The unit the foreground command comes from, when it asks for a dynamic user (and its User=, if any). */
function dynamicUser(service: Service, fg: ForegroundProposal): { unit: string; user?: string } | undefined {
  for (const ev of definingSources(service)) {
    if (ev.format !== 'systemd' || (fg.origin && fg.origin.file !== ev.file && !ev.dropIns.includes(fg.origin.file))) continue;
    const value = ev.directives['Service']?.['DynamicUser']?.values.at(-1);
    if (!value || !['yes', 'true', '1', 'on'].includes(value.toLowerCase())) continue;
    const user = ev.directives['Service']?.['User']?.values.at(-1);
    return user ? { unit: ev.unit, user } : { unit: ev.unit };
  }
  return undefined;
}

const OPENRC_ARG_VARS = ['command', 'command_args', 'command_args_foreground'];

/**
 * OpenRC reads conf.d before the script, so its values reach `command_args` through the script's own
 * assignments; the upgrade writes the resolved words (mapping.md, known gaps). Say so when conf.d gave
 * them: set there directly, or a conf.d value that occurs in the arguments.
 */
function confdValuesInArgs(service: Service, fg: ForegroundProposal): string | undefined {
  if (fg.evidence === 'user') return undefined;
  for (const ev of definingSources(service)) {
    if (ev.format !== 'openrc' || !ev.confFile) continue;
    const fromConf = Object.entries(ev.vars).filter(([, v]) => v.origin.file === ev.confFile);
    const args = OPENRC_ARG_VARS.map((k) => ev.vars[k]?.value ?? '').join(' ');
    const used = fromConf
      .filter(([k, v]) => OPENRC_ARG_VARS.includes(k) || (v.value.trim() !== '' && args.includes(v.value.trim())))
      .map(([k]) => k);
    if (used.length === 0) continue;
    const file = service.run.envFiles.find((f) => f.origin?.file === ev.confFile)?.path ?? ev.confFile;
    return `${used.join(', ')} from ${file}: written into the command line as read today (the file is still sourced for the environment); after editing them, downgrade and upgrade again`;
  }
  return undefined;
}

function numberVar(service: Service, key: string): number | undefined {
  const v = openrcVar(service, key);
  return v !== undefined && DECIMAL.test(v) ? Number(v) : undefined;
}

/**
 * s6-log creates only the last component of its directory, so the parent is made first. With a log user
 * the whole directory is made and handed over, since that user cannot create it under a root-owned parent.
 */
export function loggerRunScript(logDir: string, logUser?: string): string {
  const parent = logDir.slice(0, logDir.lastIndexOf('/')) || '/';
  const lines = [EXECLINE_SHEBANG];
  if (logUser) {
    lines.push(`if { ${execlineLine(['/bin/mkdir', '-p', '-m', '0700', logDir])} }`);
    lines.push(`if { ${execlineLine(['/bin/chown', logUser, logDir])} }`);
    lines.push(execlineLine(['s6-setuidgid', logUser]));
  } else if (parent !== '/') {
    lines.push(`if { ${execlineLine(['/bin/mkdir', '-p', parent])} }`);
  }
  lines.push(execlineLine(['s6-log', '-d3', '--', ...LOG_DIRECTIVES, logDir]));
  return lines.join('\n') + '\n';
}

/**
 * The tree with `NAME` replaced by the plan's definitions. Bundles and dependents are not touched: with a
 * pipeline, `NAME` names the pipeline bundle; without, the longrun itself.
 */
export function applyPlan(tree: S6Tree, name: string, plan: LongrunPlan): S6Tree {
  const defs = new Map(tree.definitions);
  defs.delete(name);
  for (const d of plan.definitions) defs.set(d.name, d);
  return { definitions: new Map([...defs.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}
