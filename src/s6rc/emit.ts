/**
 * The back end: model (after the passes) -> in-memory s6-rc source tree. Knows s6-rc, not source formats.
 * - oneshot: `up`/`down` from the wrapper's argvs, one execline line each (`chainCommands`), `up` making
 *   the run facts' directories first;
 * - longrun: `run` from `renderRunScript` with the service's run facts, `env/` files, `down-signal`;
 * - timeouts in ms; bundles from `HostFacts.bundles`.
 * A service without a wrapper, or with an argument no program can receive, is left out with a
 * diagnostic, and every reference to it is dropped (a dangling name would make s6-rc-compile fail).
 */
import { cmp, diag, type Diagnostic } from '../model/diagnostic.js';
import type { CommandMode, HostFacts, Service } from '../model/service.js';
import { accountChain, runAccount } from './account.js';
import { chainCommands } from './emit-chain.js';
import { envDirFiles } from './emit-env.js';
import { execlineLine, UnsafeArgvError } from './execline.js';
import { directoryCommands, directorySpecs, renderRunScript, type RunScriptSpec } from './run-script.js';
import { systemdArgv } from './systemd-expand.js';
import { definition, newTree, type S6Definition, type S6Tree } from './tree.js';
import { unitCommands } from './unit-commands.js';

/** Largest value s6-rc-compile accepts in `timeout-up`/`timeout-down` (uint32, reference §1.3). */
const TIMEOUT_MAX = 4294967295;

export interface EmitResult {
  tree: S6Tree;
  diagnostics: Diagnostic[];
}

function fileOf(s: Service): string {
  return s.sources[0]?.file ?? s.name;
}

function timeoutFile(ms: number): string | undefined {
  const n = Math.round(ms);
  return Number.isFinite(n) && n > 0 && n <= TIMEOUT_MAX ? `${n}\n` : undefined;
}

/** `privileged`: a `+`/`!` ExecStart, which systemd runs as root whatever User= says. */
function runSpec(s: Service, argv: string[], notes: Diagnostic[], privileged = false): { spec: RunScriptSpec; files: S6Definition['files'] } {
  const r = s.run;
  const spec: RunScriptSpec = { argv };
  const { files, refused } = envDirFiles(r.env);
  for (const x of refused) {
    notes.push(diag('warning', 'env-refused', x.origin.file, x.origin.line,
      `${s.name}: environment variable ${JSON.stringify(x.name)} is not written: ${x.reason}`, s.name));
  }
  if (Object.keys(files).length > 0) spec.envDir = true;
  if (r.envFiles.length > 0) spec.envFiles = r.envFiles.map((f) => ({ path: f.path, optional: f.optional, syntax: f.syntax, ...(f.exportAll ? { exportAll: true } : {}) }));
  if (r.workdir) spec.workdir = r.workdir.path;
  const dirs = serviceDirectories(s);
  if (dirs.length > 0) spec.directories = dirs;
  if (r.umask) spec.umask = r.umask.value;
  if (r.discard) spec.discard = { stdout: r.discard.stdout, stderr: r.discard.stderr };
  if (r.limits && Object.keys(r.limits.value).length > 0) spec.limits = r.limits.value;
  if (r.user && !privileged) {
    // Same privilege drop as the upgrade: names through s6-setuidgid/s6-envuidgid, numeric ids through
    // s6-applyuidgid. One that cannot be written faithfully refuses the service rather than run it as root.
    const account = accountChain(runAccount(r));
    if (!account.ok) throw new UnsafeArgvError(account.reason);
    if (account.chain[0] === 's6-setuidgid') spec.user = account.chain[1]!;
    else spec.argv = [...account.chain, ...argv];
  } else if (r.group && !privileged) {
    groupNotApplied(s, r.group, notes);
  }
  if (r.chroot) {
    notes.push(diag('warning', 'chroot-not-applied', r.chroot.origin.file, r.chroot.origin.line,
      `${s.name}: chroot ${r.chroot.path} is not applied by the run script`, s.name));
  }
  return { spec, files };
}

function groupNotApplied(s: Service, group: NonNullable<Service['run']['group']>, notes: Diagnostic[]): void {
  notes.push(diag('note', 'group-not-applied', group.origin.file, group.origin.line,
    `${s.name}: group ${group.name} without a user is not applied: it runs as root`, s.name));
}

/** RuntimeDirectory= and friends, owned by User=/Group= (a group alone changes nothing: see group-not-applied). */
function serviceDirectories(s: Service) {
  return directorySpecs(s.run.directories, runAccount(s.run));
}

/** Builds one definition; throws UnsafeArgvError when an argument cannot be written. */
function serviceDefinition(s: Service, notes: Diagnostic[]): S6Definition | undefined {
  const w = s.wrapper;
  if (!w) return undefined;
  const def = definition(s.name, w.kind);
  if (w.kind === 'oneshot') {
    // The directories are made first, like systemd does before ExecStartPre=.
    // A unit's own commands run with its user, environment and directory; an init script sets up its own.
    const own = (argvs: string[][], modes: CommandMode[] | undefined) => (modes ? unitCommands(argvs, modes, s.run) : argvs);
    if (w.unitCommands && s.run.group && !s.run.user) groupNotApplied(s, s.run.group, notes);
    const up = [...directoryCommands(serviceDirectories(s)), ...own(w.up, w.unitCommands?.up)];
    def.files['up'] = { content: up.length > 0 ? chainCommands(up) + '\n' : '' };
    if (w.down.length > 0) def.files['down'] = { content: chainCommands(own(w.down, w.unitCommands?.down)) + '\n' };
  } else {
    const { spec, files } = runSpec(s, systemdArgv(w.run, w.expandVariables !== true).argv, notes, w.privileged === true);
    def.files['run'] = { content: renderRunScript(spec), mode: 0o755 };
    Object.assign(def.files, files);
    if (s.run.stopSignal) {
      execlineLine([s.run.stopSignal.name]); // refuses NUL like every other written word
      def.files['down-signal'] = { content: s.run.stopSignal.name.split('\n')[0] + '\n' };
    }
  }
  // An init script's stop timeout (start-stop-daemon --retry, OpenRC retry=) bounds the daemon's death
  // inside `stop`, not the whole script: as a s6-rc timeout it would fail stops that are merely slow.
  // sysvinit waited for the script, and so does the wrapper.
  if (w.kind === 'oneshot' && s.format !== 'systemd') return def;
  const up = s.run.timeoutStart && timeoutFile(s.run.timeoutStart.ms);
  if (up) def.files['timeout-up'] = { content: up };
  const down = s.run.timeoutStop && timeoutFile(s.run.timeoutStop.ms);
  if (down) def.files['timeout-down'] = { content: down };
  return def;
}

function whyNotConverted(s: Service): string {
  const reasons = s.findings.map((f) => f.message);
  return reasons.length > 0 ? reasons.join('; ') : 'the source gives no way to start it';
}

export function emitTree(services: readonly Service[], host: HostFacts): EmitResult {
  const diagnostics: Diagnostic[] = [];
  const tree = newTree();
  const atoms = new Map<string, S6Definition>();
  for (const s of [...services].sort((a, b) => cmp(a.name, b.name))) {
    const notes: Diagnostic[] = [];
    try {
      const def = serviceDefinition(s, notes);
      if (!def) {
        diagnostics.push(diag('warning', 'service-not-converted', fileOf(s), undefined,
          `${s.name}: not converted: ${whyNotConverted(s)}`, s.name));
        continue;
      }
      atoms.set(s.name, def);
      diagnostics.push(...notes);
    } catch (e) {
      if (!(e instanceof UnsafeArgvError)) throw e;
      diagnostics.push(diag('error', 'unsafe-argument', fileOf(s), undefined,
        `${s.name}: not converted: ${e.message}`, s.name));
    }
  }
  const byName = new Map(services.map((s) => [s.name, s]));
  // A diagnostic names a file: the service's source where there is one.
  const fileNamed = (name: string) => {
    const s = byName.get(name);
    return s ? fileOf(s) : name;
  };
  const bundles = (host.bundles ?? []).filter((b) => {
    if (!atoms.has(b.name)) return true;
    diagnostics.push(diag('error', 'bundle-name-taken', fileNamed(b.name), undefined, `bundle ${b.name} (${b.reason}) is not written: a service has that name`));
    return false;
  });
  const defined = new Set([...atoms.keys(), ...bundles.map((b) => b.name)]);
  const missing = (owner: string, name: string, what: string) => {
    const gone = byName.get(name);
    diagnostics.push(diag('warning', 'dep-not-converted', gone ? fileOf(gone) : fileNamed(owner), undefined,
      `${owner}: ${what} ${name} is dropped: ${gone ? `${name} is not converted` : 'nothing has that name'}`, owner));
  };
  for (const [name, def] of atoms) {
    const s = byName.get(name)!;
    def.dependencies = [...new Set(s.s6Dependencies ?? [])].filter((d) => {
      if (defined.has(d) && d !== name) return true;
      if (d !== name) missing(name, d, 'dependency on');
      return false;
    }).sort(cmp);
    tree.definitions.set(name, def);
  }
  for (const b of bundles) {
    const def = definition(b.name, 'bundle');
    def.contents = [...new Set(b.contents)].filter((m) => {
      if (defined.has(m) && m !== b.name) return true;
      missing(b.name, m, 'member');
      return false;
    }).sort(cmp);
    tree.definitions.set(b.name, def);
  }
  // A Map keeps insertion order: insert sorted so iteration is deterministic too.
  const sorted = newTree();
  for (const k of [...tree.definitions.keys()].sort(cmp)) sorted.definitions.set(k, tree.definitions.get(k)!);
  return { tree: sorted, diagnostics };
}
