/**
 * What may differ between the host's start path and the generated run script, and the first difference
 * that is not one of those. Everything not listed here is compared exactly.
 */
import type { FileEntry, RecordState } from './sandbox.js';

/**
 * Environment variables one side legitimately adds or sets differently (docs/fidelity.md says why):
 *  PATH     the init script's own `PATH=` line / the supervision tree's PATH (s6-svscan's, host-wide);
 *  PWD, OLDPWD, SHLVL, _   shell bookkeeping of the script's shell, not configuration.
 */
export const ENV_IGNORED = ['PATH', 'PWD', 'OLDPWD', 'SHLVL', '_'];

/**
 * What openrc-run itself exports to every command of a script, the daemon included: its service name and
 * state (RC_SVCNAME, SVCNAME, RC_*) and its message helpers' bookkeeping (EINFO_*). Protocol of the
 * manager, like systemd's INVOCATION_ID: not configuration of the service.
 */
export const OPENRC_ENV_IGNORED = /^(?:RC_[A-Z_]+|SVCNAME|EINFO_[A-Z_]+)$/;

/** Paths the harness itself writes in the root (the recorder's directory, the servicedir). */
const FILE_IGNORED = [/^\/\.s6m-(rec|svc|upper)(\/|$)/];

/**
 * The record with its file list as paths on the system. `lower(path)` describes a path as installed
 * (`type uid:gid mode`, or undefined): a directory the overlay copied up only because something below it
 * changed is left out, so the first difference names what the start path made, not its parents.
 */
export function normalize(raw: unknown, lower: (path: string) => string | undefined = () => undefined): RecordState {
  const r = raw as RecordState & { files: unknown[] };
  const files: FileEntry[] = [];
  for (const f of r.files as [string, string, number, number, string][]) {
    let path = f[0];
    const upper = path.startsWith('/.s6m-upper/');
    if (upper) path = path.slice('/.s6m-upper'.length);
    else if (path === '/.s6m-upper') continue;
    if (FILE_IGNORED.some((re) => re.test(path))) continue;
    // An overlay whiteout: the start path deleted a file of the installed package.
    const type = upper && f[1] === 'chr' && f[2] === 0 && f[3] === 0 ? 'deleted' : f[1];
    const entry = { path, type, uid: f[2], gid: f[3], mode: f[4] };
    if (upper && type === 'dir' && lower(path) === describe(entry)) continue;
    files.push(entry);
  }
  return { ...r, files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

export const describe = (f: FileEntry | undefined): string => (f ? `${f.type} ${f.uid}:${f.gid} ${f.mode}` : 'absent');

function envMap(env: string[], ignore?: RegExp): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env) {
    const i = e.indexOf('=');
    const k = i < 0 ? e : e.slice(0, i);
    if (!ENV_IGNORED.includes(k) && !ignore?.test(k)) m.set(k, i < 0 ? '' : e.slice(i + 1));
  }
  return m;
}

const show = (v: unknown): string => JSON.stringify(v);

/** The first difference in process state, or undefined when they agree. `ignoredFiles`: side artefacts. */
export function firstDifference(orig: RecordState, s6: RecordState, ignoredFiles: string[] = [], ignoredEnv?: RegExp): string | undefined {
  if (show(orig.argv) !== show(s6.argv)) return `argv: ${show(orig.argv)} vs ${show(s6.argv)}`;
  for (const k of ['uid', 'euid', 'gid', 'egid'] as const) if (orig[k] !== s6[k]) return `${k}: ${orig[k]} vs ${s6[k]}`;
  if (show(orig.groups) !== show(s6.groups)) return `groups: ${show(orig.groups)} vs ${show(s6.groups)}`;
  const a = envMap(orig.env, ignoredEnv);
  const b = envMap(s6.env, ignoredEnv);
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (a.get(k) !== b.get(k)) return `env ${k}: ${a.has(k) ? show(a.get(k)) : 'unset'} vs ${b.has(k) ? show(b.get(k)) : 'unset'}`;
  }
  if (orig.cwd !== s6.cwd) return `cwd: ${orig.cwd} vs ${s6.cwd}`;
  if (orig.umask !== s6.umask) return `umask: ${orig.umask} vs ${s6.umask}`;
  if (orig.nice !== s6.nice) return `nice: ${orig.nice} vs ${s6.nice}`;
  for (const k of Object.keys(orig.limits).sort()) {
    if (show(orig.limits[k]) !== show(s6.limits[k])) return `limit ${k}: ${show(orig.limits[k])} vs ${show(s6.limits[k])}`;
  }
  const canon = (p: string): string => p.replace(/^\/var\/run\//, '/run/');
  // A path ignored ignores what is below it too.
  const skip = (f: FileEntry): boolean => ignoredFiles.map(canon).some((p) => canon(f.path) === p || canon(f.path).startsWith(`${p}/`));
  const fa = new Map(orig.files.filter((f) => !skip(f)).map((f) => [f.path, f]));
  const fb = new Map(s6.files.filter((f) => !skip(f)).map((f) => [f.path, f]));
  for (const p of [...new Set([...fa.keys(), ...fb.keys()])].sort()) {
    const x = fa.get(p);
    const y = fb.get(p);
    if (describe(x) !== describe(y)) return `file ${p}: ${describe(x)} vs ${describe(y)}`;
  }
  return undefined;
}
