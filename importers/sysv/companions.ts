/**
 * Files beside an init script that change what it does: `/etc/default/NAME` (sourced by the script) and
 * the `/etc/rc?.d/[SK]NNname` links that sysv-rc actually runs. Both are looked for relative to the
 * script (`../default`, `../rc?.d`) and under the host root.
 */
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { onDisk } from '../../src/util/host-path.js';

// Scripts of one host share their directory, so the candidates of (root, script dir, system path) are
// computed once (path.resolve on every rc level of every script showed in profiles).
const candidateCache = new Map<string, readonly string[]>();

/** Candidate paths on disk for a system path like `/etc/default/cron`, script-relative first. */
export function companionCandidates(root: string, scriptFile: string, systemPath: string): readonly string[] {
  const last = basename(scriptFile);
  // dirname(resolve(f)) equals resolve(dirname(f)) unless the last segment is `.` or `..`.
  if (last === '.' || last === '..' || last === '') return computeCandidates(root, scriptFile, systemPath);
  const key = `${root}\0${dirname(scriptFile)}\0${systemPath}`;
  let c = candidateCache.get(key);
  if (!c) {
    c = computeCandidates(root, scriptFile, systemPath);
    candidateCache.set(key, c);
  }
  return c;
}

function computeCandidates(root: string, scriptFile: string, systemPath: string): string[] {
  const out: string[] = [];
  const m = /^\/etc\/(.+)$/.exec(systemPath);
  // An init script lives in <etc>/init.d; its siblings are <etc>/default, <etc>/rc2.d ...
  if (m) out.push(resolve(dirname(dirname(resolve(scriptFile))), m[1]!));
  const underRoot = onDisk(root, systemPath);
  if (!out.includes(underRoot)) out.push(underRoot);
  return out;
}

/** First candidate that exists as a file. */
export function findCompanion(root: string, scriptFile: string, systemPath: string): string | undefined {
  for (const c of companionCandidates(root, scriptFile, systemPath)) {
    try {
      // One lstat answers for everything but a symlink, which must also lead somewhere (existsSync follows it).
      const st = lstatSync(c, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isSymbolicLink() ? existsSync(c) : !st.isDirectory()) return c;
    } catch {
      /* unreadable: treated as absent */
    }
  }
  return undefined;
}

/** sysv-rc runlevel directories, in boot order (rcS.d first). */
export const RC_LEVELS = ['S', '0', '1', '2', '3', '4', '5', '6'] as const;

export interface RcLink {
  level: string;
  kind: 'S' | 'K';
  /** The two digits after S/K: the order sysv-rc runs the link in. */
  priority: number;
  /** Path of the link on disk. */
  path: string;
}

/**
 * Index of every `/etc/rc?.d` directory seen, shared by all scripts of one import (each directory is
 * listed once).
 */
export class RcLinkIndex {
  /** Directory -> link name or link target basename -> the links under that name, in name order. */
  private readonly byDir = new Map<string, Map<string, { name: string; kind: 'S' | 'K'; priority: number }[]>>();

  /** Script directory -> candidate rc directories per level (in RC_LEVELS order). */
  private readonly rcDirsByScriptDir = new Map<string, (readonly string[])[]>();

  constructor(private readonly root: string) {}

  /** S and K links that run `scriptName` (by link name or by link target), from every rc dir found. */
  linksFor(scriptFile: string, scriptName: string): RcLink[] {
    const links: RcLink[] = [];
    const seen = new Set<string>();
    const rcDirs = this.rcDirs(scriptFile);
    for (let l = 0; l < RC_LEVELS.length; l++) {
      const level = RC_LEVELS[l]!;
      for (const dir of rcDirs[l]!) {
        for (const e of this.index(dir).get(scriptName) ?? []) {
          const path = join(dir, e.name);
          // The same host seen through the script's directory and through --root: count a link once.
          const key = `${level}/${e.name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          links.push({ level, kind: e.kind, priority: e.priority, path });
        }
      }
    }
    return links;
  }

  /** Whether any `/etc/rc?.d` directory exists for this script (a host whose rc links decide what starts). */
  hasRcDirs(scriptFile: string): boolean {
    return this.rcDirs(scriptFile).some((dirs) => dirs.some((d) => (this.index(d), this.listed.has(d))));
  }

  private readonly listed = new Set<string>();

  /** The rc directories of every level for a script, computed once per script directory. */
  private rcDirs(scriptFile: string): (readonly string[])[] {
    const last = basename(scriptFile);
    // As in companionCandidates: a path ending in `.` or `..` is resolved, not cached by its dirname.
    const cacheable = last !== '.' && last !== '..' && last !== '';
    const key = dirname(scriptFile);
    let dirs = cacheable ? this.rcDirsByScriptDir.get(key) : undefined;
    if (!dirs) {
      dirs = RC_LEVELS.map((level) => companionCandidates(this.root, scriptFile, `/etc/rc${level}.d`));
      if (cacheable) this.rcDirsByScriptDir.set(key, dirs);
    }
    return dirs;
  }

  /** Each directory is listed (and its links read) once per import, then looked up by script name. */
  private index(dir: string): Map<string, { name: string; kind: 'S' | 'K'; priority: number }[]> {
    let idx = this.byDir.get(dir);
    if (idx) return idx;
    idx = new Map();
    let names: string[] = [];
    try {
      names = readdirSync(dir).sort();
      this.listed.add(dir);
    } catch {
      /* no such directory */
    }
    for (const name of names) {
      const m = /^([SK])(\d\d)(.+)$/.exec(name);
      if (!m) continue;
      let target: string | undefined;
      try {
        target = basename(readlinkSync(join(dir, name)));
      } catch {
        /* not a symlink: matched by name only */
      }
      const entry = { name, kind: m[1] as 'S' | 'K', priority: Number(m[2]) };
      for (const key of target !== undefined && target !== m[3] ? [m[3]!, target] : [m[3]!]) {
        const list = idx.get(key) ?? [];
        list.push(entry);
        idx.set(key, list);
      }
    }
    this.byDir.set(dir, idx);
    return idx;
  }
}
