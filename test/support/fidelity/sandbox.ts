/**
 * The recorder (built once with gcc, cached), packages unpacked as installed with their programs
 * replaced by it, and one start path run in a throwaway root (sandbox.sh) returning its records.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
export const SANDBOX = join(here, 'sandbox.sh');
const RECORDER_SOURCE = join(here, 'recorder.c');

export function cacheDir(): string {
  return resolve(process.env.S6M_CACHE ?? resolve(here, '../../../.cache'), 'fidelity');
}

/** The recorder compiled static (it must run in any root), rebuilt when its source changes. */
export function buildRecorder(): string {
  const src = readFileSync(RECORDER_SOURCE);
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 16);
  const dir = join(cacheDir(), 'recorder');
  const bin = join(dir, `recorder-${hash}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.tmp${process.pid}`;
  const r = spawnSync('gcc', ['-O2', '-Wall', '-static', '-o', tmp, RECORDER_SOURCE], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`gcc recorder.c failed: ${r.stderr || r.error?.message}`);
  renameSync(tmp, bin);
  return bin;
}

function isElfProgram(path: string): boolean {
  const st = statSync(path);
  if (!st.isFile() || (st.mode & 0o111) === 0 || /\.so(\.|$)/.test(path)) return false;
  const fd = readFileSync(path).subarray(0, 4);
  return fd.length === 4 && fd[0] === 0x7f && fd[1] === 0x45 && fd[2] === 0x4c && fd[3] === 0x46;
}

function walkFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/**
 * A Debian package's files as installed on a merged-/usr system (bin, sbin, lib under usr/, as dpkg's
 * aliasing makes them), every ELF program replaced by the recorder (hard links); returns the directory and
 * the programs' paths on the system. Cached per package and recorder.
 */
export function unpackPackage(deb: string, name: string, recorder: string): { root: string; programs: string[] } {
  const dir = join(cacheDir(), 'pkg', `${name}-${recorder.slice(-16)}`);
  const list = join(dir, 'programs');
  if (existsSync(list)) return { root: join(dir, 'root'), programs: readFileSync(list, 'utf8').split('\n').filter(Boolean) };
  rmSync(dir, { recursive: true, force: true });
  const root = join(dir, 'root');
  mkdirSync(root, { recursive: true });
  const x = spawnSync('dpkg-deb', ['-x', deb, root], { encoding: 'utf8' });
  if (x.status !== 0) throw new Error(`dpkg-deb -x ${deb}: ${x.stderr}`);
  const merge = spawnSync('sh', ['-c', 'cd "$1" && for d in bin sbin lib lib32 lib64 libx32; do if [ -d "$d" ] && [ ! -L "$d" ]; then mkdir -p "usr/$d" && cp -a "$d/." "usr/$d/" && rm -rf "$d"; fi; done', 'sh', root], { encoding: 'utf8' });
  if (merge.status !== 0) throw new Error(`merging /usr in ${root}: ${merge.stderr}`);
  const programs: string[] = [];
  for (const f of walkFiles(root)) {
    if (!isElfProgram(f)) continue;
    rmSync(f);
    linkSync(recorder, f);
    programs.push(f.slice(root.length));
  }
  chmodSync(recorder, 0o755);
  programs.sort();
  writeFileSync(list, programs.map((p) => `${p}\n`).join(''));
  return { root, programs };
}

export interface FileEntry {
  path: string;
  type: string;
  uid: number;
  gid: number;
  mode: string;
}

export interface RecordState {
  exe: string;
  argv: string[];
  uid: number;
  euid: number;
  suid: number;
  gid: number;
  egid: number;
  sgid: number;
  groups: number[];
  env: string[];
  cwd: string;
  umask: string;
  nice: number;
  parent: string;
  limits: Record<string, [number | 'infinity', number | 'infinity']>;
  fds: string[];
  files: FileEntry[];
}

export interface SandboxSpec {
  pkgroot?: string;
  /** More installed layers, over the package (OpenRC as installed). */
  layers?: string[];
  files?: Record<string, { content: string; mode?: number }>;
  passwd?: string[];
  group?: string[];
  programs?: string[];
  recorder: string;
  mode: 'exit' | 'supervised';
  kind: 'script' | 'supervise';
  cmd: string;
  env: string[];
}

export interface SandboxRun {
  records: RecordState[];
  status: string;
  log: string;
}

/** Runs one start path as PID 1 of new mount and pid namespaces (root only). */
export function runSandbox(spec: SandboxSpec, work: string): SandboxRun {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  if (spec.pkgroot) spawnSync('ln', ['-s', spec.pkgroot, join(work, 'pkgroot')]);
  for (const [p, f] of Object.entries(spec.files ?? {})) {
    const full = join(work, 'files', p);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, f.content, { mode: f.mode ?? 0o644 });
  }
  writeFileSync(join(work, 'passwd'), (spec.passwd ?? []).map((l) => `${l}\n`).join(''));
  writeFileSync(join(work, 'group'), (spec.group ?? []).map((l) => `${l}\n`).join(''));
  writeFileSync(join(work, 'layers'), (spec.layers ?? []).map((l) => `${l}\n`).join(''));
  writeFileSync(join(work, 'programs'), (spec.programs ?? []).map((l) => `${l}\n`).join(''));
  spawnSync('ln', ['-s', spec.recorder, join(work, 'recorder')]);
  writeFileSync(join(work, 'mode'), spec.mode);
  writeFileSync(join(work, 'kind'), spec.kind);
  writeFileSync(join(work, 'cmd'), spec.cmd);
  writeFileSync(join(work, 'env'), spec.env.map((l) => `${l}\n`).join(''));
  const r = spawnSync('unshare', ['--mount', '--pid', '--fork', '--propagation', 'private', 'bash', SANDBOX, work], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const out = join(work, 'out');
  const read = (p: string): string => (existsSync(p) ? readFileSync(p, 'utf8') : '');
  if (r.status !== 0) return { records: [], status: `sandbox failed (${r.status ?? r.signal}): ${r.stderr.trim().slice(0, 300)}`, log: '' };
  const records = existsSync(out)
    ? readdirSync(out)
        .filter((n) => n.startsWith('rec-'))
        .sort()
        .map((n) => JSON.parse(read(join(out, n))) as RecordState)
    : [];
  return { records, status: read(join(out, 'status')).trim(), log: read(join(out, 'log')) };
}

/**
 * Debian's openrc package as installed on a merged-/usr system (its sbin and lib under usr/), from the
 * unpacked copy test/support/openrc.ts shares (scripts/openrc-unpacked.sh); cached.
 */
export function openrcLayer(unpacked: string): string {
  const dir = join(cacheDir(), 'openrc-layer');
  if (existsSync(join(dir, 'usr/sbin/openrc-run'))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('sh', ['-c', 'cp -a "$1/." "$2/" && cd "$2" && for d in bin sbin lib; do if [ -d "$d" ] && [ ! -L "$d" ]; then mkdir -p "usr/$d" && cp -a "$d/." "usr/$d/" && rm -rf "$d"; fi; done', 'sh', unpacked, dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openrc layer: ${r.stderr}`);
  return dir;
}

/** The openrc package unpacked where test/support/openrc.ts keeps it (scripts/openrc-unpacked.sh). */
export function openrcUnpacked(): string | undefined {
  const given = process.env.S6M_OPENRC;
  if (given && existsSync(join(given, 'sbin/openrc-run'))) return given;
  const r = spawnSync('bash', [resolve(here, '../../../scripts/openrc-unpacked.sh'), join(cacheDir(), '..', 'openrc')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const root = r.status === 0 ? r.stdout.trim().split('\n').pop() : undefined;
  return root && existsSync(join(root, 'sbin/openrc-run')) ? root : undefined;
}
