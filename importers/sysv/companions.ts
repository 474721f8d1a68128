/**
 * Files beside an init script that change what it does: `/etc/default/NAME` (sourced by the script) and
 * the `/etc/rc?.d/[SK]NNname` links that sysv-rc actually runs. Both are looked for relative to the
 * script (`../default`, `../rc?.d`) and under the host root.
 */
import { existsSync, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { onDisk } from '../../src/util/host-path.js';

/** Candidate paths on disk for a system path like `/etc/default/cron`, script-relative first. */
export function companionCandidates(root: string, scriptFile: string, systemPath: string): string[] {
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
      if (existsSync(c) && !lstatSync(c).isDirectory()) return c;
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
  /** Path of the link on disk. */
  path: string;
}

/**
 * Index of every `/etc/rc?.d` directory seen, shared by all scripts of one import (each directory is
 * listed once).
 */
export class RcLinkIndex {
  private readonly listings = new Map<string, { name: string; target?: string }[]>();

  constructor(private readonly root: string) {}

  /** S and K links that run `scriptName` (by link name or by link target), from every rc dir found. */
  linksFor(scriptFile: string, scriptName: string): RcLink[] {
    const links: RcLink[] = [];
    const seen = new Set<string>();
    for (const level of RC_LEVELS) {
      for (const dir of companionCandidates(this.root, scriptFile, `/etc/rc${level}.d`)) {
        for (const e of this.list(dir)) {
          const m = /^([SK])(\d\d)(.+)$/.exec(e.name);
          if (!m) continue;
          const target = e.target !== undefined ? basename(e.target) : undefined;
          if (m[3] !== scriptName && target !== scriptName) continue;
          const path = join(dir, e.name);
          // The same host seen through the script's directory and through --root: count a link once.
          const key = `${level}/${e.name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          links.push({ level, kind: m[1] as 'S' | 'K', path });
        }
      }
    }
    return links;
  }

  private list(dir: string): { name: string; target?: string }[] {
    let l = this.listings.get(dir);
    if (l) return l;
    l = [];
    try {
      for (const name of readdirSync(dir).sort()) {
        const entry: { name: string; target?: string } = { name };
        try {
          entry.target = readlinkSync(join(dir, name));
        } catch {
          /* not a symlink: matched by name only */
        }
        l.push(entry);
      }
    } catch {
      /* no such directory */
    }
    this.listings.set(dir, l);
    return l;
  }
}
